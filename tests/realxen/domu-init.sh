#!/usr/bin/sh
# The guest's /init (busybox): the real Linux frontends against vdispld.
# Loads xen-drm-front (whose probe waits for the backend), records the
# vkbd's input devices (Dom0 injects touches and a key), then runs what Dom0
# asks, one command at a time, and reports everything on hvc0 behind
# "REALXEN-GUEST:" markers. Handshake through its own XenStore home:
#   data/realxen-cmd    (by Dom0) "SEQ static FMT" modetest on every
#                       connector, one shared fb, mode set and never
#                       flipped; "SEQ flip FMT" the same with -v (page
#                       flips); "SEQ stop"; "SEQ finish" (stop, decode the
#                       input recorded, kernel log lines that matter)
#   data/realxen-state  (here) "0 ready", then "SEQ running|exited RC|
#                       stopped|done"
PATH=/usr/sbin:/usr/bin
export PATH
/usr/bin/busybox --install -s /usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp

say() { echo "REALXEN-GUEST: t=$(cut -d' ' -f1 /proc/uptime) $*"; }
state() { xenstore-write data/realxen-state "$1"; say "state $1"; }

# decode_events NAME FILE: struct input_event records (24 bytes on x86_64:
# timeval, u16 type, u16 code, s32 value) as one line per SYN_REPORT,
# "NAME: CODE=VALUE ...". Names only for what xen-kbdfront reports.
decode_events() {
	hexdump -v -e '4/4 "%u " 1/2 " %u" 1/2 " %u" 1/4 " %d" "\n"' "$2" | awk -v dev="$1" '
	function name(t, c) {
		if (t == 3 && c == 0) return "ABS_X"
		if (t == 3 && c == 1) return "ABS_Y"
		if (t == 3 && c == 47) return "ABS_MT_SLOT"
		if (t == 3 && c == 53) return "ABS_MT_POSITION_X"
		if (t == 3 && c == 54) return "ABS_MT_POSITION_Y"
		if (t == 3 && c == 57) return "ABS_MT_TRACKING_ID"
		if (t == 1 && c == 330) return "BTN_TOUCH"
		if (t == 1 && c == 272) return "BTN_LEFT"
		if (t == 1) return "KEY_" c
		if (t == 2) return "REL_" c
		if (t == 4) return "MSC_" c
		return "T" t "_" c
	}
	$5 == 0 && $6 == 0 { print dev ":" line; line = ""; next }
	{ line = line " " name($5, $6) "=" $7 }
	END { if (line != "") print dev ":" line " (no SYN_REPORT)" }'
}
say "boot domid $(xenstore-read domid)"
mode='test'
for a in $(cat /proc/cmdline); do
	case "$a" in realxen.mode=*) mode=${a#realxen.mode=} ;; esac
done

t0=$(cut -d. -f1 /proc/uptime)
while read -r cmd ko; do
	$cmd "$ko" || say "FAIL: $cmd $ko"
done < /etc/modules.load
i=0
while [ ! -e /dev/dri/card0 ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
if [ -e /dev/dri/card0 ]; then
	say "card0 present after $(( $(cut -d. -f1 /proc/uptime) - t0 )) s"
else
	say "FAIL: no /dev/dri/card0"
fi
dmesg | grep -iE 'xen.?drm|vdispl|drm|kbd|input' | sed 's/^/REALXEN-GUEST: dmesg: /'

# xen-kbdfront's three devices, found by name.
mt='' kbd='' ptr=''
for e in /sys/class/input/event*; do
	[ -e "$e" ] || continue
	name=$(cat "$e/device/name")
	say "input $(basename "$e") $name"
	case "$name" in
	*Multi-touch*) mt=$(basename "$e") ;;
	*Keyboard*) kbd=$(basename "$e") ;;
	*Pointer*) ptr=$(basename "$e") ;;
	esac
done

if [ "$mode" = shell ]; then
	say "shell: modetest -M xendrm-du -c lists connectors"
	exec setsid cttyhack sh
fi

modetest -M xendrm-du -c > /tmp/conn.txt 2>&1
# Connected connectors: "<id> <encoder> connected <name> ...", in the
# order of the vdispl's connector indexes.
ids=$(awk '$3 == "connected" {print $1}' /tmp/conn.txt)
say "connectors: $(awk '$3 == "connected" {printf "%s=%s ", $1, $4}' /tmp/conn.txt)"
grep -E '^ +#[0-9]+ ' /tmp/conn.txt | sed 's/^/REALXEN-GUEST: mode: /'
# "-s ID:WxH" per connector, the resolution from the guest's own vdispl.
sargs='' i=0
for id in $ids; do
	res=$(xenstore-read "device/vdispl/0/$i/resolution")
	sargs="$sargs -s $id:$res"
	i=$((i + 1))
