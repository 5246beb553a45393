#!/usr/bin/env bash
# The real-Xen tier: Debian's Xen 4.17 and Linux 6.1 under QEMU (TCG), the
# real xen-drm-front / xen-kbdfront in a guest, vdispld and headless Weston
# in Dom0. Boots, runs dom0-test.sh, then checks the serial log and the
# files Dom0 wrote (screenshot, logs). See docs/realxen.md.
#
# Environment:
#   VDISPLD_BIN     the daemon to test (default <repo>/build/vdispld); when
#                   it does not exist the run stops at "frontends wait for a
#                   backend" and exits 77
#   SHOT_CHECK      the screenshot checker (built by CMake: realxen_shot_check)
#   INPUT_MODULE    the test-only Weston input module (vdispld-test-input.so)
#   INPUT_CMD       its command client for Dom0 (realxen_input_cmd); without
#                   both, no input is injected and the input checks fail
#   UINPUT_CMD      the KMS run's uinput devices for Dom0 (realxen_uinput_cmd)
#   REALXEN_CACHE   package cache (see fetch.sh)
#   REALXEN_SHELL   dom0: a shell in Dom0 instead of the test; domu: Dom0 sets
#                   up everything, creates the guest with a shell and attaches
#                   its console (Ctrl-] then gives a Dom0 shell). Interactive,
#                   on this terminal (-serial mon:stdio; Ctrl-a x quits QEMU).
#   REALXEN_KEEP=1  keep the work directory (always kept on failure)
#   REALXEN_TIMEOUT seconds before QEMU is stopped (default 1200)
#   REALXEN_NICE    QEMU's niceness (default 19: other jobs first)
#   REALXEN_PRESENTER=kms  the KMS procedure (dom0-kms.sh) instead: QEMU
#                   gets a virtio-gpu with two outputs that Dom0 drives,
#                   vdispld runs without Weston, and the host checks the
#                   outputs' screendumps (checks-kms.sh)
# Exit: 0 all checks passed; 1 a check failed; 77 skipped, with the reason.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=qemu-mon.sh
. "$HERE/qemu-mon.sh"

say() { echo "realxen: $*"; }
skip() { say "SKIP: $*"; exit 77; }

VDISPLD_BIN=${VDISPLD_BIN:-$REPO/build/vdispld}
SHOT_CHECK=${SHOT_CHECK:-}
INPUT_MODULE=${INPUT_MODULE:-$REPO/build/weston-modules/vdispld-test-input.so}
INPUT_CMD=${INPUT_CMD:-$REPO/build/tests/realxen/realxen_input_cmd}
UINPUT_CMD=${UINPUT_CMD:-$REPO/build/tests/realxen/realxen_uinput_cmd}
SHELL_MODE=${REALXEN_SHELL:-}
TIMEOUT=${REALXEN_TIMEOUT:-1200}
NICE=${REALXEN_NICE:-19}
PRESENTER=${REALXEN_PRESENTER:-wayland}

preflight() {
	local t avail
	for t in qemu-system-x86_64 cpio depmod modprobe gzip ldd timeout; do
		command -v "$t" >/dev/null ||
			skip "$t not found (install qemu-system-x86 cpio kmod: scripts/deps.sh)"
	done
	[ -x /usr/bin/wayland-info ] || skip "/usr/bin/wayland-info not installed (wayland-utils)"
	avail=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
	[ "$avail" -ge 2600 ] || skip "QEMU needs ~2.5 GiB free, only $avail MiB"
	qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg ||
		skip "this QEMU has no TCG"
}

