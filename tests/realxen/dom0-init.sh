#!/usr/bin/sh
# Dom0's /init (busybox). Brings up Xen's toolstack the way a distribution
# does, then hands over to the test procedure on the host share, or to a
# shell. Kernel arguments: realxen.mode=test (default) | shell | domu-shell.
PATH=/usr/sbin:/usr/bin:/usr/lib/xen-4.17/bin
export PATH
/usr/bin/busybox --install -s /usr/bin

# shellcheck source=dom0-boot.sh
. /etc/dom0-boot.sh
dom0_mounts
say "init"
dom0_modules
dom0_toolstack

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
