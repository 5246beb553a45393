# shellcheck shell=bash
# Input checks of a real-Xen run (sourced by checks.sh): what the guest's
# xen-kbdfront devices reported (decoded by domu-init.sh as one line per
# SYN_REPORT, "ev mt: CODE=VALUE ...") against what Dom0 injected into
# Weston on connector c0's surface (dom0-input.sh's "touch c0 of domid"
# line). Uses checks.sh's LOG, ok, bad, guest_log, xs_value.

# touch_frames DOMID: the guest's multi-touch frames, replayed through the
# slot state the way a client of evdev does: one line per frame,
# "N down [X,Y X,Y] BTN_TOUCH=B ids=K" (K: tracking ids seen so far).
touch_frames() {
	guest_log "$1" | sed -n 's/^domu| REALXEN-GUEST: ev mt://p' | awk '
	BEGIN { slot = 0; btn = 0; n_ids = 0 }
	{
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			k = kv[1]; v = kv[2] + 0
			if (k == "ABS_MT_SLOT") slot = v
			else if (k == "ABS_MT_TRACKING_ID") {
				tid[slot] = v
				if (v >= 0 && !(v in seen)) { seen[v] = 1; n_ids++ }
			}
			else if (k == "ABS_MT_POSITION_X") x[slot] = v
			else if (k == "ABS_MT_POSITION_Y") y[slot] = v
			else if (k == "BTN_TOUCH") btn = v
		}
		s = ""; n = 0
		for (j in tid)
			if (tid[j] >= 0) { s = s (n ? " " : "") x[j] "," y[j]; n++ }
		printf "%d down [%s] BTN_TOUCH=%d ids=%d\n", n, s, btn, n_ids
	}'
}

# scale_pt "SX,SY" W H TW TH: a connector point in the touch area, the
# way vdispld must scale it (floor of v * area / resolution).
scale_pt() {
	awk -v p="$1" -v w="$2" -v h="$3" -v tw="$4" -v th="$5" 'BEGIN {
		split(p, a, ","); printf "%d,%d", int(a[1] * tw / w), int(a[2] * th / h) }'
}

# has_pair FRAMES "A B": a frame with exactly the contacts A and B down.
has_pair() {
	grep -qE "^2 down \[($2|${2#* } ${2% *})\] BTN_TOUCH=1 " <<< "$1"
}

check_touch() { # DOMID TAG
	local inj res mtw mth frames d1 d2 m1 m2 down moved
	inj=$(sed -nE "s/^REALXEN-DOM0: .* touch c0 of domid $1 at [0-9]+,[0-9]+: down ([0-9,]+) ([0-9,]+) motion ([0-9,]+) ([0-9,]+)$/\1 \2 \3 \4/p" "$LOG" | tail -n1)
	if [ -z "$inj" ]; then
		bad "$2: no touches were injected on c0 (see REALXEN-DOM0/REALXEN-INPUT lines)"
		return
	fi
	res=$(xs_value "$2" "/local/domain/$1/device/vdispl/0/0/resolution")
	mtw=$(xs_value "$2" "/local/domain/0/backend/vinput/$1/0/multi-touch-width")
	mth=$(xs_value "$2" "/local/domain/0/backend/vinput/$1/0/multi-touch-height")
	if [ -z "$res" ] || [ -z "$mtw" ] || [ -z "$mth" ]; then
		bad "$2: c0 resolution or the vkb's multi-touch area missing from the XenStore dump"
		return
	fi
	# shellcheck disable=SC2086
	set -- "$1" "$2" $inj
	d1=$(scale_pt "$3" "${res%x*}" "${res#*x}" "$mtw" "$mth")
	d2=$(scale_pt "$4" "${res%x*}" "${res#*x}" "$mtw" "$mth")
	m1=$(scale_pt "$5" "${res%x*}" "${res#*x}" "$mtw" "$mth")
	m2=$(scale_pt "$6" "${res%x*}" "${res#*x}" "$mtw" "$mth")
	down="$d1 $d2" moved="$m1 $m2"
	frames=$(touch_frames "$1")
	local what="c0 ${res} -> touch area ${mtw}x${mth}"
	if has_pair "$frames" "$down"; then
		ok "$2: two fingers down at surface ($3) ($4) arrive at ($d1) ($d2), BTN_TOUCH 1 ($what)"
	else
		bad "$2: no frame with both fingers down at ($d1) ($d2) ($what)"
	fi
	if has_pair "$frames" "$moved"; then
		ok "$2: both fingers moved to ($5) ($6) arrive at ($m1) ($m2)"
	else
		bad "$2: no frame with both fingers at ($m1) ($m2) after the motion"
	fi
	if tail -n1 <<< "$frames" | grep -qE '^0 down \[\] BTN_TOUCH=0 ids=2$'; then
		ok "$2: both fingers up (no contact left, BTN_TOUCH 0, two tracking ids)"
	else
		bad "$2: the guest's last touch frame is not 'all up, BTN_TOUCH 0, two tracking ids'"
	fi
	if [ "$CHECK_FAILS" -gt "${fails_before_touch:-0}" ]; then
		sed 's/^/realxen:      mt frame: /' <<< "$frames"
		guest_log "$1" | grep -a 'REALXEN-GUEST: ev mt:' | sed 's/^/realxen:      /'
	fi
}

# KEY_A (30) pressed then released on the guest's keyboard.
check_key_a() { # DOMID TAG
	local kbd
	kbd=$(guest_log "$1" | sed -n 's/^domu| REALXEN-GUEST: ev kbd://p')
	if grep -q 'KEY_30=1' <<< "$kbd" &&
		sed -n '/KEY_30=1/,$p' <<< "$kbd" | grep -q 'KEY_30=0'; then
		ok "$2: key A pressed and released on the guest's Xen Virtual Keyboard"
	else
		bad "$2: no KEY_A press and release on the guest's keyboard (frames: $(tr "\n" " " <<< "$kbd"))"
	fi
}

# KEY_A on the keyboard, BTN_LEFT (the click that raised c0) on the
# pointer.
check_keys() { # DOMID TAG
	local ptr
	check_key_a "$1" "$2"
	ptr=$(guest_log "$1" | sed -n 's/^domu| REALXEN-GUEST: ev ptr://p')
	if grep -q 'BTN_LEFT=1' <<< "$ptr" &&
		sed -n '/BTN_LEFT=1/,$p' <<< "$ptr" | grep -q 'BTN_LEFT=0'; then
		ok "$2: the click on c0 arrived on the guest's Xen Virtual Pointer"
	else
		bad "$2: no BTN_LEFT press and release on the guest's pointer (frames: $(tr "\n" " " <<< "$ptr"))"
	fi
}

check_input() { # DOMID TAG
	local fails_before_touch=$CHECK_FAILS
	check_touch "$1" "$2"
	check_keys "$1" "$2"
}
