#!/usr/bin/env bash
# The arm64 real-Xen tier: Debian's Xen 4.17 arm64 under qemu-system-aarch64
# (TCG, virt machine, GICv3), an arm64 Dom0 running Weston 10 (headless,
# pixman) and the cross-built arm64 vdispld. See docs/realxen.md.
#
#   ARM64_TIER=smoke  boot-only (what CI runs): Debian's own arm64 kernel,
#                     Xen + Dom0 toolstack up, Weston ready, vdispld alive.
#                     No kernel build.
#   ARM64_TIER=full   (default) the tier's kernel (build-kernel.sh: grant
#                     dma-bufs, xen-drm-front, xen-kbdfront built in) for
#                     Dom0 and the guest; dom0-zc.sh (zero copy into the
#                     test compositor, then be-alloc=1 into Weston) with the
#                     x86 tier's domu-init.sh in the guests; Dom0's result
#                     files come back over the console and checks-zc.sh
#                     judges them.
#
# Environment:
#   VDISPLD_ARM64_BUILD  the cross build tree (default <repo>/build-arm64;
#                        built with scripts/cross-arm64.sh when missing)
#   VDISPLD_DEB          an arm64 vdispld .deb: Dom0's vdispld is unpacked
#                        from it. The full tier builds one by default
#                        (PACKAGE_ARCHES=arm64 scripts/package.sh), so it
#                        tests the package as users install it; "tree"
#                        takes the build tree's vdispld instead
#   SHOT_CHECK           the HOST screenshot checker for checks.sh (default
#                        <repo>/build/tests/realxen/realxen_shot_check)
#   REALXEN_TIMEOUT      seconds before QEMU is stopped (smoke 420, full 1500)
#   ARM64_KERNEL=debian  full tier with Debian's arm64 kernel instead of the
#                        tier's (no kernel build; no xen-drm-front in the
#                        guest, so the display checks fail): a rehearsal
#   REALXEN_KEEP=1       keep the work directory (always kept on failure)
# Exit: 0 all checks passed; 1 a check failed; 77 skipped, with the reason.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

say() { echo "realxen-arm64: $*"; }
skip() { say "SKIP: $*"; exit 77; }

TIER=${ARM64_TIER:-full}
BUILD=${VDISPLD_ARM64_BUILD:-$REPO/build-arm64}
SHOT_CHECK=${SHOT_CHECK:-$REPO/build/tests/realxen/realxen_shot_check}
case "$TIER" in
smoke) TIMEOUT=${REALXEN_TIMEOUT:-420} DOM0_MODE=smoke ;;
full) TIMEOUT=${REALXEN_TIMEOUT:-1500} DOM0_MODE=test ;;
*) say "ARM64_TIER is smoke or full"; exit 2 ;;
esac
export DOM0_MODE

preflight() {
	local t avail
	for t in qemu-system-aarch64 fdtput cpio gzip timeout depmod modprobe \
		 aarch64-linux-gnu-readelf base64; do
		command -v "$t" >/dev/null ||
			skip "$t not found (scripts/deps.sh and scripts/deps-arm64.sh)"
	done
	avail=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
	[ "$avail" -ge 2600 ] || skip "QEMU needs ~2.5 GiB free, only $avail MiB"
	qemu-system-aarch64 -accel help 2>/dev/null | grep -qx tcg ||
		skip "this QEMU has no TCG"
}

get() { # the last stdout line of a step; its 77 becomes ours
	local out rc=0
	out=$("$@") || rc=$?
	[ $rc -eq 77 ] && exit 77
	[ $rc -eq 0 ] || { say "$* failed ($rc)"; exit 1; }
	echo "$out" | tail -n1
}

t0=$(date +%s)
# What the tier needs on the host, installed when missing (apt-get only
# then): the cross toolchain and :arm64 libraries, QEMU, and for the full
# tier the kernel source and the packaging tools.
if [ "$TIER" = full ]; then
	bash "$REPO/scripts/deps-arm64.sh" --if-missing --full
else
	bash "$REPO/scripts/deps-arm64.sh" --if-missing
fi
preflight
if [ "$TIER" = smoke ]; then
	ROOT=$(ARM64_DEBIAN_KERNEL=1 get "$HERE/fetch.sh")
	KERNEL=debian
elif [ "${ARM64_KERNEL:-}" = debian ]; then
	# Rehearsal of the full run without the kernel build: Debian's arm64
	# kernel has no xen-drm-front, so the display checks fail by design.
	ROOT=$(ARM64_DEBIAN_KERNEL=1 get "$HERE/fetch.sh")
	KERNEL=debian
else
	ROOT=$(get "$HERE/fetch.sh")
	KERNEL=$(get "$HERE/build-kernel.sh")
fi
t_fetch=$(date +%s)
if [ ! -x "$BUILD/vdispld" ] || [ ! -x "$BUILD/tests/realxen/realxen_shot_check" ] ||
	[ ! -x "$BUILD/tests/dmabuf-compositor/vdispld-test-compositor" ]; then
	"$REPO/scripts/cross-arm64.sh" "$BUILD"
fi

WORK=$(mktemp -d /tmp/realxen-arm64.XXXXXX)
BOOT=$WORK/boot RESULT=$WORK/result
mkdir -p "$RESULT"
# Dom0's vdispld from the package (the full tier's default).
if [ "${VDISPLD_DEB:-}" = tree ] || { [ "$TIER" = smoke ] && [ -z "${VDISPLD_DEB:-}" ]; }; then
	unset VDISPLD_DEB
