# shellcheck shell=bash
# The VM both kernel-only tiers boot (tests/kms/run.sh, the KMS presenter
# on virtio-gpu; tests/kms-input/run.sh, libinput on uinput devices):
# Debian's kernel under QEMU (TCG, no Xen) with an initramfs of busybox,
# the test's programs and the modules it names. Reuses the real-Xen tier's
# package fetch and tree helpers. The sourcing script defines say and skip
# and sets W (vm_workdir) before it builds anything.

# shellcheck source=../realxen/lib.sh
. "$REPO/tests/realxen/lib.sh"

# vm_need [TOOL...]: skips (77) unless the host has what building and
# booting the VM takes, and TOOLs.
vm_need() {
	local t
	for t in qemu-system-x86_64 cpio depmod modprobe gzip ldd timeout "$@"; do
		command -v "$t" >/dev/null || skip "$t not found (scripts/deps.sh installs it)"
	done
}

# vm_fetch_kernel: ROOT (Debian's packages, extracted) and KVER (their
# kernel's version).
vm_fetch_kernel() {
	local rc mods
	set +e
	ROOT=$("$REPO/tests/realxen/fetch.sh" | tail -n 1)
	rc=$?
	set -e
	[ $rc -eq 77 ] && skip "Debian's kernel package can't be fetched"
	if [ $rc -ne 0 ] || [ ! -d "$ROOT" ]; then
		say "FAIL: fetching packages"
		exit 1
	fi
	mods=("$ROOT"/lib/modules/*/)
	KVER=$(basename "${mods[0]}")
}

# vm_workdir NAME: W, a new /tmp/NAME.XXXXXX, removed at exit when the run
# passed (kept on failure or with KMS_KEEP set); QEMU (QPID, when set)
# stopped at exit.
vm_workdir() {
	W=$(mktemp -d "/tmp/$1.XXXXXX")
	trap vm_cleanup EXIT
}
vm_cleanup() {
	local rc=$?
	[ -n "${QPID:-}" ] && kill "$QPID" 2>/dev/null
	if [ $rc -eq 0 ] && [ -z "${KMS_KEEP:-}" ]; then rm -rf "$W"; else say "kept $W"; fi
}

# vm_tree: the initramfs tree I (W/initramfs) with busybox as /bin/sh.
vm_tree() {
	I=$W/initramfs
	tree_init "$I"
	cp "$ROOT/bin/busybox" "$I/usr/bin/busybox"
	ln -sf busybox "$I/usr/bin/sh"
}

# vm_init DEVICE: /init's first lines on stdout (the test's own follow):
# busybox's applets, /proc, /sys, /dev and /run mounted, the modules
# loaded, then up to 10 s for DEVICE to appear.
vm_init() {
	cat <<INIT
#!/bin/sh
/usr/bin/busybox --install -s /usr/bin
mount -t proc proc /proc; mount -t sysfs sys /sys
mount -t devtmpfs dev /dev; mount -t tmpfs run /run
while read -r line; do \$line; done < /etc/modules.load
n=0; while [ ! -e $1 ] && [ \$n -lt 100 ]; do sleep 0.1; n=\$((n + 1)); done
INIT
}

# vm_qemu MEM_MIB KERNEL_ARGS: VM_QEMU, the command line that boots the
# kernel with W/initrd.gz, its console into LOG; the test adds its devices
# and runs it (under timeout, so that $! is what to stop).
vm_qemu() {
	# shellcheck disable=SC2034,SC2054 # the caller runs it; commas are QEMU's
	VM_QEMU=(qemu-system-x86_64 -accel tcg,thread=multi -m "$1" -smp 2
		-nodefaults -display none -no-reboot
		-kernel "$ROOT/boot/vmlinuz-$KVER" -initrd "$W/initrd.gz"
		-append "console=ttyS0 rdinit=/init quiet${2:+ $2}"
		-serial "file:$LOG")
}
