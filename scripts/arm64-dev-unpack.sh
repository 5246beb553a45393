#!/usr/bin/env bash
# Unpacks the arm64 -dev packages that cannot be installed next to the
# amd64 ones into one cache tree (headers, .so links, .pc files), without
# installing them:
#   libxen-dev                 not Multi-Arch: same (installing it removes
#                              the amd64 one); required
#   libinput-dev libudev-dev   installing them pulls libwacom-dev,
#                              libglib2.0-dev... for arm64; without them the
#                              cross build leaves out src/input
#   libweston-10-dev and its   not Multi-Arch: same; without them the cross
#   libweston-10-0 runtime     build leaves out the test-only Weston modules
#                              (the arm64 tier's input seat)
# The .pc files are rewritten to point into the tree, whose pkgconfig
# directory cmake/aarch64-linux-gnu.cmake puts first. The .so links point
# at the co-installed :arm64 runtime packages (deps-arm64.sh), or into the
# tree for libweston, whose runtime is not installable either.
#
# Prints the tree's root on stdout. Cache: $VDISPLD_CACHE, else
# /var/cache/vdispld if writable, else ${XDG_CACHE_HOME:-~/.cache}/vdispld.
# Exit 77 when apt can't provide libxen-dev:arm64.
set -euo pipefail

# shellcheck source=cache-dir.sh
. "$(dirname "$0")/cache-dir.sh"
CACHE=$(vdispld_cache)
ROOT=$CACHE/arm64-dev
LIB=usr/lib/aarch64-linux-gnu
say() { echo "arm64-dev-unpack: $*" >&2; }

# apt_ver PKG: the first version apt lists. On shared machines a pin in
# /etc/apt/preferences.d gives the non-co-installable ones no candidate,
# but apt-get download still takes an explicit version.
apt_ver() { apt-cache show "$1:arm64" 2>/dev/null | awk '/^Version:/ {print $2; exit}'; }
# installed_ver PKG: the installed :arm64 runtime's version, which the -dev
# package must match.
installed_ver() { dpkg-query -W -f='${Version}' "$1:arm64" 2>/dev/null || true; }

# The wanted set, as "package=version" words; optional ones are left out
# (with a note) when their version is unknown.
want=""
v=$(apt_ver libxen-dev)
if [ -z "$v" ]; then
	[ -f "$ROOT/.version" ] && { echo "$ROOT"; exit 0; }
	say "SKIP: apt has no libxen-dev:arm64 (dpkg --add-architecture arm64; apt-get update)"
	exit 77
fi
want="libxen-dev=$v"
for pair in libinput-dev:libinput10 libudev-dev:libudev1; do
	v=$(installed_ver "${pair#*:}")
	if [ -n "$v" ]; then want="$want ${pair%:*}=$v"; else say "no ${pair#*:}:arm64 installed: ${pair%:*} left out"; fi
done
v=$(apt_ver libweston-10-dev)
if [ -n "$v" ]; then want="$want libweston-10-dev=$v libweston-10-0=$v"; else say "apt has no libweston-10-dev:arm64: left out"; fi

if [ "$(cat "$ROOT/.version" 2>/dev/null)" = "$want" ]; then
	echo "$ROOT"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
got=""
for pv in $want; do
	if (cd "$tmp" && apt-get download -q "${pv%%=*}:arm64=${pv#*=}" >&2); then
		got="$got $pv"
	elif [ "${pv%%=*}" = libxen-dev ]; then
		say "SKIP: apt can't download libxen-dev:arm64"
		exit 77
	else
		say "apt can't download ${pv%%=*}:arm64: left out"
	fi
done
rm -rf "$ROOT"
mkdir -p "$ROOT"
for deb in "$tmp"/*_arm64.deb; do
	dpkg-deb -x "$deb" "$ROOT"
done
for pc in "$ROOT/$LIB"/pkgconfig/*.pc; do
	sed -i "s|^prefix=.*|prefix=$ROOT/usr|; s|^libdir=/usr|libdir=$ROOT/usr|; s|^includedir=/usr|includedir=$ROOT/usr|" "$pc"
done
# The -dev .so links are relative: keep those whose target is in the tree
# (libweston), point the others at the installed runtime's file.
for so in "$ROOT/$LIB"/*.so; do
	[ -L "$so" ] && [ ! -e "$so" ] && ln -sfn "/$LIB/$(readlink "$so")" "$so"
done
echo "$want" > "$ROOT/.version"
say "unpacked (arm64)$got into $ROOT"
echo "$ROOT"
