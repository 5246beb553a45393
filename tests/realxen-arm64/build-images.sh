#!/usr/bin/env bash
# Builds what QEMU boots for the arm64 real-Xen tier:
#   xen            Debian's Xen 4.17 arm64 (an Image QEMU loads with -kernel)
#   Image          the kernel for Dom0 and the guest: the tier's own
#                  (build-kernel.sh) or, for the boot-only smoke test,
#                  Debian's arm64 kernel with its Xen modules
#   dom0.cpio.gz   Dom0's whole root (no share: nothing from the x86 host
#                  runs there): the arm64 packages fetch.sh extracted (Xen's
#                  toolstack, Weston 10, busybox), the cross-built vdispld
#                  screenshot checker and test compositor, this tier's
#                  /init and procedure (dom0-zc.sh, on the x86 tier's
#                  helpers, run with /host = /)
#   domU.cpio.gz   the guest: busybox, modetest, xenstore-read/write and the
#                  x86 tier's domu-init.sh
#   xen.dtb        QEMU's virt device tree with Xen's boot modules in /chosen
#
# Usage: build-images.sh ROOT KERNEL|debian OUT [ARM64_BUILD_DIR]
# Env:   VDISPLD_DEB=vdispld_*_arm64.deb: Dom0's vdispld comes from that
#        package (scripts/package.sh), not from the build tree
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
X86=$HERE/../realxen
ROOT=${1:?usage: build-images.sh ROOT KERNEL|debian OUT [ARM64_BUILD_DIR]}
KERNEL=${2:?}
OUT=${3:?}
BUILD=${4:-}
# shellcheck source=lib.sh
. "$HERE/lib.sh"
mkdir -p "$OUT"
XENBIN=/usr/lib/xen-4.17/bin

# The Debian kernel needs its Xen drivers as modules; the tier's own kernel
# has everything built in.
if [ "$KERNEL" = debian ]; then
	KVER=$(find "$ROOT/usr/lib/modules" -maxdepth 1 -name "*-arm64" -printf "%f\n" | head -n1)
	cp "$ROOT/boot/vmlinuz-$KVER" "$OUT/Image"
else
	cp "$KERNEL" "$OUT/Image"
fi
cp "$ROOT/boot/xen-4.17-arm64" "$OUT/xen"

