#!/usr/bin/env bash
# Fetches the arm64 Debian packages the arm64 real-Xen tier boots, WITHOUT
# installing them (nothing arm64 runs on the host): Xen 4.17 for arm64, its
# toolstack, busybox, Weston 10 (headless, pixman) with its clients, and
# modetest, each with its arm64 dependency closure; `apt-get download` into
# a cache, then `dpkg-deb -x` into one merged-/usr tree.
#
# Some of these (weston, libweston-10-0, libxen-dev) are pinned to -1 on
# shared machines so that apt never INSTALLS the arm64 ones over the amd64
# ones (they are not Multi-Arch: same). Downloading is harmless: the apt
# calls here read no preferences.
#
# Usage: fetch.sh [CACHE_DIR]   (default $VDISPLD_CACHE/arm64-root, else
#        /var/cache/vdispld/arm64-root, else ~/.cache/vdispld/arm64-root)
# Env:   ARM64_DEBIAN_KERNEL=1 also fetches Debian's arm64 kernel (the
#        boot-only smoke test uses it when the tier's kernel isn't built).
# Prints the extracted root on the last line of stdout.
# Exit: 0 ready; 77 the packages can't be had (no apt, no arm64 lists, no
# network); 1 anything else.
# shellcheck disable=SC2086
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
CACHE=${1:-$(vdispld_cache)/arm64-root}
DEBS=$CACHE/debs
ROOT=$CACHE/root
STAMP=$CACHE/root.stamp

say() { echo "realxen-arm64-fetch: $*" >&2; }
skip() { say "SKIP: $*"; exit 77; }

for tool in apt-get apt-cache dpkg-deb; do
	command -v "$tool" >/dev/null || skip "$tool not found (not a Debian host?)"
done
nopins=$(mktemp -d)
trap 'rmdir "$nopins"' EXIT
APT=(-o "Dir::Etc::PreferencesParts=$nopins" -o "Dir::Etc::Preferences=/dev/null")

WANT="xen-hypervisor-4.17-arm64:arm64 xen-utils-4.17:arm64 xenstore-utils:arm64
      busybox-static:arm64 weston:arm64 wayland-utils:arm64 libdrm-tests:arm64"
if [ "${ARM64_DEBIAN_KERNEL:-0}" = 1 ]; then
	abi=$(apt-cache "${APT[@]}" depends linux-image-arm64:arm64 2>/dev/null |
	      awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
	[ -n "$abi" ] && WANT="$WANT ${abi%:arm64}:arm64"
fi
# Never needed in the images (maintainer-script and interpreter packages
# that arch-all dependencies drag in).
DENY='^(perl|perl-base|perl-modules-.*|libperl.*|python3.*|libpython3.*|dpkg|debconf|cdebconf|install-info|adduser|udev|passwd|tar|ucf|sensible-utils|lsb-base|sysvinit-utils|mime-support|mailcap|media-types|x11-common|readline-common|init-system-helpers|libdebian-installer4|libnewt0.52|libslang2|libtextwrap1)$'

# The closure: every arm64 package, plus the Architecture: all ones that
# have no arm64 twin (xkb-data, xen-utils-common, libdrm-common...).
resolve() {
	local all p
	all=$(apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances $WANT 2>/dev/null |
		grep -v '^[ <]' | sort -u) || return 1
	[ -n "$all" ] || return 1
	for p in $all; do
		case "$p" in *:arm64) echo "$p"; continue ;; esac
		echo "$all" | grep -qx "$p:arm64" && continue
		echo "$p"
	done | while read -r p; do
		echo "${p%:arm64}" | grep -Eq "$DENY" && continue
		echo "$p"
	done
}

# "package file.deb" (apt's candidate, arch all or arm64), in one call.
candidates() {
	apt-cache "${APT[@]}" show --no-all-versions "$@" 2>/dev/null | awk '
		/^Package:/ {p = $2} /^Version:/ {v = $2} /^Architecture:/ {a = $2}
		/^$/ { if (p != "") { gsub(/:/, "%3a", v); print p, p "_" v "_" a ".deb" }; p = "" }
		END { if (p != "") { gsub(/:/, "%3a", v); print p, p "_" v "_" a ".deb" } }'
}

mkdir -p "$DEBS"
if ! pkgs=$(resolve); then
	[ -f "$STAMP" ] && { say "apt can't resolve the packages; reusing $ROOT"; echo "$ROOT"; exit 0; }
	skip "apt-cache can't resolve the arm64 packages (dpkg --add-architecture arm64; apt-get update)"
fi

want=() missing=()
while read -r p f; do
	case "$f" in *_arm64.deb|*_all.deb) ;; *) continue ;; esac
	want+=("$f")
	[ -s "$DEBS/$f" ] || missing+=("$p:${f##*_}")
done < <(candidates $pkgs)
missing=("${missing[@]/%:arm64.deb/:arm64}")
missing=("${missing[@]/%:all.deb/}")
if [ ${#missing[@]} -gt 0 ]; then
	say "downloading ${#missing[@]} packages"
	if ! (cd "$DEBS" && apt-get "${APT[@]}" download -q "${missing[@]}" >&2); then
		[ -f "$STAMP" ] && { say "download failed; reusing $ROOT"; echo "$ROOT"; exit 0; }
		skip "apt-get download failed (network?)"
	fi
fi

list=$(printf '%s\n' "${want[@]}" | sort)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$list" ]; then
	say "extracting ${#want[@]} packages into $ROOT"
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	for f in "${want[@]}"; do
		dpkg-deb -x "$DEBS/$f" "$ROOT"
	done
	merge_usr "$ROOT"
	printf '%s\n' "$list" > "$STAMP"
fi
echo "$ROOT"
