# shellcheck shell=sh
# What Dom0's /init does first on both real-Xen tiers (busybox sh; the x86
# tier's dom0-init.sh and the arm64 tier's source it from
# /etc/dom0-boot.sh): the mounts, the module list of the image, and Xen's
# toolstack started the way a distribution does.

say() { echo "REALXEN-DOM0: t=$(cut -d' ' -f1 /proc/uptime) $*"; }

dom0_mounts() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev 2>/dev/null # the kernel may have done it
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs run /run
	mount -t tmpfs tmp /tmp
}

# /etc/modules.load: "insmod PATH" lines in dependency order (lib.sh).
dom0_modules() {
	while read -r cmd ko; do
		$cmd "$ko" || say "FAIL: $cmd $ko"
	done < /etc/modules.load
}

dom0_toolstack() {
	mount -t xenfs xenfs /proc/xen || say "FAIL: mount xenfs"
	mkdir -p /run/xen /run/xenstored /var/log/xen/console
	xenstored --pid-file /run/xenstored.pid || say "FAIL: xenstored"
	xen-init-dom0 || say "FAIL: xen-init-dom0"
	xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
		--log-dir=/var/log/xen/console || say "FAIL: xenconsoled"
	say "toolstack up: $(xl info 2>/dev/null | grep -E '^xen_version' | tr -s ' ')"
}
