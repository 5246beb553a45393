#!/usr/bin/sh
# The KMS procedure (realxen.mode=kms), run by dom0-test.sh: no compositor.
# Dom0's kernel drives QEMU's virtio-gpu (two outputs) itself and vdispld
# shows the guest's two connectors on them with its KMS presenter. The
# host takes the pictures: Dom0 prints "KMS-SHOT TAG N SPEC" and waits for
# /result/TAG/shots-done, written by run.sh after N screendumps of each
# output through QEMU's monitor.
#
# One guest, domu: c0 800x600 on Virtual-1, c1 1024x768 on Virtual-2,
# modetest static (SET_CONFIG only), then flipping; then a two-finger
# touch and a key on Dom0's uinput touchscreen and keyboard, which belong
# to Virtual-1 and so to c0 and its vkb. Uses dom0-test.sh's S, R, CFG and
# its helpers (dom0-lib.sh, dom0-input.sh, dom0-shots.sh).

# kms_shot TAG MODE N SPEC: the host screendumps both outputs N times.
kms_shot() {
	mkdir -p "$R/$1"
	echo "$4" > "$R/$1/spec"
	echo "$2" > "$R/$1/mode"
	say "KMS-SHOT $1 $3"
	if wait_for 120 test -e "$R/$1/shots-done"; then
		say "shots of $1 taken"
	else
		fail "the host took no screendump of $1 within 120 s"
	fi
}

# Dom0's touchscreen and keyboard (uinput), made before vdispld starts so
# its config can list them by node, as a car's would by path. Sets
# UINPUT_TOUCH, UINPUT_KBD; commands go to fd 4.
start_uinput() {
	[ -x "$S/usr/bin/realxen-uinput-cmd" ] || { say "no realxen-uinput-cmd: no input"; return 1; }
	mkfifo /tmp/uinput.in
	chroot "$S" /usr/bin/realxen-uinput-cmd 800 600 < /tmp/uinput.in \
		> /tmp/uinput.out 2>&1 &
	UINPUT_PID=$!
	exec 4> /tmp/uinput.in
	if ! wait_for 10 grep -q '^uinput: touch' /tmp/uinput.out; then
		fail "uinput devices not created: $(cat /tmp/uinput.out)"
		return 1
	fi
	set -- $(grep '^uinput: touch' /tmp/uinput.out)
	UINPUT_TOUCH=$3 UINPUT_KBD=$5
	say "uinput touchscreen $UINPUT_TOUCH, keyboard $UINPUT_KBD"
}

# The share's config plus the input devices, both on c0's output.
kms_config() {
	cp "$CFG/vdispld-kms.conf" "$S/tmp/vdispld-kms.conf"
	[ -n "${UINPUT_TOUCH:-}" ] &&
		printf '[input]\ndevice = %s Virtual-1\ndevice = %s Virtual-1\n' \
			"$UINPUT_TOUCH" "$UINPUT_KBD" >> "$S/tmp/vdispld-kms.conf"
}

# inject_uinput DOMID: two fingers down on c0's output, both move, both
# up; then KEY_A (the Weston run's gestures, in the output's pixels:
# c0 fills Virtual-1 at 800x600, so they are c0's pixels too).
inject_uinput() {
	set -- $TOUCH_DOWN $TOUCH_MOTION "$1"
	say "touch c0 of domid $5 at 0,0: down $1 $2 motion $3 $4"
	echo "down 0 ${1%,*} ${1#*,}" >&4
	echo "down 1 ${2%,*} ${2#*,}" >&4
	echo frame >&4
	sleep 0.5
	echo "move 0 ${3%,*} ${3#*,}" >&4
	echo "move 1 ${4%,*} ${4#*,}" >&4
	echo frame >&4
	sleep 0.5
	echo "up 0" >&4
	echo "up 1" >&4
	echo frame >&4
	echo "key 30 1" >&4
	echo "key 30 0" >&4
	sleep 1
	say "input injected into c0 of domid $5"
}

kms_main() {
	setup_chroot
	if ! wait_for 30 test -e /dev/dri/card0; then
		fail "no /dev/dri/card0: Dom0's kernel does not drive virtio-gpu"
		say "END"
		return 1
	fi
	for c in /sys/class/drm/card0-*; do
		say "drm $(basename "$c"): $(cat "$c/status") $(head -n 1 "$c/modes" 2>/dev/null)"
	done
	start_uinput
	kms_config
	start_vdispld /tmp/vdispld-kms.conf kms
	TAIL_PIDS=''
	follow_console domu
	create domu
	A=$(domid domu)
	wait_ready domu
	dump_xs "$A" domu

	case_begin kms-static
	run domu static XR24
	sleep 3
	counters kms-static-begin
	kms_shot kms-static static 1 "$(spec_of domu XR24)"
	counters kms-static-end

	case_begin kms-flip
	run domu flip XR24
	sleep 3
	counters kms-flip-begin
	kms_shot kms-flip flip 4 "$(spec_of domu XR24)"
	sleep 2
	counters kms-flip-end

	# Input while domu flips, as in the Weston run.
	case_begin kms-input
	[ -n "${UINPUT_TOUCH:-}" ] && inject_uinput "$A"
	run domu finish
	# Every process started since holds the FIFO open too (fd 4 is
	# inherited): end the device process rather than wait for an EOF.
	exec 4>&-
	if [ -n "${UINPUT_PID:-}" ]; then
		kill "$UINPUT_PID" 2>/dev/null
		wait "$UINPUT_PID" 2>/dev/null
	fi

	destroy domu
	stop_vdispld destroy
	# shellcheck disable=SC2086
	kill $TAIL_PIDS 2>/dev/null
	grep -E 'kms|error|warn' "$R/vdispld.log" | tail -n 20 |
		sed 's/^/REALXEN-VDISPLD: /'
	say "END"
}
