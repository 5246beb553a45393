#!/usr/bin/env bash
# Builds the one arm64 kernel Image the arm64 real-Xen tier boots as Dom0 and
# as the guest, from Debian's linux-source-6.1:
#   allnoconfig + kernel/configs/xen.config + kernel.config (this directory)
# merged with scripts/kconfig/merge_config.sh, cross-compiled with
# gcc-aarch64-linux-gnu at nice 19.
#
# The result is cached outside the repo, keyed by a hash of the config
# fragment, the source package version and the cross compiler version:
#   $CACHE/arm64-kernel-<hash>/Image   (CACHE: $VDISPLD_CACHE, else
#   /var/cache/vdispld if writable, else ${XDG_CACHE_HOME:-~/.cache}/vdispld)
# A second run with nothing changed prints the cached Image at once.
#
# Usage: build-kernel.sh            prints the Image path on the last line
# Env:   KBUILD_JOBS (default 2)
# Exit:  0 built or cached; 77 the source or the cross compiler is missing
#        (run scripts/deps-arm64.sh --full); 1 the build failed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
FRAGMENT=$HERE/kernel.config
TARBALL=/usr/src/linux-source-6.1.tar.xz
CROSS=aarch64-linux-gnu-
JOBS=${KBUILD_JOBS:-2}

say() { echo "arm64-kernel: $*" >&2; }
skip() { say "SKIP: $*"; exit 77; }

# shellcheck source=../../scripts/cache-dir.sh
. "$(dirname "$0")/../../scripts/cache-dir.sh"
CACHE=$(vdispld_cache)

[ -f "$TARBALL" ] || skip "$TARBALL missing (apt-get install linux-source-6.1)"
command -v "${CROSS}gcc" >/dev/null || skip "${CROSS}gcc missing (apt-get install gcc-aarch64-linux-gnu)"
for t in flex bison bc make; do
	command -v "$t" >/dev/null || skip "$t missing (scripts/deps-arm64.sh --full)"
done

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %Y "$TARBALL")
gccver=$("${CROSS}gcc" -dumpfullversion)
key=$( { cat "$FRAGMENT"; echo "src=$srcver gcc=$gccver"; } | sha256sum | cut -c1-16)
OUT=$CACHE/arm64-kernel-$key
IMAGE=$OUT/Image

mkdir -p "$CACHE"
exec 9>"$CACHE/arm64-kernel.lock"
flock 9		# one build at a time per machine; a waiter then finds it cached

if [ -s "$IMAGE" ]; then
	say "cached: $IMAGE ($(cat "$OUT/build-seconds" 2>/dev/null || echo '?') s to build)"
	echo "$IMAGE"
	exit 0
fi

SRC=$CACHE/linux-source-$srcver
if [ ! -f "$SRC/.extracted" ]; then
	say "extracting $TARBALL into $SRC"
	rm -rf "$SRC"
	mkdir -p "$SRC"
	tar -xf "$TARBALL" -C "$SRC" --strip-components=1
	touch "$SRC/.extracted"
fi

BUILD=$OUT/build
mkdir -p "$BUILD"
mk() { nice -n 19 make -C "$SRC" O="$BUILD" ARCH=arm64 CROSS_COMPILE=$CROSS "$@"; }

start=$(date +%s)
say "configuring in $BUILD (allnoconfig + xen.config + $(basename "$FRAGMENT"))"
mk allnoconfig >"$OUT/build.log" 2>&1
(cd "$BUILD" && ARCH=arm64 "$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" \
	"$BUILD/.config" "$SRC/kernel/configs/xen.config" "$FRAGMENT") >>"$OUT/build.log" 2>&1
mk olddefconfig >>"$OUT/build.log" 2>&1

# Every =y line of the fragment must have survived (a missing dependency
# silently drops an option otherwise).
lost=""
while IFS= read -r line; do
	case "$line" in CONFIG_*=y) grep -qx "$line" "$BUILD/.config" || lost="$lost ${line%%=*}" ;; esac
done < "$FRAGMENT"
if [ -n "$lost" ]; then
	say "FAIL: options dropped by Kconfig:$lost"
	exit 1
fi

say "building Image with -j$JOBS at nice 19 (log: $OUT/build.log)"
if ! mk -j"$JOBS" Image >>"$OUT/build.log" 2>&1; then
	tail -30 "$OUT/build.log" >&2
	say "FAIL: kernel build failed"
	exit 1
fi
secs=$(( $(date +%s) - start ))
cp "$BUILD/arch/arm64/boot/Image" "$IMAGE.tmp"
cp "$BUILD/.config" "$OUT/config"
echo "$secs" > "$OUT/build-seconds"
objs=$(find "$BUILD" -name '*.o' | wc -l)
echo "$objs" > "$OUT/objects"
mv "$IMAGE.tmp" "$IMAGE"
say "built $IMAGE in ${secs} s ($objs objects, -j$JOBS)"
echo "$IMAGE"
