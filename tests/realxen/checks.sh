# shellcheck shell=bash
# Host-side verdict of a real-Xen run (sourced by run.sh): reads the serial
# log (Dom0's console, with the guest's console copied in as "domu| ") and
# the files Dom0 left in the result directory. Every check prints one line;
# run_checks returns 0 only when all passed, 77 when the run could not even
# bring up Xen (QEMU's problem, not vdispld's).
# shellcheck source=checks-input.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks-input.sh"
# shellcheck source=checks-display.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks-display.sh"
# shellcheck source=checks-cycles.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks-cycles.sh"
# shellcheck source=checks-kms.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks-kms.sh"

CHECK_FAILS=0
ok() { echo "realxen: ok   $*"; }
bad() { echo "realxen: FAIL $*"; CHECK_FAILS=$((CHECK_FAILS + 1)); }
# expect DESCRIPTION ERE: the log has a matching line.
expect() { if grep -aqE "$2" "$LOG"; then ok "$1"; else bad "$1 (no /$2/)"; fi; }

# domid_of NAME [N]: the domid of the Nth (default first) creation of the
# guest NAME, from Dom0's "created NAME as domid D" lines.
domid_of() {
	sed -nE "s/^REALXEN-DOM0: t=[0-9.]+ created $1 as domid ([0-9]+) .*/\1/p" "$LOG" |
		sed -n "${2:-1}p"
}
# name_of DOMID: the guest's name.
name_of() {
	sed -nE "s/^REALXEN-DOM0: t=[0-9.]+ created ([a-z0-9]+) as domid $1 .*/\1/p" "$LOG" | head -n1
}

# guest_log DOMID: the console lines of that domain ("NAME| ..." lines
# from its /init's "boot domid N" on; a re-created guest of the same name
# starts its own).
guest_log() {
	awk -v d="$1" 'match($0, /^[a-z0-9]+\| /) {
		p = substr($0, 1, RLENGTH)
		if ($0 ~ /REALXEN-GUEST: t=[0-9.]+ boot domid /) cur[p] = $NF
		if (cur[p] == d) print
	}' "$LOG"
}

# gexpect DOMID DESCRIPTION ERE: that boot's guest log has a matching line.
# (No `guest_log | grep -q`: grep quitting early fails the pipe under
# run.sh's pipefail.)
gexpect() {
	local lines
	lines=$(guest_log "$1")
	if grep -aqE "$3" <<< "$lines"; then ok "$2"; else bad "$2 (no /$3/)"; fi
}
# gabsent DOMID DESCRIPTION ERE: no such line in that guest's log.
gabsent() {
	local lines hit
	lines=$(guest_log "$1")
	if hit=$(grep -aE "$3" <<< "$lines"); then
		bad "$2 (found: $(head -n 2 <<< "$hit" | tr '\n' ' '))"
	else
		ok "$2"
	fi
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

# The guest side: DRM device, modes, connectors, every modetest exit 0.
check_guest() { # DOMID TAG N_CONNECTORS
	local exits
	gexpect "$1" "$2: guest's xen-drm-front registered" 'Registering XEN PV vdispl'
	gexpect "$1" "$2: guest's /dev/dri/card0 appeared" 'REALXEN-GUEST: .*card0 present'
	gexpect "$1" "$2: $3 connected connector(s)" "REALXEN-GUEST: .* $3 connected connectors"
	exits=$(guest_log "$1" | sed -nE 's/.*REALXEN-GUEST: t=[0-9.]+ (modetest [0-9]+ exit .*)/\1/p')
	if [ -z "$exits" ]; then
		bad "$2: no modetest run ended"
	elif grep -qv ' exit 0$' <<< "$exits"; then
		bad "$2: a modetest failed: $(grep -v ' exit 0$' <<< "$exits" | tr '\n' ' ')"
	else
		ok "$2: $(wc -l <<< "$exits") modetest run(s) exited 0"
	fi
}

# xen-kbdfront waits up to 30 s at boot for a vkbd nobody serves, saying
# so every 5 s: with vdispld serving vinput it must never have to. Only the
# kernel's boot counts (before the guest's /init): loading drm_xen_front
# later waits the same way while vdispld connects the vdispl, which takes
# more than 5 s when three guests connect at once on a loaded machine
# (reported, not failed: a time, not a behaviour).
check_boot_wait() {
	local t boot later
	boot=$(awk 'match($0, /^[a-z0-9]+\| /) {
		p = substr($0, 1, RLENGTH)
		if ($0 ~ /\] Linux version /) init[p] = 0
		if ($0 ~ /REALXEN-GUEST: t=[0-9.]+ boot domid /) init[p] = 1
		if ($0 ~ /Waiting for devices to initialise/ && !init[p]) print
	}' "$LOG")
	later=$(grep -acE '^[a-z0-9]+\| .*Waiting for devices to initialise' "$LOG" || true)
	if [ -n "$boot" ]; then
		bad "a guest's kernel boot waited for its devices: $(head -n 2 <<< "$boot" | tr '\n' ' ')"
	else
		ok "guest kernel boots did not wait for a device (vkbd served at once)"
	fi
	[ "${later:-0}" -gt 0 ] &&
		echo "realxen: info $later 'Waiting for devices' line(s) in all, while drm_xen_front loaded (vdispld connecting the vdispl took > 5 s)"
	t=$(sed -nE 's/^[a-z0-9]+\| REALXEN-GUEST: t=([0-9.]+) boot domid.*/\1/p' "$LOG" | tr '\n' ' ')
	echo "realxen: info guest uptime at /init per boot (s): $t"
}

