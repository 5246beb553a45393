# shellcheck shell=bash
# Lifecycle checks of a real-Xen run (sourced by checks.sh): domu2
# destroyed and re-created three times with vdispld's fd count equal after
# every destroy; be-alloc=1 on an x86 PV guest refused cleanly. Uses
# checks.sh's LOG, RES, ok, bad, expect, gexpect, gabsent, domid_of.

# check_cycles [NAME [N]]: dom0-lib.sh's cycles of NAME (default domu2),
# whose Nth creation (default the first) is the one before the cycles.
check_cycles() {
	local g=${1:-domu2} n=${2:-1} i d fds
	for i in $((n + 1)) $((n + 2)) $((n + 3)); do
		d=$(domid_of "$g" "$i")
		if [ -z "$d" ]; then
			bad "cycles: re-creation $((i - n)) of $g did not happen"
			continue
		fi
		gexpect "$d" "cycles: re-created $g (domid $d) got its card" \
			'REALXEN-GUEST: .*card0 present'
		expect "cycles: re-created $g (domid $d) flipped" \
			"^REALXEN-DOM0: .* $g \\(domid $d\\): 'flip XR24' -> running"
	done
	fds=$(sed -nE 's/^REALXEN-DOM0: t=[0-9.]+ fds after-destroy-([0-9]+): ([0-9]+)$/\2/p' "$LOG" | tr '\n' ' ')
	echo "realxen: info vdispld's open fds after each destroy of $g: $fds(before the cycles: $(sed -nE 's/^REALXEN-DOM0: .* fds before-cycles: ([0-9]+)$/\1/p' "$LOG"))"
	# shellcheck disable=SC2086
	set -- $fds
	if [ $# -ne 4 ]; then
		bad "cycles: $# fd counts after destroys, want 4 (see Dom0's log)"
	elif [ "$1" = "$2" ] && [ "$1" = "$3" ] && [ "$1" = "$4" ]; then
		ok "cycles: vdispld holds $1 fds after each of 4 destroys of $g (3 re-creations)"
	else
		bad "cycles: vdispld's fd count changed across destroy/re-create cycles: $1 $2 $3 $4 (a leak of $(($4 - $1)) fds over 3 cycles)"
	fi
}

# be-alloc=1 on a PV guest: the frontend would map backend-owned pages
# with vm_map_pages(), which Xen refuses on x86 PV; the client would die of
# SIGBUS. vdispld must refuse DBUF_CREATE and say why.
check_bealloc() {
	local d exits
	d=$(domid_of domuba)
	if [ -z "$d" ]; then
		bad "be-alloc: no domuba created"
		return
	fi
	expect "be-alloc: domuba (domid $d) has be-alloc=1" \
		"^REALXEN-XS\\[domuba\\]: /local/domain/$d/device/vdispl/0/be-alloc = \"1\""
	exits=$(guest_log "$d" | sed -nE 's/.*REALXEN-GUEST: t=[0-9.]+ (modetest [0-9]+ exit .*)/\1/p')
	if [ -z "$exits" ]; then
		bad "be-alloc: domuba's modetest never ended"
	elif grep -q 'signal' <<< "$exits"; then
		bad "be-alloc: domuba's modetest was killed: $(tr '\n' ' ' <<< "$exits")"
	else
		ok "be-alloc: domuba's modetest ended without a signal ($(tr '\n' ' ' <<< "$exits"))"
	fi
	gexpect "$d" "be-alloc: domuba's modetest failed to create its buffer" \
		'REALXEN-GUEST: modetest: .*failed to create dumb buffer'
	gabsent "$d" "be-alloc: no 'Bus error' in domuba" 'Bus error'
	gabsent "$d" "be-alloc: no 'BUG: Bad rss-counter' in domuba's kernel log" 'Bad rss-counter'
	if grep -aqF "a PV guest's xen-drm-front cannot map backend-allocated buffers" \
		"$RES/vdispld.log" 2>/dev/null; then
		ok "be-alloc: vdispld logged its refusal ($(grep -aF "cannot map backend-allocated" "$RES/vdispld.log" | head -n1 | cut -c1-160))"
	else
		bad "be-alloc: vdispld's log has no \"a PV guest's xen-drm-front cannot map backend-allocated buffers\""
	fi
}

# Zero copy in a PV Dom0: gntdev refuses every grant export (use_ptemod),
# so each guest buffer takes the copy path, and vdispld's reason must name
# the cause rather than an errno.
check_pv_export() {
	local line
	line=$(grep -aF 'takes the copy path, reason: kernel: ' "$RES/vdispld.log" 2>/dev/null | head -n1)
	if grep -qF 'a PV Dom0 cannot export grants as dma-bufs' <<< "$line"; then
		ok "zero copy: vdispld names the PV Dom0 as the cause (${line#*reason: })"
	else
		bad "zero copy: no 'a PV Dom0 cannot export grants as dma-bufs' reason in vdispld.log (first: ${line:-none})"
	fi
}
