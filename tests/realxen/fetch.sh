#!/usr/bin/env bash
# Fetches the Debian packages the real-Xen tier boots (Xen hypervisor and
# toolstack, the distribution kernel, busybox, modetest) WITHOUT installing
# them: `apt-get download` into a cache, then `dpkg-deb -x` into one tree.
# Versions are whatever apt's candidate is today (the kernel ABI moves with
# security updates), so the tier always tests what a Debian 12 user gets.
#
# Usage: fetch.sh [CACHE_DIR]   (default $REALXEN_CACHE, else
#        ${XDG_CACHE_HOME:-$HOME/.cache}/vdispld-realxen)
# Prints the extracted root on the last line of stdout.
# Exit: 0 ready; 77 the packages can't be had (no apt, no network): the
# caller turns that into a ctest skip; 1 anything else.
# Package lists are space-separated words on purpose.
# shellcheck disable=SC2086,SC2046
set -euo pipefail

CACHE=${1:-${REALXEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdispld-realxen}}
DEBS=$CACHE/debs
ROOT=$CACHE/root
STAMP=$CACHE/root.stamp

say() { echo "realxen-fetch: $*" >&2; }
skip() { say "SKIP: $*"; exit 77; }

for tool in apt-get apt-cache dpkg-deb; do
	command -v "$tool" >/dev/null || skip "$tool not found (not a Debian host?)"
done

# The Xen library closure: every libxen* package the toolstack pulls in,
# followed transitively (libxenmisc4.17 carries libxenctrl/libxenlight).
# One apt-cache call per dependency level: each call costs ~0.8 s.
xen_lib_closure() {
	local level="$*" seen=" " d next
	while [ -n "$level" ]; do
		next=""
		for d in $(apt-cache depends $level 2>/dev/null |
			   awk '$1 == "Depends:" && $2 ~ /^libxen/ {print $2}' | sort -u); do
			case "$seen" in *" $d "*) continue ;; esac
			seen="$seen$d "
			next="$next $d"
		done
		level=$next
	done
	echo "$seen"
}

resolve_packages() {
	local abi
	abi=$(apt-cache depends linux-image-amd64 2>/dev/null |
	      awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
	[ -n "$abi" ] || return 1
	echo "$abi" busybox-static xen-hypervisor-4.17-amd64 xen-utils-4.17 \
		xen-utils-common xenstore-utils libyajl2 libdrm-tests \
		weston libweston-10-0 \
		$(xen_lib_closure xen-utils-4.17 xen-utils-common xenstore-utils)
}

# "package version_arch" for each argument (apt's candidate), in one call.
candidates() {
	apt-cache show --no-all-versions "$@" 2>/dev/null | awk '
		/^Package:/ {p = $2} /^Version:/ {v = $2}
		/^Architecture:/ {a = $2}
		/^$/ { if (p != "") { gsub(/:/, "%3a", v); print p, v "_" a }; p = "" }
		END { if (p != "") { gsub(/:/, "%3a", v); print p, v "_" a } }'
}

mkdir -p "$DEBS"
if ! pkgs=$(resolve_packages); then
	# Offline: a previous complete extraction is still a valid tree.
	if [ -f "$STAMP" ]; then
		say "apt can't resolve the packages; reusing $ROOT"
		echo "$ROOT"
		exit 0
	fi
	skip "apt-cache can't resolve linux-image-amd64 (run apt-get update?)"
fi

want=()
while read -r p vf; do
	want+=("${p}_${vf}.deb")
done < <(candidates $pkgs)
set -- $pkgs
[ ${#want[@]} -eq $# ] || skip "apt has no candidate for some of: $pkgs"

missing=()
for f in "${want[@]}"; do
	[ -s "$DEBS/$f" ] || missing+=("${f%%_*}")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "downloading ${missing[*]}"
	# apt-get download runs as any user and writes to the current dir.
	if ! (cd "$DEBS" && apt-get download -q "${missing[@]}" >&2); then
		[ -f "$STAMP" ] && { say "download failed; reusing $ROOT"; echo "$ROOT"; exit 0; }
		skip "apt-get download failed (network?)"
	fi
fi

# Re-extract only when the set of .debs changed.
list=$(printf '%s\n' "${want[@]}" | sort)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$list" ]; then
	say "extracting ${#want[@]} packages into $ROOT"
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	for f in "${want[@]}"; do
		dpkg-deb -x "$DEBS/$f" "$ROOT"
	done
	printf '%s\n' "$list" > "$STAMP"
fi
echo "$ROOT"
