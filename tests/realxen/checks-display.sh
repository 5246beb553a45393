# shellcheck shell=bash
# Display checks of a real-Xen run (sourced by checks.sh): every case's
# screenshots in $RES/TAG, again through realxen_shot_check with the spec
# Dom0 wrote (dom0-shots.sh), and the paced flip rate per connector from
# vdispld's counters. Uses checks.sh's LOG, RES, ok, bad, name_of.

# label NEEDLE: "domu c1 (vdispl-5-0-1)" for the app_id needle.
label() {
	local n=${1%,} d i
	d=${n#vdispl-} d=${d%%-*} i=${n##*-}
	echo "$(name_of "$d") c$i ($n)"
}

# check_case TAG: static: one shot shows modetest's frame on every
# connector, pixel for pixel; flip: no shot shows anything but one of
# modetest's two frames, and each connector showed the bars at least once.
check_case() {
	local tag=$1 dir=$RES/$1 mode shots shot all needle c fmt
	mode=$(cat "$dir/mode" 2>/dev/null)
	shots=$(find "$dir" -maxdepth 1 -name '*.png' -size +0 2>/dev/null | sort)
	if [ -z "$mode" ] || [ -z "$shots" ]; then
		bad "$tag: no screenshots (the case did not run; see Dom0's log)"
		return
	fi
	all=$(mktemp)
	for shot in $shots; do
		while read -r fmt w h conns; do
			# shellcheck disable=SC2086
			"$SHOT_CHECK" "$shot" "$dir/scene-graph.txt" "$fmt" "$w" "$h" \
				$conns | sed "s|^|$(basename "$shot") |" >> "$all" || true
		done < "$dir/spec"
	done
	for c in $(cut -d' ' -f4- "$dir/spec"); do
		needle=${c%%:*}
		fmt=$(grep -F " $needle:" "$dir/spec" | cut -d' ' -f1)
		shot_verdict "$tag" "$mode" "$all" "$needle" "$(label "$needle")" "$fmt" \
			"$(pixels "$all" "$needle" bars)" "$(why "$all" "$needle")"
	done
	rm -f "$all"
}

# shot_verdict TAG MODE ALL NEEDLE WHO FMT SHOWN WHY: one connector's ok
# or bad from the checker's "SHOT frame NEEDLE bars|fill|bad" lines in ALL (the
# Weston run's check_case, the KMS run's check_kms_case). static: a shot
# shows modetest's frame (the bars), SHOWN says what was compared; flip:
# no shot shows anything but modetest's two frames, and one the bars. WHO
# names the connector, WHY what its bad shots showed.
shot_verdict() {
	local tag=$1 mode=$2 all=$3 needle=$4 who=$5 fmt=$6 shown=$7 why=$8 got
	got=$(grep -F " frame $needle " "$all" | awk '{print $4}' | sort | uniq -c | tr -s ' ' | tr '\n' ',')
	if [ "$mode" = static ]; then
		if grep -qF " frame $needle bars" "$all"; then
			ok "$tag: $who shows modetest's $fmt frame pixel for pixel ($shown)"
		else
			bad "$tag: $who never showed modetest's $fmt frame (shots:$got $why)"
		fi
	elif grep -qF " frame $needle bad" "$all"; then
		bad "$tag: $who showed neither of modetest's $fmt frames (shots:$got $why)"
	elif grep -qF " frame $needle bars" "$all"; then
		ok "$tag: $who flips between modetest's two $fmt frames, pixel for pixel (shots:$got)"
	else
		bad "$tag: $who never showed the bars (shots:$got)"
	fi
}

# pixels ALL NEEDLE: the checker's tally for the first shot with FRAME.
pixels() {
	local shot
	shot=$(grep -F " frame $2 $3" "$1" | head -n1 | cut -d' ' -f1)
	grep -F "$shot shot: $2 " "$1" | grep -F 'pixels compared' | head -n1 |
		sed -E 's/.*: ([0-9]+ pixels compared.*)/\1/'
}

# why ALL NEEDLE: what the checker said about the last bad shot.
why() {
	local shot
	shot=$(grep -F " frame $2 bad" "$1" | tail -n1 | cut -d' ' -f1)
	[ -n "$shot" ] || return 0
	echo "last bad, $shot:"
	grep -F "$shot shot: $2" "$1" | grep -vF 'view at' | cut -d' ' -f2- |
		sed -E "s/shot: $2 ?//" | tr '\n' ';'
}

# XR24 must reach Weston as XRGB. The pixels prove it (as ARGB its zero
# padding byte would make it transparent), and Weston's scene graph says
# "[fully opaque]" of a view whose buffer format has no alpha.
check_xrgb() { # [TAG...]: XR24 cases (default static-XR24 flip-XR24)
	local tag views
	[ $# -gt 0 ] || set -- static-XR24 flip-XR24
	for tag in "$@"; do
		views=$(awk '/^[ \t]*View .*of vdispl-/ { v = $0; sub(/.* of /, "", v); sub(/,.*/, "", v); next }
			v != "" && /^[ \t]*\[.*opaque/ { gsub(/^[ \t]*/, ""); print v, $0; v = "" }' \
			"$RES/$tag/scene-graph.txt" 2>/dev/null)
		if [ -z "$views" ]; then
			bad "$tag: no connector view in the scene graph to tell XRGB from ARGB"
		elif grep -qv 'fully opaque' <<< "$views"; then
			bad "$tag: an XR24 connector's view is not opaque (reached Weston with alpha): $(grep -v 'fully opaque' <<< "$views" | tr '\n' ' ')"
		else
			ok "$tag: every XR24 connector's view is fully opaque (XRGB): $(cut -d' ' -f1 <<< "$views" | tr '\n' ' ')"
		fi
	done
}

# The paced flip rate per connector between two counter readings (Dom0's
# "counters TAG T: PREFIX cN: frames=F ..." lines, T its uptime). Reported,
# never asserted: TCG and the machine's load decide it. Flips must flow.
check_rates() { # TAG GUEST...
	local b e
	# "T|PREFIX cN|F": the prefix has spaces ("dom5(domu) vdispl/0 c1").
	b=$(sed -nE "s/^REALXEN-DOM0: t=[0-9.]+ counters $1-begin ([0-9.]+): (.* c[0-9]+): frames=([0-9]+) .*/\\1|\\2|\\3/p" "$LOG")
	e=$(sed -nE "s/^REALXEN-DOM0: t=[0-9.]+ counters $1-end ([0-9.]+): (.* c[0-9]+): frames=([0-9]+) .*/\\1|\\2|\\3/p" "$LOG")
	if [ -z "$b" ] || [ -z "$e" ]; then
		bad "$1: no counters from vdispld (SIGUSR1) around the flips"
		return
	fi
	# The first reading of each connector; only the guests that flipped.
	awk -F'|' -v tag="$1" -v guests=" ${*:2} " '
		function flipping(c,  g) { g = c; sub(/^[^(]*\(/, "", g); sub(/\).*/, "", g)
			return index(guests, " " g " ") > 0 }
		NR == FNR { if (!($2 in f0)) { t0[$2] = $1; f0[$2] = $3 }; next }
		($2 in f0) && !($2 in done) && flipping($2) {
			done[$2] = 1; n = $3 - f0[$2]; dt = $1 - t0[$2]
			printf "%s|%s|%d|%.1f|%.1f\n", tag, $2, n, dt, (dt > 0 ? n / dt : 0)
		}' <(echo "$b") <(echo "$e") > "$RES/rates-$1.txt"
	while IFS='|' read -r tag conn n dt hz; do
		echo "realxen: info paced flip rate $tag $conn: $hz Hz ($n frames in $dt s)"
		if [ "$n" -gt 0 ]; then
			ok "$tag: $conn frames flow ($n shown)"
		else
			bad "$tag: $conn showed no frame while its guest flipped"
		fi
	done < "$RES/rates-$1.txt"
}

check_display() {
	local tag
	if [ -z "${SHOT_CHECK:-}" ] || [ ! -x "$SHOT_CHECK" ]; then
		bad "no screenshot checker (SHOT_CHECK; build realxen_shot_check)"
		return
	fi
	for tag in static-XR24 flip-XR24 static-AR24 static-RG16 flip-RG16 cycle3; do
		check_case "$tag"
	done
	check_xrgb
	check_rates flip-XR24 domu domu2
	check_rates flip-RG16 domu
	echo "realxen: info modetest's own freq lines (Hz, per 60 flips of a connector): $(sed -nE \
		's/^[a-z0-9]+\| REALXEN-GUEST: modetest: .*freq: ([0-9.]+) ?Hz.*/\1/p' "$LOG" | tr '\n' ' ')"
}
