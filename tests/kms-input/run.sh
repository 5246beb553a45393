#!/usr/bin/env bash
# The libinput source on real kernel input devices: Debian's kernel under
# QEMU (TCG, no Xen, no display), uinput and evdev loaded, kms_input
# creating a uinput touchscreen and keyboard and checking what the
# libinput source makes of them (see kms_input.c). Reuses the real-Xen
# tier's package fetch (the kernel) and tree helpers, as tests/kms does.
#
# Environment: KMS_INPUT (the built program), REALXEN_CACHE (package
# cache, see tests/realxen/fetch.sh), KMS_KEEP=1 keeps the work directory
# (always kept on failure).
# Exit: 0 passed; 1 a check failed; 77 skipped, with the reason.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../kms/vm-lib.sh
. "$REPO/tests/kms/vm-lib.sh"

say() { echo "kms_input: $*"; }
skip() { say "SKIP: $*"; exit 77; }

KMS_INPUT=${KMS_INPUT:-$REPO/build/tests/kms-input/kms_input}
vm_need
[ -x "$KMS_INPUT" ] || skip "kms_input not built (no libinput development files?)"

vm_fetch_kernel
vm_workdir kms-input

# The VM's root: busybox, kms_input with its libraries (libinput, libudev,
# libevdev, mtdev, libwacom ... as ldd names them), libinput's device
# quirks, uinput and evdev. No udevd: kms_input writes the udev database
# entries udevd would.
vm_tree
copy_prog "$I" "$KMS_INPUT" /usr/bin/kms_input
if [ -d /usr/share/libinput ]; then
	mkdir -p "$I/usr/share"
	cp -r /usr/share/libinput "$I/usr/share/"
fi
copy_modules "$I" "$ROOT" "$KVER" uinput evdev
{ vm_init /dev/uinput; cat <<'INIT'; } > "$I/init"
echo "KMS-INPUT-VM up: $(ls /dev/uinput)"
/usr/bin/kms_input
echo "KMS-INPUT-EXIT $?"
/usr/bin/kms_input --seat seat0
echo "KMS-INPUT-EXIT $?"
poweroff -f
INIT
chmod +x "$I/init"
pack_cpio "$I" "$W/initrd.gz"

LOG=$W/serial.log
t0=$(date +%s)
vm_qemu 512
timeout 400 "${VM_QEMU[@]}" || true
grep -E "^KMS-INPUT( (ok|FAIL)|-)|input:" "$LOG" | tr -d '\r' | sed 's/^/kms_input: vm: /'
say "run took $(($(date +%s) - t0)) s"
# Two runs: the listed paths (path backend), then the udev seat.
if [ "$(grep -c "^KMS-INPUT-PASS" "$LOG")" -eq 2 ]; then
	say PASS
	exit 0
fi
say FAIL
tail -40 "$LOG"
exit 1