build_dom0() {
	local d=$OUT/dom0.d p m
	rm -rf "$d"
	base_tree "$d"
	# Only what the test runs, with the libraries it needs (Weston's
	# package closure is ~700 MB: RDP, PipeWire, codecs).
	for p in "$XENBIN"/{xenstored,xen-init-dom0,xenconsoled,xl,xenconsole} \
		 /usr/bin/xenstore-{ls,list,rm,exists,watch,chmod} \
		 /usr/bin/{weston,weston-screenshooter,weston-debug,wayland-info}; do
		arm64_root_prog "$d" "${p#/}"
	done
	for m in libweston-10/headless-backend.so weston/desktop-shell.so \
		 weston-desktop-shell; do
		arm64_root_prog "$d" "usr/lib/aarch64-linux-gnu/$m"
	done
	# glibc dlopen()s libgcc_s for pthread_cancel (xl, libxenstore).
	cp -L "$ROOT/usr/lib/aarch64-linux-gnu/libgcc_s.so.1" "$d/usr/lib/aarch64-linux-gnu/"
	ln -sf "$XENBIN/xl" "$d/usr/sbin/xl"
	mkdir -p "$d"/{run,root,result,realxen} "$d"/var/{lib/xen,log/xen/console} \
		"$d"/etc/xen "$d/usr/share/X11"
	cp "$ROOT/etc/xen/xl.conf" "$d/etc/xen/xl.conf"
	# Weston builds an XKB context at start even without a seat.
	cp -r "$ROOT/usr/share/X11/xkb" "$d/usr/share/X11/xkb"
	ln -sfn ../run "$d/var/run"
	mkdir -p "$d/host"	# dom0-init.sh binds / there: dom0-zc.sh's sysroot
	ln -sf busybox "$d/usr/bin/env"
	if [ "$KERNEL" = debian ]; then
		copy_modules "$d" "$ROOT" "$KVER" xenfs xen-evtchn xen-gntdev \
			xen-gntalloc xen-privcmd
	fi
	if [ -n "${VDISPLD_DEB:-}" ]; then
		# As users install it: the package's files (binary, unit,
		# conffile, man pages), and the libraries it needs.
		dpkg-deb -x "$VDISPLD_DEB" "$OUT/deb.d"
		cp -a "$OUT/deb.d/etc/vdispld" "$d/etc/"
		arm64_copy_prog "$d" "$OUT/deb.d/usr/bin/vdispld" /usr/bin/vdispld
		rm -rf "$OUT/deb.d"
		echo "package $(basename "$VDISPLD_DEB")" > "$d/realxen/vdispld-source"
	elif [ -n "$BUILD" ]; then
		arm64_copy_prog "$d" "$BUILD/vdispld" /usr/bin/vdispld
		echo "build tree" > "$d/realxen/vdispld-source"
	fi
	if [ -n "$BUILD" ]; then
		arm64_copy_prog "$d" "$BUILD/tests/realxen/realxen_shot_check" \
			/usr/bin/realxen-shot-check
		arm64_copy_prog "$d" "$BUILD/tests/dmabuf-compositor/vdispld-test-compositor" \
			/usr/bin/vdispld-test-compositor
		# Weston's test-only input seat (dom0-input.sh), when the cross
		# build has it (libweston-10-dev:arm64 unpacked).
		if [ -f "$BUILD/weston-modules/vdispld-test-input.so" ]; then
			arm64_copy_prog "$d" "$BUILD/weston-modules/vdispld-test-input.so" \
				/usr/lib/aarch64-linux-gnu/weston/vdispld-test-input.so
			arm64_copy_prog "$d" "$BUILD/tests/realxen/realxen_input_cmd" \
				/usr/bin/realxen-input-cmd
		fi
	fi
	install -m 755 "$HERE/dom0-init.sh" "$d/init"
	install -m 644 "$HERE/../realxen/dom0-boot.sh" "$d/etc/dom0-boot.sh"
	# The procedure (dom0-zc.sh) on the x86 tier's helpers.
	install -m 755 "$HERE/dom0-zc.sh" "$d/realxen/dom0-zc.sh"
	cp "$X86/dom0-lib.sh" "$X86/dom0-input.sh" "$X86/dom0-shots.sh" "$d/realxen/"
	# The guest (same kernel) only when a guest runs.
	[ "${DOM0_MODE:-test}" = smoke ] || cp "$OUT/Image" "$OUT/domU.cpio.gz" "$d/realxen/"
	cat > "$d/realxen/weston.ini" <<-INI
	[core]
	shell=desktop-shell.so
	idle-time=0
	[shell]
	startup-animation=none
	animation=none
	panel-position=none
	locking=false
	background-color=0xff203040
	INI
	printf '[general]\nlog-level = debug\nstatus-interval = 5\nshell = xdg\n' \
		> "$d/realxen/vdispld.conf"
	# An arm64 guest is PVH-like ("pvh"); the same kernel as Dom0. domu
	# shows its own buffers (zero copy), domuba draws into vdispld's.
	guest_cfg "$d" domu "'backend=Domain-0,be-alloc=0,connectors=c0:800x600;c1:1024x768'" \
		"vkb = [ 'backend-type=linux,feature-abs-pointer=1,feature-multi-touch=1,multi-touch-width=1600,multi-touch-height=1200,multi-touch-num-contacts=10,unique-id=c0' ]"
	guest_cfg "$d" domuba "'backend=Domain-0,be-alloc=1,connectors=c0:800x600'" ""
	pack_cpio "$d" "$OUT/dom0.cpio.gz"
	rm -rf "$d"
}

# guest_cfg DEST NAME VDISPL EXTRA: an xl config in Dom0's /realxen.
guest_cfg() {
	cat > "$1/realxen/$2.cfg" <<-CFG
	name = "$2"
	type = "pvh"
	kernel = "/realxen/Image"
	ramdisk = "/realxen/domU.cpio.gz"
	extra = "console=hvc0 rdinit=/init loglevel=7 realxen.mode=test"
	memory = 256
	vcpus = 1
	on_reboot = "restart"
	vdispl = [ $3 ]
	$4
	CFG
}

