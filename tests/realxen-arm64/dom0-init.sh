#!/usr/bin/sh
# Dom0's /init on the arm64 tier (busybox). The whole arm64 root is in the
# initramfs (no host share: nothing of the x86 host runs here). Brings up
# Xen's toolstack, then by realxen.mode= (kernel argument, from the DTB):
#   smoke  boot-only: toolstack, Weston (headless, pixman), vdispld alive
#   test   dom0-zc.sh (zero copy and be-alloc on the real kernel) with /
#          bound on /host, then every file it left in /result on the
#          console (base64) for the host's checks
#   shell  a shell
PATH=/usr/sbin:/usr/bin:/usr/lib/xen-4.17/bin
export PATH
/usr/bin/busybox --install -s /usr/bin 2>/dev/null

# shellcheck source=../realxen/dom0-boot.sh
. /etc/dom0-boot.sh
dom0_mounts
mount -t tmpfs result /result
say "init ($(uname -m), kernel $(uname -r))"
dom0_modules
dom0_toolstack
say "features: $(cat /sys/hypervisor/properties/features 2>/dev/null)"
for dev in gntdev gntalloc evtchn privcmd; do
	if [ -e "/dev/xen/$dev" ]; then say "device /dev/xen/$dev"; else say "FAIL: no /dev/xen/$dev"; fi
done
[ -e /dev/dma_heap/system ] && say "device /dev/dma_heap/system"

mode='test'
# shellcheck disable=SC2013
for a in $(cat /proc/cmdline); do
	case "$a" in realxen.mode=*) mode=${a#realxen.mode=} ;; esac
done

wl_up() { WAYLAND_DISPLAY=wayland-1 wayland-info > /dev/null 2>&1; }

smoke() {
	export XDG_RUNTIME_DIR=/run/user/0
	mkdir -p "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	weston --backend=headless-backend.so --use-pixman --width=1920 \
		--height=1080 --socket=wayland-1 --config=/realxen/weston.ini \
		--log=/result/weston.log > /result/weston.out 2>&1 &
	wpid=$!
	i=0
	while [ $i -lt 60 ] && ! wl_up; do
		kill -0 $wpid 2>/dev/null || break
		sleep 1
		i=$((i + 1))
	done
	if wl_up; then
		say "weston ready after $i s: $(weston --version 2>&1)"
	else
		say "FAIL: weston not ready"
		sed 's/^/REALXEN-WESTON: /' /result/weston.log | tail -n 20
	fi
	if [ -x /usr/bin/vdispld ]; then
		say "vdispld: $(vdispld --version 2>&1 | head -n1)"
		vdispld -c /realxen/vdispld.conf -W wayland-1 > /result/vdispld.log 2>&1 &
		vpid=$!
		sleep 5
		if kill -0 $vpid 2>/dev/null; then
			say "vdispld running (pid $vpid)"
			kill -TERM $vpid
			wait $vpid
			say "vdispld exit $?"
		else
			wait $vpid
			say "FAIL: vdispld exited $? at start"
		fi
		sed 's/^/REALXEN-VDISPLD: /' /result/vdispld.log | tail -n 20
	else
		say "FAIL: no /usr/bin/vdispld in the image"
	fi
	kill $wpid 2>/dev/null
	say "END"
}

# Every file Dom0's test left, for the host: "REALXEN-FILE: BEGIN path",
# base64 lines, "REALXEN-FILE: END".
dump_results() {
	find /result -type f | while read -r f; do
		echo "REALXEN-FILE: BEGIN ${f#/result/}"
		base64 "$f"
		echo "REALXEN-FILE: END"
	done
}

case "$mode" in
shell)
	say "shell; 'reboot -f' ends"
	setsid cttyhack sh ;;
smoke) smoke ;;
*)
	# dom0-zc.sh chroots into /host and binds /dev, /proc... into it: a
	# recursive bind of / (a symlink to / would make it bind /dev over
	# itself and hide /dev/pts: xenconsoled then can't open a pty).
	mount --rbind / /host || say "FAIL: bind / on /host"
	sh /realxen/dom0-zc.sh
	say "test script exited $?"
	dump_results ;;
esac
sync
reboot -f