# The read-only sysroot Dom0 chroots into: only what the test needs.
build_share() {
	local s=$1 m
	tree_init "$s"
	mkdir -p "$s/result" "$s/realxen" "$s/run/user"
	cp "$ROOT/bin/busybox" "$s/usr/bin/busybox"
	ln -sf busybox "$s/usr/bin/sh"
	ln -sf busybox "$s/usr/bin/env"
	# glibc dlopen()s libgcc_s for pthread_cancel: libxenstore cancels its
	# reader thread in xs_close, so vdispld aborts at exit without it.
	copy_lib "$s" /lib/x86_64-linux-gnu/libgcc_s.so.1
	# Weston 10: the host's, else Debian's from the fetched packages (its
	# libraries the host's amd64 ones, which a foreign-arch libweston
	# install does not remove).
	local w=''
	[ -x /usr/bin/weston ] || w=$ROOT
	[ -x "$w/usr/bin/weston" ] || { say "no weston on the host nor in $ROOT"; exit 1; }
	copy_prog "$s" "$w/usr/bin/weston" /usr/bin/weston
	for m in libweston-10/headless-backend.so weston/desktop-shell.so \
		 weston-desktop-shell; do
		copy_prog "$s" "$w/usr/lib/x86_64-linux-gnu/$m" "/usr/lib/x86_64-linux-gnu/$m"
	done
	copy_prog "$s" "$w/usr/bin/weston-screenshooter" /usr/bin/weston-screenshooter
	copy_prog "$s" "$w/usr/bin/weston-debug" /usr/bin/weston-debug
	copy_prog "$s" /usr/bin/wayland-info
	# A seat for headless Weston, driven by realxen-input-cmd: the only
	# way touches and keys reach vdispld's surfaces here.
	if [ -f "$INPUT_MODULE" ] && [ -x "$INPUT_CMD" ]; then
		copy_prog "$s" "$INPUT_MODULE" \
			/usr/lib/x86_64-linux-gnu/weston/vdispld-test-input.so
		copy_prog "$s" "$INPUT_CMD" /usr/bin/realxen-input-cmd
	else
		say "no input module/client ($INPUT_MODULE, $INPUT_CMD): no input injected"
	fi
	# The KMS run's touchscreen and keyboard in Dom0 (uinput).
	if [ -x "$UINPUT_CMD" ]; then
		copy_prog "$s" "$UINPUT_CMD" /usr/bin/realxen-uinput-cmd
	fi
	# Weston builds an XKB context at start even without a seat.
	mkdir -p "$s/usr/share/X11"
	cp -r /usr/share/X11/xkb "$s/usr/share/X11/xkb"
	if [ -x "$VDISPLD_BIN" ]; then
		# LIB_PATH puts the packaged (real) Xen libraries first: never
		# the simulator's drop-ins.
		copy_prog "$s" "$VDISPLD_BIN" /usr/bin/vdispld
		cmp -s "$s/usr/lib/x86_64-linux-gnu/libxengnttab.so.1" \
			"$ROOT/usr/lib/x86_64-linux-gnu/libxengnttab.so.1" ||
			{ say "vdispld would not use Debian's libxengnttab"; exit 1; }
	fi
	# Dom0 runs the screenshot checker too, to know when to stop shooting.
	if [ -n "$SHOT_CHECK" ] && [ -x "$SHOT_CHECK" ]; then
		copy_prog "$s" "$SHOT_CHECK" /usr/bin/realxen-shot-check
	fi
	install -m 755 "$HERE/dom0-test.sh" "$s/realxen/dom0-test.sh"
	cp "$HERE/dom0-lib.sh" "$HERE/dom0-input.sh" "$HERE/dom0-shots.sh" \
		"$HERE/dom0-kms.sh" "$s/realxen/"
	cp "$BOOT/vmlinuz" "$BOOT/domU.cpio.gz" "$s/realxen/"
	cat > "$s/realxen/weston.ini" <<-INI
	[core]
	shell=desktop-shell.so
	idle-time=0
	[shell]
	startup-animation=none
	animation=none
	panel-position=none
	locking=false
	background-color=0xff203040
	INI
	# Debug: the per-connector counters (frames shown, flips answered by
	# the timer) every 5 s in result/vdispld.log, for the post-mortem.
	printf '[general]\nlog-level = debug\nstatus-interval = 5\nshell = xdg\n' \
		> "$s/realxen/vdispld.conf"
	# The KMS procedure: c0 and c1 on the two outputs by name.
	cat > "$s/realxen/vdispld-kms.conf" <<-CONF
	[general]
	log-level = debug
	status-interval = 5
	presenter = kms
	kms-device = /dev/dri/card0
	[connector c0]
	output = Virtual-1
	[connector c1]
	output = Virtual-2
	CONF
	# The guests (dom0-test.sh): domu with two connectors and a vkb,
	# domu2 with one (two guests at once, then destroyed and re-created),
	# domuba with be-alloc=1 (refused on an x86 PV guest).
	guest_cfg domu "'backend=Domain-0,be-alloc=0,connectors=c0:800x600;c1:1024x768'" \
		"vkb = [ 'backend-type=linux,feature-abs-pointer=1,feature-multi-touch=1,multi-touch-width=1600,multi-touch-height=1200,multi-touch-num-contacts=10,unique-id=c0' ]"
	guest_cfg domu2 "'backend=Domain-0,be-alloc=0,connectors=c0:640x480'" ""
	guest_cfg domuba "'backend=Domain-0,be-alloc=1,connectors=c0:640x480'" ""
}

# guest_cfg NAME VDISPL EXTRA: an xl config in the share. 128 MiB each:
# three guests fit beside Dom0's 1 GiB in the VM's 2 GiB. domu's touch
# area is twice the 800x600 connector it follows: touches must arrive
# scaled (x2), not passed through.
guest_cfg() {
	cat > "$SHARE/realxen/$1.cfg" <<-CFG
	name = "$1"
	type = "pv"
	kernel = "/host/realxen/vmlinuz"
	ramdisk = "/host/realxen/domU.cpio.gz"
	extra = "console=hvc0 rdinit=/init loglevel=7 realxen.mode=$GUEST_MODE"
	memory = 128
	vcpus = 1
	vdispl = [ $2 ]
	$3
	CFG
}

