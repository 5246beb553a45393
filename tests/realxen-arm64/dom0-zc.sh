#!/usr/bin/sh
# The arm64 tier's test procedure (busybox sh), run by dom0-init.sh with /
# bound on /host (the sysroot the x86 tier's helpers expect). It proves
# what only an auto-translated Dom0 can do, on the real kernel. One boot:
#   zc       zero copy of the guest's own buffers: the project's test
#            compositor stands where Weston would, with --attach-only (a
#            real grant export cannot be mmapped: only a DMA importer can
#            use it), vdispld is its client; domu (be-alloc=0, c0 800x600 +
#            c1 1024x768) flips with modetest. vdispld's counters before and
#            after, the compositor's report; then modetest stops (each
#            DBUF_DESTROY waits for the export's release through
#            IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED) and domu is destroyed.
#   bealloc  backend-allocated buffers: Weston (headless, pixman) and a new
#            vdispld; domuba (be-alloc=1, c0 800x600) draws with modetest
#            into display memory vdispld allocated from /dev/dma_heap/system
#            and granted with IOCTL_GNTDEV_DMABUF_IMP_TO_REFS; screenshots
#            checked pixel for pixel, static and then flipping.
# Results in /result: zc/ (the compositor's report), bealloc-*/ (shots),
# each phase's vdispld log as PHASE-vdispld.log.
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
case_begin() { say "case $1 begin"; }

# stop_vdispld PHASE: SIGTERM and its exit status; its log kept as
# PHASE-vdispld.log (the next phase's vdispld starts a new one).
stop_vdispld() {
	if kill -0 "$VDISPLD_PID" 2>/dev/null; then
		say "vdispld alive after $1"
		kill -TERM "$VDISPLD_PID"
		wait "$VDISPLD_PID"
		say "vdispld exit $? after $1"
	else
		fail "vdispld died during $1"
	fi
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

zc_guest() {
	create domu
	A=$(domid domu)
	wait_ready domu || return 1
	dump_xs "$A" zc
	run domu flip XR24 || return 1
	sleep 5
	counters zc-begin
	sleep 10
	counters zc-end
	run domu stop
	sleep 2
	counters zc-stopped
}

phase_zc() {
	case_begin zc
	start_tc
	start_vdispld
	zc_guest || fail "zc: the guest's part did not complete"
	destroy domu
	stop_vdispld zc
	kill "$TC_PID" 2>/dev/null
	wait "$TC_PID"
	say "test compositor exit $?"
	tc_summary
}

bealloc_guest() {
	create domuba
	B=$(domid domuba)
	wait_ready domuba || return 1
	dump_xs "$B" bealloc
	run domuba static XR24 || return 1
	sleep 3
	capture bealloc-static static "$(spec_of domuba XR24)"
	counters bealloc-static
	run domuba flip XR24 || return 1
	sleep 3
	counters bealloc-flip-begin
	capture bealloc-flip flip "$(spec_of domuba XR24)"
	counters bealloc-flip-end
	run domuba finish
}

phase_bealloc() {
	case_begin bealloc
	start_weston
	start_vdispld
	bealloc_guest || fail "bealloc: the guest's part did not complete"
	destroy domuba
	say "backend after destroy: $(xenstore-ls /local/domain/0/backend/vdispl 2>/dev/null | wc -l) nodes"
	stop_vdispld bealloc
	kill "$WESTON_PID" 2>/dev/null
	wait "$WESTON_PID"
}

setup_chroot
TAIL_PIDS=''
for g in domu domuba; do follow_console "$g"; done
phase_zc
phase_bealloc
# shellcheck disable=SC2086
kill $TAIL_PIDS 2>/dev/null
say "END"
