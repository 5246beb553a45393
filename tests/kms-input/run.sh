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
# shellcheck source=../realxen/lib.sh
. "$REPO/tests/realxen/lib.sh"

say() { echo "kms_input: $*"; }
skip() { say "SKIP: $*"; exit 77; }

KMS_INPUT=${KMS_INPUT:-$REPO/build/tests/kms-input/kms_input}
for t in qemu-system-x86_64 cpio depmod modprobe gzip ldd timeout; do
	command -v "$t" >/dev/null || skip "$t not found (scripts/deps.sh installs it)"
done
[ -x "$KMS_INPUT" ] || skip "kms_input not built (no libinput development files?)"

set +e
ROOT=$("$REPO/tests/realxen/fetch.sh" | tail -n 1)
rc=$?
set -e
[ $rc -eq 77 ] && skip "Debian's kernel package can't be fetched"
[ $rc -eq 0 ] && [ -d "$ROOT" ] || { say "FAIL: fetching packages"; exit 1; }
KVER=$(basename "$(ls -d "$ROOT"/lib/modules/*/ | head -n 1)")

W=$(mktemp -d /tmp/kms-input.XXXXXX)
cleanup() {
	local rc=$?
	if [ $rc -eq 0 ] && [ -z "${KMS_KEEP:-}" ]; then rm -rf "$W"; else say "kept $W"; fi
}
trap cleanup EXIT

# The VM's root: busybox, kms_input with its libraries (libinput, libudev,
# libevdev, mtdev, libwacom ... as ldd names them), libinput's device
# quirks, uinput and evdev. No udevd: kms_input writes the udev database
# entries udevd would.
I=$W/initramfs
tree_init "$I"
cp "$ROOT/bin/busybox" "$I/usr/bin/busybox"
ln -sf busybox "$I/usr/bin/sh"
copy_prog "$I" "$KMS_INPUT" /usr/bin/kms_input
if [ -d /usr/share/libinput ]; then
	mkdir -p "$I/usr/share"
	cp -r /usr/share/libinput "$I/usr/share/"
fi
copy_modules "$I" "$ROOT" "$KVER" uinput evdev
cat > "$I/init" <<'INIT'
#!/bin/sh
/usr/bin/busybox --install -s /usr/bin
mount -t proc proc /proc; mount -t sysfs sys /sys
mount -t devtmpfs dev /dev; mount -t tmpfs run /run
while read -r line; do $line; done < /etc/modules.load
n=0; while [ ! -e /dev/uinput ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
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
timeout 400 qemu-system-x86_64 -accel tcg,thread=multi -m 512 -smp 2 \
	-nodefaults -display none -no-reboot \
	-kernel "$ROOT/boot/vmlinuz-$KVER" -initrd "$W/initrd.gz" \
	-append "console=ttyS0 rdinit=/init quiet" \
	-serial "file:$LOG" || true
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
