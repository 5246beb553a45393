#!/usr/bin/env bash
# Installs what the arm64 work needs on a Debian 12 amd64 host, on top of
# scripts/deps.sh: the cross compiler, the :arm64 (multiarch) -dev libraries
# vdispld and its test helpers link against, and the host tools that build
# the arm64 kernel and boot arm64 Xen under QEMU. The arm64 Xen, Weston and
# busybox the tier boots are fetched, not installed (tests/realxen-arm64/).
# Idempotent; --if-missing only calls apt-get when something is absent.
set -euo pipefail

HOST_PACKAGES=(
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross pkg-config cmake file
  # booting arm64 Xen (tests/realxen-arm64/run.sh)
  qemu-system-arm device-tree-compiler cpio
)
# --full: also what only the full tier and the packages need (CI's cross
# build and smoke test don't: the kernel source alone is ~140 MB).
if [ "${1:-}" = "--full" ] || [ "${2:-}" = "--full" ]; then
  HOST_PACKAGES+=(
    # the packages (scripts/package.sh)
    debhelper dpkg-dev lintian
    # the kernel build (tests/realxen-arm64/build-kernel.sh)
    linux-source-6.1 flex bison bc make xz-utils
  )
fi
# Multiarch: the arm64 builds of what CMakeLists.txt asks pkg-config for.
# NOT libxen-dev:arm64 nor libweston-10-*:arm64: they are not Multi-Arch:
# same, so apt would REMOVE the amd64 ones the native build needs. Xen's
# runtime libraries co-install; libxen-dev's, libweston-10-dev's (and
# libinput-dev's) headers and .pc files are unpacked into a cache
# (arm64-dev-unpack.sh).
ARM64_PACKAGES=(
  libxenstore4 libxengnttab1 libxenevtchn1
  libwayland-dev libdrm-dev libinih-dev libsystemd-dev
  libpng-dev libcmocka-dev
  # libweston-10-dev's .pc requires these (test-only Weston modules)
  libpixman-1-dev libxkbcommon-dev
  # runtime only: their -dev files are unpacked (arm64-dev-unpack.sh)
  libinput10 libudev1
)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
for p in "${HOST_PACKAGES[@]}" "${ARM64_PACKAGES[@]/%/:arm64}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  [ "${1:-}" = "--if-missing" ] || [ "${2:-}" = "--if-missing" ] ||
    echo "deps-arm64: all packages present"
  "$(dirname "$0")/arm64-dev-unpack.sh" >/dev/null
  exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "deps-arm64: adding the arm64 architecture (multiarch)"
  $SUDO dpkg --add-architecture arm64
fi
echo "deps-arm64: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
"$(dirname "$0")/arm64-dev-unpack.sh" >/dev/null
