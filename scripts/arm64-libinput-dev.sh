#!/usr/bin/env bash
# Unpacks libinput-dev:arm64 and libudev-dev:arm64 (headers, .so links,
# .pc files) into a cache without installing them: installing pulls
# libwacom-dev, libglib2.0-dev and pkg-config for arm64 with them, none of
# which the cross build needs. The .pc files are rewritten to point into
# the unpacked tree; cmake/aarch64-linux-gnu.cmake adds its pkgconfig
# directory when it exists. The shared libraries come from the installed
# libinput10:arm64 and libudev1:arm64 runtime packages (deps-arm64.sh).
# Without it the cross build leaves out src/input (no libinput source).
#
# Prints the unpacked root on stdout. Exit 77 when apt can't provide the
# packages (or arm64-libxen-dev.sh can't).
set -euo pipefail

# Next to arm64-libxen-dev in the same cache, where the toolchain file
# looks for it.
XEN_ROOT=$("$(dirname "$0")/arm64-libxen-dev.sh")
ROOT=$(dirname "$XEN_ROOT")/arm64-libinput-dev
PKGS="libinput-dev libudev-dev"
say() { echo "arm64-libinput-dev: $*" >&2; }

# The installed runtime's version: the -dev links must point at it.
ver=""
for p in $PKGS; do
	rt=$(case $p in libinput-dev) echo libinput10 ;; *) echo libudev1 ;; esac)
	v=$(dpkg-query -W -f='${Version}' "$rt:arm64" 2>/dev/null || true)
	[ -n "$v" ] || { say "SKIP: $rt:arm64 is not installed (scripts/deps-arm64.sh)"; exit 77; }
	ver="$ver $p=$v"
done
if [ "$(cat "$ROOT/.version" 2>/dev/null)" = "$ver" ]; then
	echo "$ROOT"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pv in $ver; do
	(cd "$tmp" && apt-get download -q "${pv%%=*}:arm64=${pv#*=}" >&2) ||
		{ say "SKIP: apt can't download ${pv%%=*}:arm64"; exit 77; }
done
rm -rf "$ROOT"
mkdir -p "$ROOT"
for deb in "$tmp"/*_arm64.deb; do
	dpkg-deb -x "$deb" "$ROOT"
done
for pc in "$ROOT"/usr/lib/aarch64-linux-gnu/pkgconfig/*.pc; do
	sed -i "s|^prefix=.*|prefix=$ROOT/usr|; s|^libdir=/usr|libdir=$ROOT/usr|; s|^includedir=/usr|includedir=$ROOT/usr|" "$pc"
done
for so in "$ROOT"/usr/lib/aarch64-linux-gnu/*.so; do
	[ -L "$so" ] && ln -sfn "/usr/lib/aarch64-linux-gnu/$(readlink "$so")" "$so"
done
echo "$ver" > "$ROOT/.version"
say "unpacked$ver (arm64) into $ROOT"
echo "$ROOT"
