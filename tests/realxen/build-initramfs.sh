#!/usr/bin/env bash
# Builds what QEMU boots for the real-Xen tier from the packages fetch.sh
# extracted: the Xen hypervisor (gunzipped: QEMU's multiboot loader wants
# the ELF), the Debian kernel, and two busybox initramfs images:
#   dom0.cpio.gz  Xen's toolstack (xenstored, xen-init-dom0, xenconsoled,
#                 xl, xenstore-*) with its libraries and the Dom0 modules;
#   domU.cpio.gz  the guest: xen-drm-front and its modules, evdev, modetest,
#                 xenstore-read/write (the test's handshake with Dom0).
#
# Usage: build-initramfs.sh ROOT OUTDIR
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${1:?usage: build-initramfs.sh ROOT OUTDIR}
OUT=${2:?usage: build-initramfs.sh ROOT OUTDIR}
# shellcheck source=lib.sh
. "$HERE/lib.sh"
LIB_PATH=$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu

KVER=$(basename "$(ls -d "$ROOT"/lib/modules/*-amd64 | head -n1)")
XENBIN=/usr/lib/xen-4.17/bin
mkdir -p "$OUT"

base_tree() { # DEST: busybox, the loader's layout, the xenstore client
	local dest=$1 t
	rm -rf "$dest"
	tree_init "$dest"
	cp "$ROOT/bin/busybox" "$dest/usr/bin/busybox"
	ln -sf busybox "$dest/usr/bin/sh"
	for t in read write ls list rm exists watch chmod; do
		copy_prog "$dest" "$ROOT/usr/bin/xenstore-$t" "/usr/bin/xenstore-$t"
	done
}

build_dom0() {
	local d=$OUT/dom0.d b
	base_tree "$d"
	for b in xenstored xen-init-dom0 xenconsoled xl xenconsole; do
		copy_prog "$d" "$ROOT$XENBIN/$b" "$XENBIN/$b"
	done
	ln -sf "$XENBIN/xl" "$d/usr/sbin/xl"
	# glibc dlopen()s libgcc_s for pthread_cancel, which xl's domain
	# watcher uses: without it `xl create` aborts after building the guest.
	copy_lib "$d" /lib/x86_64-linux-gnu/libgcc_s.so.1
	# libxl keeps state and logs here; xenstored its socket in /run.
	mkdir -p "$d"/var/{lib/xen,log/xen/console} "$d"/etc/xen "$d"/host "$d"/result
	cp "$ROOT/etc/xen/xl.conf" "$d/etc/xen/xl.conf"
	copy_modules "$d" "$ROOT" "$KVER" xenfs xen-evtchn xen-gntdev \
		xen-gntalloc xen-privcmd virtio_pci 9pnet_virtio 9p \
		virtio-gpu uinput evdev
	install -m 755 "$HERE/dom0-init.sh" "$d/init"
	install -m 644 "$HERE/dom0-boot.sh" "$d/etc/dom0-boot.sh"
	pack_cpio "$d" "$OUT/dom0.cpio.gz"
}

build_domu() {
	local d=$OUT/domU.d
	base_tree "$d"
	copy_prog "$d" "$ROOT/usr/bin/modetest" /usr/bin/modetest
	copy_modules "$d" "$ROOT" "$KVER" drm_xen_front evdev
	install -m 755 "$HERE/domu-init.sh" "$d/init"
	pack_cpio "$d" "$OUT/domU.cpio.gz"
}

gunzip -c "$ROOT/boot/xen-4.17-amd64.gz" > "$OUT/xen"
cp "$ROOT/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
build_dom0
build_domu
rm -rf "$OUT/dom0.d" "$OUT/domU.d"
ls -l "$OUT" >&2
