# shellcheck shell=bash
# Host-side verdict of the KMS procedure (dom0-kms.sh; sourced by
# checks.sh): the guest's pictures on virtio-gpu's two outputs, from QEMU's
# screendumps (RESULT/TAG/head-H-I.png), pixel for pixel through
# realxen_shot_check, and the flip events' source from vdispld's counters.
# Uses checks.sh's LOG, RES, ok, bad, expect, domid_of, check_guest,
# checks-display.sh's label and shot_verdict, checks-input.sh's
# check_touch and check_key_a.

# png_size PNG: "W H" from the IHDR chunk.
png_size() {
	od -An -tu1 -j16 -N8 "$1" 2>/dev/null |
		awk '{ printf "%d %d\n", $1*16777216 + $2*65536 + $3*256 + $4,
			$5*16777216 + $6*65536 + $7*256 + $8 }'
}

# check_kms_case TAG: each connector's output (connector N on head N)
# shows modetest's frame as shot_verdict (checks-display.sh) judges it.
check_kms_case() {
	local tag=$1 dir=$RES/$1 mode fmt fbw fbh conns c needle w h i shot all
	mode=$(cat "$dir/mode" 2>/dev/null)
	read -r fmt fbw fbh conns < "$dir/spec" 2>/dev/null || true
	if [ -z "$mode" ] || [ -z "${conns:-}" ]; then
		bad "$tag: the case did not run (no spec; see Dom0's log)"
		return
	fi
	all=$(mktemp)
	for c in $conns; do
		needle=${c%%:*}
		IFS=: read -r _ _ w h <<< "$c"
		i=${needle%,} i=${i##*-}
		# The output shows the connector alone at its own resolution:
		# a scene of one view covering the whole screendump.
		printf 'View 1 (kms output %s of %s)\n\tposition: (0, 0) -> (%s, %s)\n' \
			"$i" "$needle" "$w" "$h" > "$dir/scene-head-$i.txt"
		for shot in "$dir"/head-"$i"-*.png; do
			[ -s "$shot" ] || continue
			if [ "$(png_size "$shot")" != "$w $h" ]; then
				echo "$(basename "$shot") frame $needle bad (output is $(png_size "$shot"), not ${w}x$h: mode not matched)" >> "$all"
				continue
			fi
			"$SHOT_CHECK" "$shot" "$dir/scene-head-$i.txt" "$fmt" "$fbw" "$fbh" "$c" |
				sed "s|^|$(basename "$shot") |" >> "$all" || true
		done
		if ! grep -qF " frame $needle " "$all"; then
			bad "$tag: $(label "$needle"): no screendump of output $i"
			continue
		fi
		shot_verdict "$tag" "$mode" "$all" "$needle" "$(label "$needle") on output $i" \
			"$fmt" "$w x $h" \
			"$(grep -F "$needle" "$all" | grep -v 'view at' | tail -n 3 | tr '\n' ';')"
	done
	rm -f "$all"
}

# counter_of TAG PREFIX_CONN NAME: a counter from Dom0's "counters TAG T:
# ... cN: frames=F ... NAME=V" line.
counter_of() {
	grep -aF "counters $1 " "$LOG" | grep -aF "$2:" | head -n1 |
		sed -nE "s/.* $3=([0-9]+).*/\\1/p"
}

# While the guest flips, flips are answered by the page-flip event of the
# commit that showed it: frames and kms_flip_events go up; timer_flips
# (events over 1 s late) at most 1 in 20, reported.
check_kms_flips() {
	local conns c f0 f1 t0 t1 k0 k1
	conns=$(grep -aE "counters kms-flip-begin [0-9.]+: " "$LOG" |
		sed -nE 's/.*counters kms-flip-begin [0-9.]+: (.* c[0-9]+): frames=.*/\1/p')
	if [ -z "$conns" ]; then
		bad "kms-flip: no counters from vdispld (SIGUSR1) around the flips"
		return
	fi
	while IFS= read -r c; do
		f0=$(counter_of kms-flip-begin "$c" frames) f1=$(counter_of kms-flip-end "$c" frames)
		t0=$(counter_of kms-flip-begin "$c" timer_flips) t1=$(counter_of kms-flip-end "$c" timer_flips)
		k0=$(counter_of kms-flip-begin "$c" kms_flip_events) k1=$(counter_of kms-flip-end "$c" kms_flip_events)
		if [ -z "$f0" ] || [ -z "$f1" ] || [ -z "$t0" ] || [ -z "$t1" ] || [ -z "$k0" ] || [ -z "$k1" ]; then
			bad "kms-flip: $c: counters incomplete"
		elif [ "$f1" -le "$f0" ]; then
			bad "kms-flip: $c: no frame shown while the guest flipped ($f0 -> $f1)"
		elif [ "$k1" -le "$k0" ]; then
			bad "kms-flip: $c: no KMS page-flip event counted ($k0 -> $k1)"
		elif [ $(( (t1 - t0) * 20 )) -gt $((f1 - f0)) ]; then
			bad "kms-flip: $c: $((t1 - t0)) of $((f1 - f0)) flips answered by the timer, not by page-flip events"
		else
			# A commit whose event is over 1 s late (TCG under load) is
			# answered by the timer: counted, allowed up to 1 in 20.
			ok "kms-flip: $c: $((f1 - f0)) frames, $((k1 - k0)) KMS page-flip events, $((t1 - t0)) flips answered by the timer"
		fi
	done <<< "$conns"
}

run_checks_kms() { # SERIAL_LOG RESULT_DIR
	LOG=$1 RES=$2
	local a
	checks_start || return $?
	expect "Dom0's kernel drives virtio-gpu (/dev/dri/card0)" 'REALXEN-DOM0: .* drm card0-Virtual-1: connected'
	expect "virtio-gpu's second output is on" 'REALXEN-DOM0: .* drm card0-Virtual-2: connected'
	expect "vdispld runs with the KMS presenter" 'REALXEN-DOM0: .* vdispld running'
	expect "Dom0 KMS procedure completed" 'REALXEN-DOM0: .* END$'
	check_no_fail_lines
	a=$(domid_of domu)
	[ -n "$a" ] || bad "no domu created"
	expect "domu: backend vdispl/$a/0 Connected" \
		"^REALXEN-XS\\[domu\\]: /local/domain/0/backend/vdispl/$a/0/state = \"4\""
	expect "domu: frontend vdispl/0 Connected" \
		"^REALXEN-XS\\[domu\\]: /local/domain/$a/device/vdispl/0/state = \"4\""
	check_guest "$a" domu 2
	if [ -z "${SHOT_CHECK:-}" ] || [ ! -x "$SHOT_CHECK" ]; then
		bad "no screenshot checker (SHOT_CHECK; build realxen_shot_check)"
	else
		check_kms_case kms-static
		check_kms_case kms-flip
	fi
	check_kms_flips
	# Dom0's uinput touchscreen and keyboard, read by vdispld through
	# libinput, reach the guest's xen-kbdfront scaled to its touch area.
	local fails_before_touch=$CHECK_FAILS
	check_touch "$a" domu
	check_key_a "$a" domu
	expect "vdispld survived the guest's destroy" 'REALXEN-DOM0: .*vdispld alive after destroy'
	expect "vdispld exited 0 on SIGTERM" 'REALXEN-DOM0: .*vdispld exit 0'
	checks_verdict KMS
}
