# shellcheck shell=sh
# Screenshots of Dom0's test procedure (sourced by dom0-test.sh, busybox
# sh). A case's pictures go to /result/TAG with a file `spec`, one line per
# guest the case shows:
#   FMT FB_W FB_H NEEDLE:FB_X:W:H [NEEDLE:FB_X:W:H ...]
# (modetest's one framebuffer per guest: the connectors side by side; the
# needle is the app_id vdispld gives the connector's surface,
# "vdispl-DOMID-0-IDX,"). The host runs realxen_shot_check on every shot
# again with that spec (checks-display.sh). Uses S, R, say, fail, in_root,
# scene_graph (dom0-input.sh).

# spec_of NAME FMT: the spec line of a guest's connectors, from its vdispl
# in XenStore (resolutions in connector order).
spec_of() {
	d=$(domid "$1")
	i=0 x=0 h=0 conns=''
	while res=$(xenstore-read "/local/domain/$d/device/vdispl/0/$i/resolution" 2>/dev/null); do
		w=${res%x*} ch=${res#*x}
		conns="$conns vdispl-$d-0-$i,:$x:$w:$ch"
		x=$((x + w))
		[ "$ch" -gt "$h" ] && h=$ch
		i=$((i + 1))
	done
	echo "$2 $x $h$conns"
}

# check_shot TAG SHOT: every spec line against SHOT, every 4th pixel of
# every 4th row (the host checks them all); prints the checker's
# "frame NEEDLE bars|fill|bad" lines.
check_shot() {
	while read -r fmt w h conns; do
		# shellcheck disable=SC2086
		in_root REALXEN_SHOT_STEP=4 /usr/bin/realxen-shot-check "/result/$1/$2" \
			"/result/$1/scene-graph.txt" "$fmt" "$w" "$h" $conns 2>&1 |
			grep '^frame '
	done < "$R/$1/spec"
}

# capture TAG static|flip SPEC_LINE...: screenshots into /result/TAG until
# the checker (run here too, to know when to stop) is content:
#   static  nothing flips, so one shot must show the bars on every
#           connector; up to 3 shots, 2 s apart, in case a surface maps
#           late;
#   flip    modetest alternates the bars and a plain fill per connector:
#           shots at uneven intervals until each connector showed the
#           bars once, at most 10.
capture() {
	tag=$1 mode=$2
	shift 2
	mkdir -p "$R/$tag"
	: > "$R/$tag/spec"
	for l in "$@"; do echo "$l" >> "$R/$tag/spec"; done
	echo "$mode" > "$R/$tag/mode"
	scene_graph "/result/$tag/scene-graph.txt"
	grep -E 'View .*vdispl-|position:|opaque' "$R/$tag/scene-graph.txt" |
		sed "s/^/REALXEN-SCENE[$tag]: /"
	max=10
	[ "$mode" = static ] && max=3
	n=0 seen=''
	for pause in 1.0 1.4 1.1 1.7 1.2 1.9 1.3 2.1 1.5 1.0; do
		in_root /usr/bin/busybox sh -c "cd /result/$tag && weston-screenshooter" ||
			fail "weston-screenshooter"
		n=$((n + 1))
		shot=$(ls -t "$R/$tag/"*.png 2>/dev/null | head -n1)
		[ -n "$shot" ] || continue
		out=$(check_shot "$tag" "$(basename "$shot")")
		all=1
		for c in $(cut -d' ' -f4- "$R/$tag/spec"); do
			needle=${c%%:*}
			if echo "$out" | grep -qF "frame $needle bars"; then
				case "$seen" in *" $needle "*) ;; *) seen="$seen $needle " ;; esac
			else
				[ "$mode" = static ] && all=0
			fi
			case "$seen" in *" $needle "*) ;; *) all=0 ;; esac
		done
		[ "$all" = 1 ] && break
		[ $n -ge $max ] && break
		[ "$mode" = static ] && pause=2
		sleep "$pause"
	done
	say "screenshots $n in $tag ($mode; bars seen on:${seen:- none})"
}

# format_cases NAME: NAME's modetest static in AR24 and in RG16, then
# flipping in RG16 (AR24's fill, alpha 0x77, blends with what lies
# beneath: RG16 flips), each in screenshots, counters around the flips.
# Uses the procedure's case_begin and dom0-lib.sh's run and counters.
format_cases() {
	for fmt in AR24 RG16; do
		case_begin "static-$fmt"
		run "$1" static "$fmt"
		sleep 3
		capture "static-$fmt" static "$(spec_of "$1" "$fmt")"
	done
	case_begin flip-RG16
	run "$1" flip RG16
	sleep 3
	counters flip-RG16-begin
	capture flip-RG16 flip "$(spec_of "$1" RG16)"
	counters flip-RG16-end
}
