#!/usr/bin/sh
# The guest's /init (busybox): the real Linux frontends against vdispld.
# Loads xen-drm-front (whose probe waits for the backend), runs modetest on
# both connectors with page flips until Dom0 says stop, reads the
# multi-touch device meanwhile, and reports everything on hvc0 behind
# "REALXEN-GUEST:" markers. Handshake with Dom0 through its own XenStore
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
say "boot"
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

mt=
for e in /sys/class/input/event*; do
	[ -e "$e" ] || continue
	name=$(cat "$e/device/name")
	say "input $(basename "$e") $name"
	case "$name" in *[Mm]ulti-touch*|*[Mm]ultitouch*) mt=$(basename "$e") ;; esac
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

if [ -n "$mt" ]; then
	# struct input_event is 24 bytes on x86_64: one line per event.
	hexdump -v -e '24/1 "%02x" "\n"' "/dev/input/$mt" > /tmp/touch.txt &
	touch_pid=$!
fi

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
if [ -n "$mt" ]; then
	kill "$touch_pid" 2>/dev/null
	say "touch events read on $mt: $(wc -l < /tmp/touch.txt)"
	head -n 20 /tmp/touch.txt | sed 's/^/REALXEN-GUEST: touch: /'
fi
state done
while :; do sleep 3600; done