run_qemu() { # DOM0_MODE
	local dom0_args="console=hvc0 earlyprintk=xen rdinit=/init realxen.mode=$1"
	local monitor=(-monitor none)
	# virtio-gpu reports only its first output connected without a UI
	# showing the others: video=...e forces the second on.
	[ "$1" = kms ] && dom0_args="$dom0_args video=Virtual-2:1024x768e"
	local args=(-accel tcg,thread=multi -cpu qemu64 -m 2048 -smp 2
		-no-reboot -display none -net none
		-kernel "$BOOT/xen"
		-append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=2"
		-initrd "$BOOT/vmlinuz $dom0_args,$BOOT/dom0.cpio.gz"
		-virtfs "local,path=$SHARE,mount_tag=host,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=$RESULT,mount_tag=result,security_model=none,multidevs=remap")
	if [ "$1" = kms ]; then
		# iommu_platform: the driver must go through the DMA API (and
		# so Xen's swiotlb), a PV Dom0's "physical" addresses being
		# pseudo-physical; without it QEMU scans out the wrong memory.
		args+=(-device virtio-gpu-pci,max_outputs=2,iommu_platform=on,id=gpu)
		mkfifo "$WORK/mon.in" "$WORK/mon.out"
		monitor=(-monitor "pipe:$WORK/mon")
	fi
	if [ -n "$SHELL_MODE" ]; then
		nice -n "$NICE" qemu-system-x86_64 "${args[@]}" -serial mon:stdio
		return 0
	fi
	say "booting (log: $WORK/serial.log)"
	: > "$WORK/serial.log"
	[ "$1" = kms ] && { shot_server "$WORK/serial.log" & SHOT_PID=$!; }
	nice -n "$NICE" timeout "$TIMEOUT" qemu-system-x86_64 "${args[@]}" \
		"${monitor[@]}" -serial stdio < /dev/null 2>&1 |
		sed -u 's/\r//g' | tee "$WORK/serial.log" |
		grep --line-buffered -E 'REALXEN-(DOM0|GUEST)|Panic|panic' || true
	if [ -n "${SHOT_PID:-}" ]; then
		kill "$SHOT_PID" 2>/dev/null || true
		wait "$SHOT_PID" 2>/dev/null || true
	fi
	return 0
}

# shot_server SERIAL_LOG: for every "KMS-SHOT TAG N" of Dom0's, N
# screendumps of each of virtio-gpu's two outputs into RESULT/TAG
# (head-H-I.png), then RESULT/TAG/shots-done for Dom0 to go on.
shot_server() {
	local log=$1 line tag n i
	mon_open "$WORK"
	# tail stops with run.sh ($$), the loop with this subshell (killed
	# when QEMU is done): nothing outlives the run.
	while IFS= read -r line; do
		case "$line" in
		*"REALXEN-DOM0: "*" KMS-SHOT "*) ;;
		*) continue ;;
		esac
		set -- ${line##* KMS-SHOT }
		tag=$1 n=$2
		mkdir -p "$RESULT/$tag"
		for i in $(seq 1 "$n"); do
			mon_shots "$RESULT/$tag/head-%s-$i.png" # flips move on
		done
		touch "$RESULT/$tag/shots-done"
	done < <(tail -n +1 -F --pid=$$ "$log" 2>/dev/null)
}

preflight
ROOT=$("$HERE/fetch.sh" | tail -n1) || { rc=$?; [ $rc -eq 77 ] && exit 77; exit 1; }
LIB_PATH=$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu
WORK=$(mktemp -d /tmp/realxen.XXXXXX)
BOOT=$WORK/boot SHARE=$WORK/share RESULT=$WORK/result
mkdir -p "$RESULT"
chmod 777 "$RESULT"
cleanup() {
	if [ "${KEEP:-1}" = 0 ] && [ "${REALXEN_KEEP:-0}" != 1 ]; then
		rm -rf "$WORK"
	else
		say "work directory kept: $WORK"
	fi
}
trap cleanup EXIT

GUEST_MODE=test DOM0_MODE=test
[ "$PRESENTER" = kms ] && DOM0_MODE=kms
case "$SHELL_MODE" in
"") ;;
dom0) DOM0_MODE=shell ;;
domu) DOM0_MODE=domu-shell GUEST_MODE=shell ;;
*) say "REALXEN_SHELL is dom0 or domu"; exit 2 ;;
esac
[ -x "$VDISPLD_BIN" ] || say "no vdispld at $VDISPLD_BIN: Dom0 runs no backend"

t0=$(date +%s)
if ! "$HERE/build-initramfs.sh" "$ROOT" "$BOOT" > "$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	say "building the boot images failed"
	exit 1
fi
build_share "$SHARE"
say "images and share ready in $(( $(date +%s) - t0 )) s"
run_qemu "$DOM0_MODE"
say "QEMU done after $(( $(date +%s) - t0 )) s"
[ -n "$SHELL_MODE" ] && exit 0

# shellcheck source=checks.sh
. "$HERE/checks.sh"
rc=0
if [ "$DOM0_MODE" = kms ]; then
	run_checks_kms "$WORK/serial.log" "$RESULT" || rc=$?
else
	run_checks "$WORK/serial.log" "$RESULT" || rc=$?
fi
[ $rc -eq 0 ] && KEEP=0
exit $rc
