# shellcheck shell=bash
# Helpers shared by the arm64 real-Xen tier's scripts. Shared with the x86
# tier through tests/realxen/lib.sh (copy_modules, pack_cpio), sourced here.
ARM64_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../realxen/lib.sh
. "$ARM64_LIB_DIR/../realxen/lib.sh"

# The machine QEMU emulates (build-images.sh dumps its device tree with
# the same arguments run.sh boots it with).
# shellcheck disable=SC2034,SC2054
QEMU_MACHINE=(-machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 -m 2048 -smp 2)

# Where the arm64 kernel, packages and images are cached (outside the repo).
# shellcheck source=../../scripts/cache-dir.sh
. "$ARM64_LIB_DIR/../../scripts/cache-dir.sh"

# merge_usr ROOT: Debian 12 packages still ship some files under /bin,
# /sbin and /lib; fold them into usr/ and leave the usual symlinks.
merge_usr() {
	local root=$1 d
	for d in bin sbin lib; do
		mkdir -p "$root/usr/$d"
		if [ -d "$root/$d" ] && [ ! -L "$root/$d" ]; then
			cp -a "$root/$d/." "$root/usr/$d/"
			rm -rf "${root:?}/$d"
		fi
		[ -e "$root/$d" ] || ln -s "usr/$d" "$root/$d"
	done
}

# arm64_needed FILE: the DT_NEEDED sonames of an arm64 ELF file.
arm64_needed() {
	aarch64-linux-gnu-readelf -d "$1" 2>/dev/null |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# arm64_copy_prog DEST SRC PATH_IN_DEST: an arm64 program (cross-built here)
# and the libraries DEST lacks, transitively, from the host's multiarch
# /usr/lib/aarch64-linux-gnu. No ldd: nothing arm64 runs on the host.
arm64_copy_prog() {
	local dest=$1 src=$2 path=$3 lib f dir=usr/lib/aarch64-linux-gnu
	local -a todo
	mkdir -p "$dest/$(dirname "$path")" "$dest/$dir"
	cp -L "$src" "$dest/$path"
	mapfile -t todo < <(arm64_needed "$src")
	while [ ${#todo[@]} -gt 0 ]; do
		lib=${todo[0]}
		todo=("${todo[@]:1}")
		[ -e "$dest/$dir/$lib" ] && continue
		f=/usr/lib/aarch64-linux-gnu/$lib
		[ -e "$f" ] || f=/lib/aarch64-linux-gnu/$lib
		[ -e "$f" ] || { echo "realxen-arm64: no arm64 $lib for $src" >&2; return 1; }
		cp -L "$f" "$dest/$dir/$lib"
		mapfile -t -O ${#todo[@]} todo < <(arm64_needed "$f")
	done
}
