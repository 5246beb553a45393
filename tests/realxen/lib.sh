# shellcheck shell=bash
# Helpers shared by the real-Xen tier's scripts: copy programs into a tree
# (an initramfs, or the read-only sysroot Dom0 chroots into) together with
# exactly the shared libraries the dynamic loader would pick.

# LIB_PATH: extra library dirs searched before the host's (the extracted
# Debian packages), so Xen's own libraries win over anything else.
LIB_PATH=${LIB_PATH:-}

# Makes DEST look like a merged-/usr Debian root, so that programs and the
# loader find things where they were built to look.
tree_init() {
	local dest=$1
	mkdir -p "$dest"/{usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,lib64}
	mkdir -p "$dest"/{dev,proc,sys,run,tmp,etc,root,mnt}
	[ -e "$dest/lib" ] || ln -s usr/lib "$dest/lib"
	[ -e "$dest/bin" ] || ln -s usr/bin "$dest/bin"
	[ -e "$dest/sbin" ] || ln -s usr/sbin "$dest/sbin"
	[ -e "$dest/var" ] || mkdir -p "$dest/var"
	[ -e "$dest/var/run" ] || ln -s ../run "$dest/var/run"
}

# The libraries `ldd` resolves for FILE (plus the loader), one path a line.
libs_of() {
	LD_LIBRARY_PATH=$LIB_PATH ldd "$1" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// {print $3}
		$1 ~ /^\/.*ld-linux/ {print $1}'
}

# copy_lib DEST LIB: multiarch libraries all go to usr/lib/<triplet> (the
# loader's built-in search path), the loader to its fixed path.
copy_lib() {
	local dest=$1 lib=$2 name
	name=$(basename "$lib")
	case "$name" in
	ld-linux*) cp -L "$lib" "$dest/lib64/$name" ;;
	*) [ -e "$dest/usr/lib/x86_64-linux-gnu/$name" ] ||
		cp -L "$lib" "$dest/usr/lib/x86_64-linux-gnu/$name" ;;
	esac
}

# copy_prog DEST SRC [PATH_IN_DEST]: a program or plugin and its libraries.
copy_prog() {
	local dest=$1 src=$2 path=${3:-$2} lib
	[ -e "$src" ] || { echo "realxen: missing $src" >&2; return 1; }
	mkdir -p "$dest/$(dirname "$path")"
	cp -L "$src" "$dest/$path"
	for lib in $(libs_of "$src"); do
		copy_lib "$dest" "$lib"
	done
}

# copy_modules DEST ROOT KVER MODULE...: the modules with their
# dependencies (from ROOT's kernel package) and DEST/etc/modules.load, the
# insmod lines in load order: busybox insmod needs no modules.dep then.
copy_modules() {
	local dest=$1 root=$2 kver=$3 m line ko
	shift 3
	local mdir=$root/lib/modules/$kver
	if [ ! -s "$mdir/modules.dep" ] || [ "$mdir/modules.order" -nt "$mdir/modules.dep" ]; then
		depmod -b "$root" "$kver"
	fi
	: > "$dest/etc/modules.load"
	for m in "$@"; do
		modprobe -d "$root" -S "$kver" --show-depends "$m" |
		while read -r line; do
			case "$line" in
			builtin*) continue ;;
			insmod*) ko=${line#insmod }; ko=${ko%% *} ;;
			*) continue ;;
			esac
			ko=${ko#"$root"}
			grep -qxF "insmod $ko" "$dest/etc/modules.load" && continue
			mkdir -p "$dest/$(dirname "$ko")"
			cp "$root/$ko" "$dest/$ko"
			echo "insmod $ko" >> "$dest/etc/modules.load"
		done
	done
}

# pack_cpio DIR OUT: a gzip'ed newc initramfs of DIR.
pack_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
		gzip -1 > "$2"
}
