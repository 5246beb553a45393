#!/usr/bin/sh
# The arm64 tier's test procedure (busybox sh), run by dom0-init.sh with /
# bound on /host (the sysroot the x86 tier's helpers expect). It proves
# what only an auto-translated Dom0 can do, on the real kernel. One boot:
#   zc       zero copy: the project's test compositor stands where Weston
#            would, with --attach-only (a real grant export cannot be
#            mmapped: only a DMA importer can use it), vdispld is its
#            client. Two guests flip with modetest at once: domu
#            (be-alloc=0, c0 800x600 + c1 1024x768), whose own buffers go
#            as grant exports, and domuba (be-alloc=1, c0 800x600), whose
#            display memory vdispld allocated from /dev/dma_heap/system
#            and hands over as that dma-buf (the compositor maps and reads
#            it). vdispld's counters before and after, the compositor's
#            report; then modetest stops (each DBUF_DESTROY of an export
#            waits for its release through
#            IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED), both are destroyed.
#   weston   Weston (headless, pixman, the test-only input seat) and a
#            new vdispld, two guests at once: domu again (its own buffers,
#            copied: pixman has no dma-buf) and domuba (be-alloc=1, c0
#            800x600), which draws with modetest into display memory
#            vdispld allocated from /dev/dma_heap/system and granted with
#            IOCTL_GNTDEV_DMABUF_IMP_TO_REFS. Both static in one set of
#            screenshots; touch, click and key into domu's c0; domu static
#            in AR24 and RG16, flipping in RG16; domu destroyed, domuba
#            flipping; domuba destroyed and re-created three times
#            (vdispld's fds counted). Screenshots checked pixel for pixel.
# Results in /result: zc/ (the compositor's report), one folder of shots
# per case, each phase's vdispld log as PHASE-vdispld.log.
# Word splitting of $ENV is intended:
# shellcheck disable=SC2086
S=/host
R=/result
CFG=/host/realxen
# shellcheck source=../realxen/dom0-lib.sh
. "$CFG/dom0-lib.sh"
# shellcheck source=../realxen/dom0-input.sh
. "$CFG/dom0-input.sh"
# shellcheck source=../realxen/dom0-shots.sh
. "$CFG/dom0-shots.sh"

# Weston's desktop-shell places each window at random: on a bigger output
# one of the three rarely covers another (c1 hides all of c0 in ~8 % of
# placements on 1920x1080, ~2.5 % here).
# shellcheck disable=SC2034 # read by start_weston (dom0-lib.sh)
WESTON_W=2560 WESTON_H=1440

# end_phase PHASE: vdispld stopped (dom0-lib.sh), its log kept as
# PHASE-vdispld.log (the next phase's vdispld starts a new one).
end_phase() {
	stop_vdispld "$1"
	mv "$R/vdispld.log" "$R/$1-vdispld.log"
}

tc_ready() { grep -q '^READY' "$R/zc/tc.out" 2>/dev/null; }

start_tc() {
	mkdir -p "$R/zc"
	chroot "$S" /usr/bin/env $ENV /usr/bin/vdispld-test-compositor \
		--socket wayland-1 --attach-only --output-size 1920x1080 \
		--report /result/zc/tc-report.txt > "$R/zc/tc.out" 2>&1 &
	TC_PID=$!
	if wait_for 30 tc_ready; then
		say "test compositor ready (attach-only)"
	else
		fail "test compositor not ready after 30 s"
		sed 's/^/REALXEN-TC: /' "$R/zc/tc.out" | tail -n 20
	fi
}

# The compositor's report in numbers, for the console.
tc_summary() {
	f=$R/zc/tc-report.txt
	say "compositor report: $(grep -c '^dmabuf created .*attach-only' "$f") attach-only imports," \
		"$(grep -c '^dmabuf failed' "$f") refused," \
		"$(grep -c '^commit .*attach-only' "$f") attach-only commits," \
		"$(grep -c '^commit .*crc=' "$f") read commits," \
		"$(grep -c '^release buffer=dmabuf attach-only' "$f") releases," \
		"$(grep -c '^dmabuf destroyed attach-only' "$f") destroyed;" \
		"exporter: $(sed -nE 's/^dmabuf created .* exp=([^ ]+).*/\1/p' "$f" | sort -u | tr '\n' ' ')"
}

