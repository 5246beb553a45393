#!/usr/bin/env bash
# Installs every Debian 12 package vdispld needs to build, test and run its
# demo. Idempotent: with --if-missing it only calls apt-get when a package is
# absent, so the test command stays fast on a prepared machine.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libxen-dev xenstore-utils
  libwayland-dev wayland-protocols wayland-utils
  weston libweston-10-dev
  libdrm-dev libinput-dev libudev-dev libcmocka-dev libinih-dev libsystemd-dev libpng-dev
  clang libclang-rt-14-dev cppcheck valgrind systemd strace
  # test-only: an independent decoder checks the EDID vdispld generates
  edid-decode
  # the real-Xen tier: QEMU boots Debian's Xen + kernel (fetched, not installed)
  qemu-system-x86 cpio kmod
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${1:-}" = "--if-missing" ] && [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
