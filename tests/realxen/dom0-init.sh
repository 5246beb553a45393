#!/usr/bin/sh
# Dom0's /init (busybox). Brings up Xen's toolstack the way a distribution
# does, then hands over to the test procedure on the host share, or to a
# shell. Kernel arguments: realxen.mode=test (default) | shell | domu-shell.
PATH=/usr/sbin:/usr/bin:/usr/lib/xen-4.17/bin
export PATH
/usr/bin/busybox --install -s /usr/bin

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp

say() { echo "REALXEN-DOM0: t=$(cut -d' ' -f1 /proc/uptime) $*"; }
say "init"
while read -r cmd ko; do
	$cmd "$ko" || say "FAIL: $cmd $ko"
done < /etc/modules.load

mount -t xenfs xenfs /proc/xen || say "FAIL: mount xenfs"
mkdir -p /run/xen /run/xenstored /var/log/xen/console
xenstored --pid-file /run/xenstored.pid || say "FAIL: xenstored"
xen-init-dom0 || say "FAIL: xen-init-dom0"
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
	--log-dir=/var/log/xen/console || say "FAIL: xenconsoled"
say "toolstack up: $(xl info 2>/dev/null | grep -E '^xen_version' | tr -s ' ')"

mount -t 9p -o trans=virtio,version=9p2000.L,ro host /host ||
	say "FAIL: mount host share"
mount -t 9p -o trans=virtio,version=9p2000.L,rw result /result ||
	say "FAIL: mount result share"

mode='test'
for a in $(cat /proc/cmdline); do
	case "$a" in realxen.mode=*) mode=${a#realxen.mode=} ;; esac
done
if [ "$mode" = shell ]; then
	say "shell: the test is /host/realxen/dom0-test.sh; 'reboot -f' ends"
	setsid cttyhack sh
else
	sh /host/realxen/dom0-test.sh "$mode"
	say "test script exited $?"
fi
sync
reboot -f
