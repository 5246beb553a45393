#!/bin/sh
# Checks systemd/vdispld.service with `systemd-analyze verify`. The unit's
# ExecStart names the installed /usr/bin/vdispld, which verify insists on
# finding, so a temporary copy points at the binary just built.
# Usage: verify_unit.sh UNIT BINARY. Exit 77 (skip) when the tools are
# missing; any complaint verify prints counts as a failure, since unknown
# keys only warn.
unit=$1
binary=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not installed"
	exit 77
fi
if [ ! -x "$binary" ]; then
	echo "SKIP: $binary not built (build target vdispld first)"
	exit 77
fi
dir=$(mktemp -d /tmp/vdispld-unit.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
sed "s|^ExecStart=/usr/bin/vdispld|ExecStart=$binary|" "$unit" >"$dir/vdispld.service"
grep -q "^ExecStart=$binary " "$dir/vdispld.service" || {
	echo "FAIL: no ExecStart=/usr/bin/vdispld line in $unit"
	exit 1
}
out=$(SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$dir/vdispld.service" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify (exit $rc):"
	echo "$out"
	exit 1
fi
grep -q '^Type=notify$' "$unit" || { echo "FAIL: unit is not Type=notify"; exit 1; }
echo "PASS: systemd-analyze verify found nothing to report"
