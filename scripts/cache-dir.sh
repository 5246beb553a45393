# shellcheck shell=bash
# Sourced: where vdispld's build and test scripts keep what they download
# or build once per machine (outside the repo): $VDISPLD_CACHE, else
# /var/cache/vdispld if writable, else ${XDG_CACHE_HOME:-~/.cache}/vdispld.
vdispld_cache() {
	if [ -n "${VDISPLD_CACHE:-}" ]; then
		echo "$VDISPLD_CACHE"
	elif mkdir -p /var/cache/vdispld 2>/dev/null && [ -w /var/cache/vdispld ]; then
		echo /var/cache/vdispld
	else
		echo "${XDG_CACHE_HOME:-$HOME/.cache}/vdispld"
	fi
}
