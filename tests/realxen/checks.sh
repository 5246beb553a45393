# shellcheck shell=bash
# Host-side verdict of a real-Xen run (sourced by run.sh): reads the serial
# log (Dom0's console, with the guest's console copied in as "domu| ") and
# the files Dom0 left in the result directory. Every check prints one line;
# run_checks returns 0 only when all passed, 77 when the run could not even
# bring up Xen (QEMU's problem, not vdispld's).
# shellcheck source=checks-input.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks-input.sh"

CHECK_FAILS=0
ok() { echo "realxen: ok   $*"; }
bad() { echo "realxen: FAIL $*"; CHECK_FAILS=$((CHECK_FAILS + 1)); }
# expect DESCRIPTION ERE: the log has a matching line.
expect() { if grep -aqE "$2" "$LOG"; then ok "$1"; else bad "$1 (no /$2/)"; fi; }

# Guest domids in boot order, from Dom0's "xl create returned ..., domid N"
# and "rebooted as domid N".
guest_domids() {
	sed -nE 's/^REALXEN-DOM0: t=[0-9.]+ (xl create returned .*, domid|rebooted as domid) ([0-9]+)$/\2/p' "$LOG"
}

# guest_log DOMID: the guest console lines of that boot, from its /init's
# "boot domid N" to the next boot's (the kernel's own lines before /init
# fall into the previous boot).
guest_log() {
	awk -v d="$1" '/^domu\| REALXEN-GUEST: t=[0-9.]+ boot domid / { on = ($NF == d) }
		on && /^domu\| /' "$LOG"
}

# gexpect DOMID DESCRIPTION ERE: that boot's guest log has a matching line.
# (No `guest_log | grep -q`: grep quitting early fails the pipe under
# run.sh's pipefail.)
gexpect() {
	local lines
	lines=$(guest_log "$1")
	if grep -aqE "$3" <<< "$lines"; then ok "$2"; else bad "$2 (no /$3/)"; fi
}

# xs_value TAG PATH: a node's value from Dom0's XenStore dump.
xs_value() {
	sed -nE "s|^REALXEN-XS\[$1\]: $2 = \"(.*)\"$|\1|p" "$LOG" | head -n1
}

check_connected() { # DOMID TAG
	expect "$2: backend vdispl/$1/0 Connected" \
		"^REALXEN-XS\\[$2\\]: /local/domain/0/backend/vdispl/$1/0/state = \"4\""
	expect "$2: frontend vdispl/0 Connected" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/state = \"4\""
	expect "$2: connector 0 is 800x600, unique-id c0" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/0/resolution = \"800x600\""
	expect "$2: connector 1 is 1024x768" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/1/resolution = \"1024x768\""
	expect "$2: connector 1 rings granted" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vdispl/0/1/req-ring-ref = \"[0-9]+\""
	expect "$2: backend vinput/$1/0 (vkbd) Connected" \
		"^REALXEN-XS\\[$2\\]: /local/domain/0/backend/vinput/$1/0/state = \"4\""
	expect "$2: frontend vkbd/0 Connected" \
		"^REALXEN-XS\\[$2\\]: /local/domain/$1/device/vkbd/0/state = \"4\""
}

# The guest side of one boot: DRM device, modes, connectors, modetest.
check_guest() { # DOMID TAG
	gexpect "$1" "$2: guest's xen-drm-front registered" 'Registering XEN PV vdispl'
	gexpect "$1" "$2: guest's /dev/dri/card0 appeared" 'REALXEN-GUEST: .*card0 present'
	gexpect "$1" "$2: 800x600 mode offered" 'REALXEN-GUEST: mode: .*800x600'
	gexpect "$1" "$2: 1024x768 mode offered" 'REALXEN-GUEST: mode: .*1024x768'
	gexpect "$1" "$2: two connected connectors" \
		'REALXEN-GUEST: .*connectors: [0-9]+=[^ ]+ [0-9]+=[^ ]+'
	gexpect "$1" "$2: multi-touch device" 'REALXEN-GUEST: .*input event[0-9]+ .*Multi-touch'
	gexpect "$1" "$2: modetest exited cleanly" 'REALXEN-GUEST: .*modetest exit 0'
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

# Screenshots of one boot in $RES/TAG; the views are picked by the app_id
# of that boot's domain (vdispl-DOMID-0-IDX), so a stale view of an earlier
# domain could not pass for it.
check_screenshot() { # DOMID TAG
	local shots shot out frames="" dir=$RES/$2 c0 c1
	c0="'domu c0' of vdispl-$1-0-0," c1="'domu c1' of vdispl-$1-0-1,"
	shots=$(find "$dir" -maxdepth 1 -name '*.png' -size +0 2>/dev/null | sort)
	if [ -z "$shots" ]; then
		bad "$2: no screenshot in $dir"
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
		ok "$2: screenshot $(basename "$shot") ($(stat -c %s "$shot") bytes)"
		out=$("$SHOT_CHECK" "$shot" "$dir/scene-graph.txt" 1824 768 \
			"$c0:0:800:600" "$c1:800:1024:768")
		echo "$out" | grep -v '^frame ' | sed 's/^/realxen:      /'
		frames="$frames
$(echo "$out" | grep '^frame ')"
	done
	if echo "$frames" | grep -q ' bad$'; then
		bad "$2: a screenshot shows neither of modetest's frames (see above)"
	elif echo "$frames" | grep -qF "frame $c0 bars" &&
		echo "$frames" | grep -qF "frame $c1 bars"; then
		ok "$2: SMPTE bars of modetest on both connector surfaces of domid $1"
	else
		bad "$2: no screenshot caught the bars on every connector"
	fi
}

# xen-kbdfront waits up to 30 s at boot for a vkbd nobody serves, saying
# so every 5 s: with vdispld serving vinput it must never have to.
check_boot_wait() {
	local t
	if grep -aqE '^domu\| .*Waiting for devices to initialise' "$LOG"; then
		bad "a guest boot waited for its devices ($(grep -acE '^domu\| .*Waiting for devices' "$LOG") 'Waiting for devices' lines)"
	else
		ok "guest boots did not wait for a device (vkbd served at once)"
	fi
	t=$(sed -nE 's/^domu\| REALXEN-GUEST: t=([0-9.]+) boot domid.*/\1/p' "$LOG" | tr '\n' ' ')
	echo "realxen: info guest uptime at /init per boot (s): $t"
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
	[ $# -ge 1 ] || bad "no guest domid"
	[ $# -ge 2 ] || bad "no guest after xl reboot"
	# Both boots get the same checks: xl reboot must reconnect everything.
	local n=1 id
	for id in "$@"; do
		check_connected "$id" "boot$n"
		check_guest "$id" "boot$n"
		check_screenshot "$id" "boot$n"
		check_input "$id" "boot$n"
		n=$((n + 1))
	done
	check_boot_wait
	check_flip_rate
	expect "xl destroy left no backend nodes" 'REALXEN-DOM0: .*backend after destroy: 0 nodes'
	expect "vdispld survived the guest's reboot and destroy" 'REALXEN-DOM0: .*vdispld alive after destroy'
	expect "vdispld exited 0 on SIGTERM" 'REALXEN-DOM0: .*vdispld exit 0'
	grep -aE 'REALXEN-GUEST: .*input frames read' "$LOG" | sed 's/^domu| REALXEN-GUEST: /realxen: info /'
	if [ "$CHECK_FAILS" -gt 0 ]; then
		echo "realxen: $CHECK_FAILS check(s) failed; logs in $RES and $LOG"
		return 1
	fi
	echo "realxen: all checks passed"
	return 0
}