# follow_console waits 120 s for a guest's console log: started with
# each guest's first creation (it goes on across the later ones).
# Both guests flip at once: domu's own buffers (real grant exports,
# attach-only) and domuba's display memory (dma-heap buffers vdispld
# allocated and granted, which the compositor can map and read).
zc_guest() {
	follow_console domu
	follow_console domuba
	two_guests zc zcba 'flip XR24' || return 1
	sleep 5
	counters zc-begin
	sleep 10
	counters zc-end
	run domu stop
	run domuba stop
	sleep 2
	counters zc-stopped
}

phase_zc() {
	case_begin zc
	start_tc
	start_vdispld
	zc_guest || fail "zc: the guests' part did not complete"
	destroy domu
	destroy domuba
	end_phase zc
	kill "$TC_PID" 2>/dev/null
	wait "$TC_PID"
	say "test compositor exit $?"
	tc_summary
}

# started SEQ NAME WHAT: the guest's modetest answered command SEQ.
started() {
	d=$(domid "$2")
	if wait_for 120 state_is "$d" "$1 (running|exited [0-9]+)"; then
		say "$2 (domid $d): '$3' -> $(guest_state "$d" | cut -d' ' -f2-)"
	else
		fail "$2 (domid $d): no answer to '$3' after 120 s"
	fi
	state_is "$d" "$1 running"
}

# two_guests TAG_A TAG_B 'ACTION FMT': domu and domuba created side by
# side, their XenStore trees dumped as TAG_A and TAG_B, then the same
# modetest command to both at once (its start takes ~40 s under TCG);
# sets A and B to their domids.
two_guests() {
	create domu domuba
	A=$(domid domu) B=$(domid domuba)
	wait_ready domu || return 1
	wait_ready domuba || return 1
	dump_xs "$A" "$1"
	dump_xs "$B" "$2"
	gcmd domu $3
	sa=$SEQ
	gcmd domuba $3
	started "$sa" domu "$3" || return 1
	started "$SEQ" domuba "$3"
}

# weston_guests: domu and domuba under Weston, as the x86 tier's matrix.
weston_guests() {
	two_guests static bealloc 'static XR24' || return 1
	sleep 3
	capture static-XR24 static "$(spec_of domu XR24)" "$(spec_of domuba XR24)"
	counters static-XR24
	# Input into domu's c0 (its vkb's unique-id), through Weston's seat.
	case_begin input
	if have_input; then
		mkdir -p "$R/input"
		inject_input "$A" input
		sleep 1 # the guest's readers catch up
	else
		fail "input: no test seat in Dom0's image (module or realxen-input-cmd missing)"
	fi
	format_cases domu
	run domu finish
	destroy domu
	case_begin bealloc-flip
	run domuba flip XR24 || return 1
	sleep 3
	counters bealloc-flip-begin
	capture bealloc-flip flip "$(spec_of domuba XR24)"
	counters bealloc-flip-end
	# be-alloc's display memory (dma-heap buffers, their grants) must all
	# go with each destroyed guest: vdispld's fds count it.
	case_begin cycles
	cycles domuba
}

phase_weston() {
	case_begin weston
	start_weston
	start_vdispld
	weston_guests || fail "weston: the guests' part did not complete"
	say "backend after destroy: $(xenstore-ls /local/domain/0/backend/vdispl 2>/dev/null | wc -l) nodes"
	end_phase weston
	kill "$WESTON_PID" 2>/dev/null
	wait "$WESTON_PID"
}

setup_chroot
say "vdispld from: $(cat /realxen/vdispld-source 2>/dev/null); $(/usr/bin/vdispld --version 2>&1 | head -n1)"
TAIL_PIDS=''
phase_zc
phase_weston
# shellcheck disable=SC2086
kill $TAIL_PIDS 2>/dev/null
say "END"
