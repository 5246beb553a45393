#!/usr/bin/sh
# The KMS procedure (realxen.mode=kms), run by dom0-test.sh: no compositor.
# Dom0's kernel drives QEMU's virtio-gpu (two outputs) itself and vdispld
# shows the guest's two connectors on them with its KMS presenter. The
# host takes the pictures: Dom0 prints "KMS-SHOT TAG N SPEC" and waits for
# /result/TAG/shots-done, written by run.sh after N screendumps of each
# output through QEMU's monitor.
#
# One guest, domu: c0 800x600 on Virtual-1, c1 1024x768 on Virtual-2,
# modetest static (SET_CONFIG only), then flipping. Uses dom0-test.sh's
# S, R, CFG and its helpers (dom0-lib.sh, dom0-shots.sh).

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

start_vdispld_kms() {
	chroot "$S" /usr/bin/env /usr/bin/vdispld \
		-c /realxen/vdispld-kms.conf > "$R/vdispld.log" 2>&1 &
	VDISPLD_PID=$!
	sleep 2
	if kill -0 "$VDISPLD_PID" 2>/dev/null; then
		say "vdispld running"
	else
		wait "$VDISPLD_PID"
		fail "vdispld exited $? at start"
		sed 's/^/REALXEN-VDISPLD: /' "$R/vdispld.log"
	fi
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
	start_vdispld_kms
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
	run domu finish

	destroy domu
	if kill -0 "$VDISPLD_PID" 2>/dev/null; then
		say "vdispld alive after destroy (pids: $(pidof vdispld))"
		kill -TERM "$VDISPLD_PID"
		wait "$VDISPLD_PID"
		say "vdispld exit $?"
	else
		fail "vdispld died"
	fi
	# shellcheck disable=SC2086
	kill $TAIL_PIDS 2>/dev/null
	grep -E 'kms|error|warn' "$R/vdispld.log" | tail -n 20 |
		sed 's/^/REALXEN-VDISPLD: /'
	say "END"
}