# base_tree DEST: a merged-/usr root with busybox, the arm64 loader and
# xenstore-read/write (both images use them).
base_tree() {
	local d=$1 f
	mkdir -p "$d"/{dev,proc,sys,tmp,etc,usr/bin,usr/sbin,usr/lib}
	for f in bin sbin lib; do ln -s "usr/$f" "$d/$f"; done
	cp "$ROOT/usr/bin/busybox" "$d/usr/bin/busybox"
	ln -s busybox "$d/usr/bin/sh"
	for f in read write; do arm64_root_prog "$d" "usr/bin/xenstore-$f"; done
	: > "$d/etc/modules.load"
}

build_domu() {
	local d=$OUT/domU.d
	rm -rf "$d"
	base_tree "$d"
	arm64_root_prog "$d" usr/bin/modetest
	install -m 755 "$X86/domu-init.sh" "$d/init"
	pack_cpio "$d" "$OUT/domU.cpio.gz"
	rm -rf "$d"
}

# arm64_root_prog DEST PATH: a program of ROOT and the ROOT libraries it
# needs (transitively), plus the dynamic loader.
arm64_root_prog() {
	local dest=$1 path=$2 lib f sub dir=usr/lib/aarch64-linux-gnu
	local -a todo
	mkdir -p "$dest/$dir" "$dest/$(dirname "$path")"
	cp -L "$ROOT/$path" "$dest/$path"
	[ -e "$dest/usr/lib/ld-linux-aarch64.so.1" ] ||
		cp -L "$ROOT/usr/lib/ld-linux-aarch64.so.1" "$dest/usr/lib/"
	mapfile -t todo < <(arm64_needed "$ROOT/$path")
	while [ ${#todo[@]} -gt 0 ]; do
		lib=${todo[0]}
		todo=("${todo[@]:1}")
		# Weston's private library sits in its RUNPATH, weston/.
		for sub in "" weston/ ""; do [ -e "$ROOT/$dir/$sub$lib" ] && break; done
		[ -e "$dest/$dir/$sub$lib" ] && continue
		f=$ROOT/$dir/$sub$lib
		[ -e "$f" ] || { echo "realxen-arm64: no $lib in $ROOT" >&2; return 1; }
		mkdir -p "$dest/$dir/$sub"
		cp -L "$f" "$dest/$dir/$sub$lib"
		mapfile -t -O ${#todo[@]} todo < <(arm64_needed "$f")
	done
}

# QEMU's virt machine as the boot below configures it, and Xen's boot
# modules (kernel, Dom0 ramdisk) in /chosen.
build_dtb() {
	local ksize isize kaddr=0x50000000 iaddr
	ksize=$(stat -c %s "$OUT/Image")
	isize=$(stat -c %s "$OUT/dom0.cpio.gz")
	# The ramdisk 2 MiB-aligned above the kernel, with 2 MiB spare.
	iaddr=$(( (kaddr + ksize + 0x400000) & ~0x1fffff ))
	qemu-system-aarch64 "${QEMU_MACHINE[@]}" -nographic -nic none \
		-machine "dumpdtb=$OUT/virt.dtb" >/dev/null 2>&1
	cp "$OUT/virt.dtb" "$OUT/xen.dtb"
	fdtput -t i "$OUT/xen.dtb" /chosen '#address-cells' 2
	fdtput -t i "$OUT/xen.dtb" /chosen '#size-cells' 2
	fdtput -t s "$OUT/xen.dtb" /chosen xen,xen-bootargs \
		"console=dtuart dtuart=/pl011@9000000 dom0_mem=1024M dom0_max_vcpus=2 bootscrub=0"
	fdtput -t s "$OUT/xen.dtb" /chosen xen,dom0-bootargs \
		"console=hvc0 earlycon=xen rdinit=/init realxen.mode=${DOM0_MODE:-test}"
	fdtput -c "$OUT/xen.dtb" /chosen/module@0 /chosen/module@1
	fdtput -t s "$OUT/xen.dtb" /chosen/module@0 compatible multiboot,kernel multiboot,module
	fdtput -t x "$OUT/xen.dtb" /chosen/module@0 reg 0 "$(printf %x $kaddr)" 0 "$(printf %x "$ksize")"
	fdtput -t s "$OUT/xen.dtb" /chosen/module@1 compatible multiboot,ramdisk multiboot,module
	fdtput -t x "$OUT/xen.dtb" /chosen/module@1 reg 0 "$(printf %x $iaddr)" 0 "$(printf %x "$isize")"
	printf 'KADDR=0x%x\nIADDR=0x%x\n' "$kaddr" "$iaddr" > "$OUT/addrs"
}

build_domu
build_dom0
build_dtb