elif [ -z "${VDISPLD_DEB:-}" ]; then
	t_pkg=$(date +%s)
	if ! PACKAGE_ARCHES=arm64 "$REPO/scripts/package.sh" "$WORK/deb" > "$WORK/package.log" 2>&1; then
		tail -n 20 "$WORK/package.log"
		say "building the arm64 package failed (VDISPLD_DEB=tree runs the build tree's vdispld)"
		exit 1
	fi
	VDISPLD_DEB=$(ls "$WORK"/deb/vdispld_*_arm64.deb)
	say "arm64 package built in $(( $(date +%s) - t_pkg )) s: $(basename "$VDISPLD_DEB")"
fi
[ -z "${VDISPLD_DEB:-}" ] || export VDISPLD_DEB
# The host-side screenshot checker (checks.sh): built here from the x86
# tier's source when no native build tree has it.
if [ "$TIER" = full ] && [ ! -x "$SHOT_CHECK" ]; then
	SHOT_CHECK=$WORK/realxen_shot_check
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra -Werror -o "$SHOT_CHECK" "$HERE/../realxen/shot_check.c" \
		$(pkg-config --cflags --libs libpng)
fi
export SHOT_CHECK
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	if [ "${KEEP:-1}" = 0 ] && [ "${REALXEN_KEEP:-0}" != 1 ]; then
		rm -rf "$WORK"
	else
		say "work directory kept: $WORK"
	fi
}
trap cleanup EXIT

if ! "$HERE/build-images.sh" "$ROOT" "$KERNEL" "$BOOT" "$BUILD" > "$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	say "building the boot images failed"
	exit 1
fi
# shellcheck disable=SC1091
. "$BOOT/addrs"
t_img=$(date +%s)
say "packages+kernel $((t_fetch - t0)) s, images $((t_img - t_fetch)) s (dom0.cpio.gz $(( $(stat -c %s "$BOOT/dom0.cpio.gz") / 1048576 )) MiB)"

say "booting arm64 Xen ($TIER; log: $WORK/serial.log)"
nice -n 19 timeout "$TIMEOUT" qemu-system-aarch64 "${QEMU_MACHINE[@]}" \
	-nographic -nic none -no-reboot -monitor none \
	-kernel "$BOOT/xen" -dtb "$BOOT/xen.dtb" \
	-device "loader,file=$BOOT/Image,addr=$KADDR,force-raw=on" \
	-device "loader,file=$BOOT/dom0.cpio.gz,addr=$IADDR,force-raw=on" \
	-serial stdio < /dev/null 2>&1 |
	sed -u 's/\r//g' | tee "$WORK/serial.log" |
	grep --line-buffered -E '^(REALXEN-(DOM0|VDISPLD|TC)|domu(ba)?\| REALXEN-GUEST)|Panic|panic' || true
t_end=$(date +%s)
LOG=$WORK/serial.log
say "QEMU ran $((t_end - t_img)) s; Dom0 /init at $(sed -nE 's/^REALXEN-DOM0: t=([0-9.]+) init.*/\1/p' "$LOG" | head -n1) s of Dom0 uptime; total $((t_end - t0)) s"

# Dom0's result files, back from the console.
awk -v dir="$RESULT" '
	/^REALXEN-FILE: BEGIN / { f = dir "/" $3; sub(/\/[^\/]*$/, "", f); system("mkdir -p \"" f "\""); out = dir "/" $3 ".b64"; next }
	/^REALXEN-FILE: END/ { close(out); out = ""; next }
	out != "" { print > out }' "$LOG"
find "$RESULT" -name '*.b64' | while read -r f; do
	base64 -d "$f" > "${f%.b64}" && rm "$f"
done

if [ "$TIER" = smoke ]; then
	fails=0
	ok() { echo "realxen-arm64: ok   $*"; }
	check() { if grep -aqE "$2" "$LOG"; then ok "$1"; else echo "realxen-arm64: FAIL $1 (no /$2/)"; fails=$((fails + 1)); fi; }
	if ! grep -aq '^REALXEN-DOM0: .* toolstack up: xen_version' "$LOG"; then
		say "SKIP: Xen/Dom0 did not come up under QEMU (see $LOG)"
		exit 77
	fi
	check "Xen 4.17 arm64 and the Dom0 toolstack up" 'toolstack up: xen_version : 4\.17'
	feat=$(sed -nE 's/^REALXEN-DOM0: .* features: ([0-9a-f]+)$/\1/p' "$LOG" | head -n1)
	if [ -n "$feat" ] && (( 0x$feat & 4 )); then
		ok "Dom0 is auto-translated (features $feat: XENFEAT_auto_translated_physmap)"
	else
		echo "realxen-arm64: FAIL Dom0 not auto-translated (features '${feat}')"; fails=$((fails + 1))
	fi
	check "/dev/xen/gntdev in Dom0" 'device /dev/xen/gntdev'
	check "Weston 10 arm64 ready (headless, pixman)" 'weston ready after'
	check "arm64 vdispld starts against real xenstored and Weston" 'vdispld running'
	check "vdispld exits cleanly on SIGTERM" 'vdispld exit 0'
	check "no FAIL line from Dom0" '^REALXEN-DOM0: .* END'
	grep -aq '^REALXEN-DOM0: .*FAIL' "$LOG" && { echo "realxen-arm64: FAIL Dom0 reported:"; grep -a '^REALXEN-DOM0: .*FAIL' "$LOG"; fails=$((fails + 1)); }
	[ $fails -eq 0 ] && KEEP=0
	[ $fails -eq 0 ]
	exit $?
fi

# shellcheck source=checks-zc.sh
. "$HERE/checks-zc.sh"
rc=0
run_arm64_checks "$LOG" "$RESULT" || rc=$?
[ $rc -eq 0 ] && KEEP=0
exit $rc
