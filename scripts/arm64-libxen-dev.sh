#!/usr/bin/env bash
# Unpacks libxen-dev:arm64 (headers, .so links, .pc files) into a cache
# without installing it: libxen-dev is not Multi-Arch: same, so installing
# the arm64 one would remove the host's amd64 one. The .pc files are
# rewritten to point into the unpacked tree; cmake/aarch64-linux-gnu.cmake
# puts its pkgconfig directory first. The shared libraries themselves come
# from the co-installable libxen*:arm64 runtime packages (deps-arm64.sh).
#
# Prints the unpacked root on stdout. Cache: $VDISPLD_CACHE, else
# /var/cache/vdispld if writable, else ${XDG_CACHE_HOME:-~/.cache}/vdispld.
# Exit 77 when apt can't provide the package.
set -euo pipefail

if [ -n "${VDISPLD_CACHE:-}" ]; then
	CACHE=$VDISPLD_CACHE
elif mkdir -p /var/cache/vdispld 2>/dev/null && [ -w /var/cache/vdispld ]; then
	CACHE=/var/cache/vdispld
else
	CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vdispld
fi
ROOT=$CACHE/arm64-libxen-dev
say() { echo "arm64-libxen-dev: $*" >&2; }

# The lead's /etc/apt/preferences.d pins libxen-dev:arm64 to -1 on shared
# machines (no candidate): take the first version apt lists.
ver=$(apt-cache show libxen-dev:arm64 2>/dev/null | awk '/^Version:/ {print $2; exit}')
if [ -z "$ver" ]; then
	[ -f "$ROOT/.version" ] && { echo "$ROOT"; exit 0; }
	say "SKIP: apt has no libxen-dev:arm64 (dpkg --add-architecture arm64; apt-get update)"
	exit 77
fi
if [ "$(cat "$ROOT/.version" 2>/dev/null)" = "$ver" ]; then
	echo "$ROOT"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "libxen-dev:arm64=$ver" >&2)
rm -rf "$ROOT"
mkdir -p "$ROOT"
dpkg-deb -x "$tmp"/libxen-dev_*_arm64.deb "$ROOT"
for pc in "$ROOT"/usr/lib/aarch64-linux-gnu/pkgconfig/*.pc; do
	sed -i "s|^prefix=.*|prefix=$ROOT/usr|; s|^libdir=/usr|libdir=$ROOT/usr|; s|^includedir=/usr|includedir=$ROOT/usr|" "$pc"
done
# The -dev .so links are relative; their targets are the installed
# libxen*:arm64 runtime packages' files.
for so in "$ROOT"/usr/lib/aarch64-linux-gnu/*.so; do
	[ -L "$so" ] && ln -sfn "/usr/lib/aarch64-linux-gnu/$(readlink "$so")" "$so"
done
echo "$ver" > "$ROOT/.version"
say "unpacked libxen-dev:arm64 $ver into $ROOT"
echo "$ROOT"
