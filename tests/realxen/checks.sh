# shellcheck shell=bash
# Host-side verdict of a real-Xen run (sourced by run.sh): reads the serial
# log (Dom0's console, with the guest's console copied in as "domu| ") and
# the files Dom0 left in the result directory. Every check prints one line;
# run_checks returns 0 only when all passed, 77 when the run could not even
# bring up Xen (QEMU's problem, not vdispld's).

CHECK_FAILS=0
ok() { echo "realxen: ok   $*"; }
bad() { echo "realxen: FAIL $*"; CHECK_FAILS=$((CHECK_FAILS + 1)); }
# expect DESCRIPTION ERE: the log has a matching line.
expect() { if grep -aqE "$2" "$LOG"; then ok "$1"; else bad "$1 (no /$2/)"; fi; }

# Guest domids in boot order, from Dom0's "domid N" / "rebooted as domid N".
guest_domids() {
	sed -nE 's/.*REALXEN-DOM0: .*(domid|as domid) ([0-9]+)$/\2/p' "$LOG"
}

check_connected() { # DOMID TAG
	expect "boot $2: backend vdispl/$1/0 Connected" \
		"^REALXEN-XS\\[$2\\]: /local/domain/0/backend/vdispl/$1/0/state = \"4\""
	expect "boot $2: frontend vdispl/0 Connected" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/state = \"4\""
	expect "boot $2: connector 0 is 800x600, unique-id c0" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/0/resolution = \"800x600\""
	expect "boot $2: connector 1 is 1024x768" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/1/resolution = \"1024x768\""
	expect "boot $2: connector 1 rings granted" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/1/req-ring-ref = \"[0-9]+\""
}

# modetest -v prints "freq: N.NNHz" per 60 flips. The headless output
# repaints at 60 Hz and vdispld acknowledges a flip when it was shown, so
# the rate must not exceed the output's (an instant ack ran at ~420 Hz on
# this setup) and must show flips flowing (under TCG the copy path and
# pixman make 4-12 Hz what flowing looks like: no stricter floor).
check_flip_rate() {
	local rates n lo hi
	rates=$(sed -nE 's/^domu\| REALXEN-GUEST: modetest: .*freq: ([0-9.]+) ?Hz.*/\1/p' "$LOG")
	n=$(echo "$rates" | grep -c . || true)
	if [ "$n" -eq 0 ]; then
		bad "modetest reported no flip rate"
		return
	fi
	lo=$(echo "$rates" | sort -n | head -n1)
	hi=$(echo "$rates" | sort -n | tail -n1)
	if awk -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo >= 1 && hi <= 75) }'; then
		ok "flip rate ${lo}..${hi} Hz over $n reports (paced by the output)"
	else
		bad "flip rate ${lo}..${hi} Hz outside 1..75 Hz"
	fi
}

check_screenshot() {
	local shots shot out frames=""
	shots=$(find "$RES" -maxdepth 1 -name '*.png' -size +0 | sort)
	if [ -z "$shots" ]; then
		bad "no screenshot in $RES"
		return
	fi
	if [ -z "${SHOT_CHECK:-}" ] || [ ! -x "$SHOT_CHECK" ]; then
		bad "no screenshot checker (SHOT_CHECK; build realxen_shot_check)"
		return
	fi
	# modetest's one framebuffer: 800 + 1024 wide, 768 high; connector c1
	# shows it from x = 800. Every shot must show, per connector, one of
	# modetest's two whole frames; over the shots, each shows the bars.
	for shot in $shots; do
		ok "screenshot $(basename "$shot") ($(stat -c %s "$shot") bytes)"
		out=$("$SHOT_CHECK" "$shot" "$RES/scene-graph.txt" 1824 768 \
			"domu c0:0:800:600" "domu c1:800:1024:768")
		echo "$out" | grep -v '^frame ' | sed 's/^/realxen:      /'
		frames="$frames
$(echo "$out" | grep '^frame ')"
	done
	if echo "$frames" | grep -q ' bad$'; then
		bad "a screenshot shows neither of modetest's frames (see above)"
	elif echo "$frames" | grep -q '^frame domu c0 bars$' &&
		echo "$frames" | grep -q '^frame domu c1 bars$'; then
		ok "SMPTE bars of modetest on both connector surfaces"
	else
		bad "no screenshot caught the bars on every connector"
	fi
}

run_checks() { # SERIAL_LOG RESULT_DIR
	LOG=$1 RES=$2
	local ids
	if ! grep -aq 'REALXEN-DOM0: .* toolstack up' "$LOG"; then
		echo "realxen: SKIP: Xen/Dom0 did not come up under QEMU (see $LOG)"
		return 77
	fi
	ok "Xen and Dom0 toolstack up"
	if ! grep -aq 'REALXEN-DOM0: .* vdispld running' "$LOG"; then
		# No backend: still prove the guest's frontends wait for one.
		expect "guest's xen-drm-front waits (frontend Initialising)" \
			'^REALXEN-XS\[boot1\]: /local/domain/[0-9]+/device/vdispl/0/state = "1"'
		echo "realxen: SKIP: no vdispld ran in Dom0; only boot, toolstack and guest creation were checked"
		return 77
	fi
	expect "Dom0 test procedure completed" 'REALXEN-DOM0: .* END$'
	if grep -aE 'REALXEN-(DOM0|GUEST): .*FAIL' "$LOG"; then
		bad "Dom0 or guest reported failures (above)"
	fi
	ids=$(guest_domids | tr '\n' ' ')
	# shellcheck disable=SC2086
	set -- $ids
	if [ $# -ge 1 ]; then check_connected "$1" boot1; else bad "no guest domid"; fi
	if [ $# -ge 2 ]; then check_connected "$2" boot2; else bad "no guest after xl reboot"; fi
	expect "guest: xen-drm-front registered" 'domu\| .*Registering XEN PV vdispl'
	expect "guest: /dev/dri/card0 appeared" 'domu\| REALXEN-GUEST: .*card0 present'
	expect "guest: 800x600 mode offered" 'domu\| REALXEN-GUEST: mode: .*800x600'
	expect "guest: 1024x768 mode offered" 'domu\| REALXEN-GUEST: mode: .*1024x768'
	expect "guest: two connected connectors" 'domu\| REALXEN-GUEST: .*connectors: [0-9]+=[^ ]+ [0-9]+=[^ ]+'
	expect "guest: multi-touch device" 'domu\| REALXEN-GUEST: .*input event[0-9]+ .*[Mm]ulti-touch'
	expect "guest: modetest exited cleanly" 'domu\| REALXEN-GUEST: .*modetest exit 0'
	check_flip_rate
	check_screenshot
	expect "xl destroy left no backend nodes" 'REALXEN-DOM0: .*backend after destroy: 0 nodes'
	expect "vdispld survived the guest's reboot and destroy" 'REALXEN-DOM0: .*vdispld alive after destroy'
	expect "vdispld exited 0 on SIGTERM" 'REALXEN-DOM0: .*vdispld exit 0'
	grep -aE 'REALXEN-GUEST: .*touch events read' "$LOG" | sed 's/^/realxen: info /'
	if [ "$CHECK_FAILS" -gt 0 ]; then
		echo "realxen: $CHECK_FAILS check(s) failed; logs in $RES and $LOG"
		return 1
	fi
	echo "realxen: all checks passed"
	return 0
}
