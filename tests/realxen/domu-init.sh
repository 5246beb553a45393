#!/usr/bin/sh
# The guest's /init (busybox): the real Linux frontends against vdispld.
# Loads xen-drm-front (whose probe waits for the backend), runs modetest on
# both connectors with page flips until Dom0 says stop, records the vkbd's
# input devices meanwhile (Dom0 injects touches and a key), and reports
# everything on hvc0 behind "REALXEN-GUEST:" markers. Handshake with Dom0 through its own XenStore
# home: data/realxen-state (written here), data/realxen-stop (by Dom0).
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
# Connected connectors: "<id> <encoder> connected <name> ...".
ids=$(awk '$3 == "connected" {print $1}' /tmp/conn.txt)
say "connectors: $(awk '$3 == "connected" {printf "%s=%s ", $1, $4}' /tmp/conn.txt)"
grep -E '^ +#[0-9]+ ' /tmp/conn.txt | sed 's/^/REALXEN-GUEST: mode: /'
# shellcheck disable=SC2086
set -- $ids
if [ $# -ne 2 ]; then
	say "FAIL: expected 2 connected connectors, got $#"
	cat /tmp/conn.txt
fi

# Raw struct input_event records, decoded at the end: cat writes each
# read at once, so nothing is lost in a buffer when it is killed.
readers=''
for dev in "mt:$mt" "kbd:$kbd" "ptr:$ptr"; do
	[ -n "${dev#*:}" ] || continue
	cat "/dev/input/${dev#*:}" > "/tmp/${dev%:*}.raw" &
	readers="$readers $!"
done

# modetest -v flips until its stdin becomes readable: hold a FIFO open and
# close it to stop modetest cleanly (it then detaches and destroys).
mkfifo /tmp/hold
modetest -M xendrm-du -s "$1:800x600" -s "$2:1024x768" -v \
	< /tmp/hold > /tmp/modetest.log 2>&1 &
mt_pid=$!
exec 3> /tmp/hold
sleep 2
state flipping
i=0
while [ $i -lt 120 ] && [ "$(xenstore-read data/realxen-stop 2>/dev/null)" != 1 ]; do
	sleep 1
	i=$((i + 1))
done
[ $i -ge 120 ] && say "no stop from Dom0 after 120 s"
exec 3>&-
i=0
while kill -0 $mt_pid 2>/dev/null && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
kill -0 $mt_pid 2>/dev/null && { say "FAIL: modetest did not exit"; kill $mt_pid; }
wait $mt_pid
say "modetest exit $?"
sed 's/^/REALXEN-GUEST: modetest: /' /tmp/modetest.log | tail -n 40
# shellcheck disable=SC2086
[ -n "$readers" ] && kill $readers 2>/dev/null
for dev in mt kbd ptr; do
	[ -e "/tmp/$dev.raw" ] || continue
	decode_events "$dev" "/tmp/$dev.raw" > "/tmp/$dev.txt"
	say "input frames read on $dev: $(wc -l < "/tmp/$dev.txt")"
	head -n 40 "/tmp/$dev.txt" | sed 's/^/REALXEN-GUEST: ev /'
done
state done
while :; do sleep 3600; done