# checks_start: Xen and Dom0's toolstack came up under QEMU, else the run
# is skipped (77): the same first check of every real-Xen run.
checks_start() {
	if ! grep -aq 'REALXEN-DOM0: .* toolstack up' "$LOG"; then
		echo "realxen: SKIP: Xen/Dom0 did not come up under QEMU (see $LOG)"
		return 77
	fi
	ok "Xen and Dom0 toolstack up"
}

# Every FAIL line Dom0 or a guest printed fails a check.
check_no_fail_lines() {
	if grep -aE 'REALXEN-(DOM0|GUEST): .*FAIL' "$LOG"; then
		bad "Dom0 or guest reported failures (above)"
	fi
}

# checks_verdict [WHAT]: the run's result from CHECK_FAILS (0 or 1).
# shellcheck disable=SC2120 # checks-kms.sh passes WHAT
checks_verdict() {
	if [ "$CHECK_FAILS" -gt 0 ]; then
		echo "realxen: $CHECK_FAILS check(s) failed; logs in $RES and $LOG"
		return 1
	fi
	echo "realxen: all ${1:+$1 }checks passed"
	return 0
}

run_checks() { # SERIAL_LOG RESULT_DIR
	LOG=$1 RES=$2
	checks_start || return $?
	if ! grep -aq 'REALXEN-DOM0: .* vdispld running' "$LOG"; then
		# No backend: still prove the guest's frontends wait for one.
		expect "guest's xen-drm-front waits (frontend Initialising)" \
			'^REALXEN-XS\[boot1\]: /local/domain/[0-9]+/device/vdispl/0/state = "1"'
		echo "realxen: SKIP: no vdispld ran in Dom0; only boot, toolstack and guest creation were checked"
		return 77
	fi
	expect "Dom0 test procedure completed" 'REALXEN-DOM0: .* END$'
	check_no_fail_lines
	local a b
	a=$(domid_of domu) b=$(domid_of domu2)
	[ -n "$a" ] || bad "no domu created"
	[ -n "$b" ] || bad "no domu2 created"
	check_connected "$a" domu
	check_guest "$a" domu 2
	expect "domu2: backend vdispl/$b/0 Connected" \
		"^REALXEN-XS\\[domu2\\]: /local/domain/0/backend/vdispl/$b/0/state = \"4\""
	check_guest "$b" domu2 1
	check_display
	check_input "$a" domu
	check_cycles
	check_bealloc
	check_pv_export
	check_boot_wait
	expect "xl destroy left no backend nodes" 'REALXEN-DOM0: .*backend after destroy: 0 nodes'
	expect "vdispld survived every guest's destroy" 'REALXEN-DOM0: .*vdispld alive after destroy'
	expect "vdispld exited 0 on SIGTERM" 'REALXEN-DOM0: .*vdispld exit 0'
	grep -aE 'REALXEN-GUEST: .*input frames read' "$LOG" | sed 's/^.*REALXEN-GUEST: /realxen: info /'
	grep -aE 'REALXEN-DOM0: .* case [a-zA-Z0-9-]+ begin' "$LOG" |
		sed -E 's/^REALXEN-DOM0: t=([0-9.]+) case (.*) begin/realxen: info case \2 began at Dom0 uptime \1 s/'
	checks_verdict
}
