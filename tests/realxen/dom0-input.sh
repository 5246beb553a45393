# shellcheck shell=sh
# The input half of Dom0's test procedure (sourced by dom0-test.sh, busybox
# sh). Headless Weston has no seat of its own; the test-only module
# vdispld-test-input.so gives it one, driven by text commands on a Unix
# socket (realxen-input-cmd sends them). So real wl_pointer, wl_touch and
# wl_keyboard events reach vdispld's surfaces, and vdispld must forward them
# to the guest's vkbd (the vkb follows connector c0 by its unique-id).
# Uses dom0-test.sh's S, R, ENV, say, fail.
# Word splitting of $ENV and of the point lists is intended:
# shellcheck disable=SC2086

# Where Weston's own modules are, for this Dom0's architecture.
INPUT_MODULE=/usr/lib/$(uname -m)-linux-gnu/weston/vdispld-test-input.so
INPUT_SOCK=/run/user/0/vdispld-test-input
# Two fingers, in c0's surface coordinates. checks.sh reads them back from
# the "touch c0 of domid" line, so they are written only here.
TOUCH_DOWN="100,100 400,300"
TOUCH_MOTION="200,150 500,400"

have_input() { [ -x "$S/usr/bin/realxen-input-cmd" ] && [ -f "$S$INPUT_MODULE" ]; }

# input COMMAND...: sent in order, each after Weston handled the previous.
input() {
	out=$(chroot "$S" /usr/bin/env $ENV /usr/bin/realxen-input-cmd \
		"$INPUT_SOCK" "$@" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/REALXEN-INPUT: /'
	[ "$rc" -eq 0 ] || fail "input commands failed (exit $rc)"
	return "$rc"
}

# scene_graph FILE (a path in the chroot): Weston's one-shot dump.
# weston-debug appends to FILE: start from an empty one.
scene_graph() {
	rm -f "$S$1"
	chroot "$S" /usr/bin/env $ENV /usr/bin/weston-debug -o "$1" \
		scene-graph > /dev/null 2>&1 &
	sg_pid=$!
	i=0
	while kill -0 "$sg_pid" 2>/dev/null && [ $i -lt 10 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	kill "$sg_pid" 2>/dev/null
	wait "$sg_pid" 2>/dev/null
}

# view_rects FILE: "x1 y1 x2 y2 <view header>" per view, topmost first
# (the order the scene graph lists them; shot_check.c reads it alike).
view_rects() {
	awk '/^[ \t]*View / { h = $0; next }
	     h != "" && /position: \(/ {
		gsub(/[(),>-]/, " "); print $2, $3, $4, $5, h; h = "" }' "$1"
}

# visible_point FILE NEEDLE: a global point inside NEEDLE's view that no
# view above it covers (desktop-shell places windows at random).
visible_point() {
	view_rects "$1" | awk -v n="$2" '
	BEGIN { k = 0 }
	index($0, n) {
		for (y = $2 + 20; y < $4; y += 20)
			for (x = $1 + 20; x < $3; x += 20) {
				c = 0
				for (i = 0; i < k; i++)
					if (x >= X1[i] && x < X2[i] && y >= Y1[i] && y < Y2[i])
						c = 1
				if (!c) { print x, y; exit }
			}
		exit
	}
	{ X1[k] = $1; Y1[k] = $2; X2[k] = $3; Y2[k] = $4; k++ }'
}

# to_global "SX,SY" ORIGIN_X ORIGIN_Y: "X Y" in compositor coordinates.
to_global() {
	echo "$(( ${1%,*} + $2 )) $(( ${1#*,} + $3 ))"
}

# Where the pointer rests: the output's last pixel (start_weston's size).
# The cursor sprite desktop-shell's background sets then lies off screen,
# never over a sampled pixel of a screenshot.
park_pointer() {
	have_input &&
		input "pointer move $((${WESTON_W:-1920} - 1)) $((${WESTON_H:-1080} - 1))" > /dev/null
}

# raise_c0 DOMID TAG: a click raises c0 (desktop-shell), so every point
# of it takes touches; sets C0_ORIGIN="X Y" once it is on top.
raise_c0() {
	needle="'domu c0' of vdispl-$1-0-0,"
	scene_graph "/result/$2/scene-graph-input.txt"
	pt=$(visible_point "$R/$2/scene-graph-input.txt" "$needle")
	if [ -z "$pt" ]; then
		fail "guest $1: no uncovered point of c0 to click (scene graph: $2/scene-graph-input.txt)"
		return 1
	fi
	input "pointer move $pt" "button 272 1" "button 272 0" || return 1
	scene_graph "/result/$2/scene-graph-input.txt"
	# The topmost window (the cursor's view may be listed above it).
	top=$(view_rects "$R/$2/scene-graph-input.txt" | grep 'role xdg_toplevel' | head -n1)
	case "$top" in
	*"$needle"*) C0_ORIGIN=$(echo "$top" | cut -d' ' -f1,2) ;;
	*) fail "guest $1: c0 not on top after the click: $top"; return 1 ;;
	esac
}

# inject_input DOMID TAG: two fingers down on c0, both move, both up;
# then KEY_A. The guest records what its input devices report.
inject_input() {
	raise_c0 "$1" "$2" || return 1
	set -- "$1" $C0_ORIGIN
	set -- $TOUCH_DOWN $TOUCH_MOTION "$2" "$3" "$1"
	say "touch c0 of domid $7 at $5,$6: down $1 $2 motion $3 $4"
	input "touch down 0 $(to_global "$1" "$5" "$6")" \
	      "touch down 1 $(to_global "$2" "$5" "$6")" "touch frame"
	sleep 0.5
	input "touch motion 0 $(to_global "$3" "$5" "$6")" \
	      "touch motion 1 $(to_global "$4" "$5" "$6")" "touch frame"
	sleep 0.5
	input "touch up 0" "touch up 1" "touch frame"
	# The click gave c0 the keyboard focus too.
	input "keyboard focus-in" "key 30 1" "key 30 0"
	park_pointer
	say "input injected into c0 of domid $7"
}