done
say "$i connected connectors; modetest$sargs"

# Raw struct input_event records, decoded at the end: cat writes each
# read at once, so nothing is lost in a buffer when it is killed.
readers=''
for dev in "mt:$mt" "kbd:$kbd" "ptr:$ptr"; do
	[ -n "${dev#*:}" ] || continue
	cat "/dev/input/${dev#*:}" > "/tmp/${dev%:*}.raw" &
	readers="$readers $!"
done

# modetest waits for its stdin (getchar) after setting the mode, and with
# -v flips until stdin is readable: hold a FIFO open and close it to stop
# modetest cleanly (it then detaches and destroys).
mt_pid='' mt_seq=''
start_modetest() { # SEQ static|flip FMT
	rm -f /tmp/hold /tmp/modetest.log
	mkfifo /tmp/hold
	v=''
	[ "$2" = flip ] && v=-v
	say "modetest $1: $2 $3:$sargs $v"
	# shellcheck disable=SC2086,SC2046
	modetest -M xendrm-du $(echo "$sargs" | sed "s/\( -s [^ ]*\)/\1@$3/g") $v \
		< /tmp/hold > /tmp/modetest.log 2>&1 &
	mt_pid=$! mt_seq=$1
	exec 3> /tmp/hold
	# Running once the mode is set (or a buffer failed); exited if it died.
	n=0
	while [ $n -lt 40 ] && kill -0 "$mt_pid" 2>/dev/null &&
		! grep -qE 'setting mode|failed to create' /tmp/modetest.log; do
		sleep 0.5
		n=$((n + 1))
	done
	if kill -0 "$mt_pid" 2>/dev/null; then
		sleep 2
		sed 's/^/REALXEN-GUEST: modetest: /' /tmp/modetest.log | head -n 20
		state "$1 running"
	else
		reap_modetest
		state "$1 exited $mt_rc"
	fi
}

reap_modetest() {
	wait "$mt_pid"
	mt_rc=$?
	sig=''
	[ "$mt_rc" -gt 128 ] && sig=" (signal $((mt_rc - 128)))"
	say "modetest $mt_seq exit $mt_rc$sig"
	# -v: freq lines (one per connector per 60 flips) and the end.
	grep -F 'freq:' /tmp/modetest.log | sed 's/^/REALXEN-GUEST: modetest: /'
	grep -vF 'freq:' /tmp/modetest.log | tail -n 20 |
		sed 's/^/REALXEN-GUEST: modetest: /'
	mt_pid=''
}

stop_modetest() {
	[ -n "$mt_pid" ] || return 0
	exec 3>&-
	n=0
	while kill -0 "$mt_pid" 2>/dev/null && [ $n -lt 20 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	kill -0 "$mt_pid" 2>/dev/null && { say "FAIL: modetest did not exit"; kill "$mt_pid"; }
	reap_modetest
}

finish() {
	stop_modetest
	# shellcheck disable=SC2086
	[ -n "$readers" ] && kill $readers 2>/dev/null
	for dev in mt kbd ptr; do
		[ -e "/tmp/$dev.raw" ] || continue
		decode_events "$dev" "/tmp/$dev.raw" > "/tmp/$dev.txt"
		say "input frames read on $dev: $(wc -l < "/tmp/$dev.txt")"
		head -n 40 "/tmp/$dev.txt" | sed 's/^/REALXEN-GUEST: ev /'
	done
	# What a client killed by the frontend leaves behind (be-alloc on PV).
	dmesg | grep -E 'BUG|Bad rss|xen.?drm|Bus error|segfault' |
		sed 's/^/REALXEN-GUEST: kernel: /'
}

state "0 ready"
last=0
while :; do
	cmd=$(xenstore-read data/realxen-cmd 2>/dev/null)
	# shellcheck disable=SC2086
	set -- $cmd
	if [ $# -ge 2 ] && [ "$1" -gt "$last" ]; then
		last=$1
		say "command: $cmd"
		case "$2" in
		static|flip) stop_modetest; start_modetest "$1" "$2" "$3" ;;
		stop) stop_modetest; state "$1 stopped" ;;
		finish) finish; state "$1 done" ;;
		*) say "FAIL: unknown command $cmd" ;;
		esac
	fi
	# A modetest that died by itself says so at once.
	if [ -n "$mt_pid" ] && ! kill -0 "$mt_pid" 2>/dev/null; then
		reap_modetest
		say "FAIL: modetest $mt_seq died"
	fi
	sleep 0.5
done
