#!/bin/sh
# The unit's sandbox, measured: `systemd-analyze security --offline=yes`
# must rate systemd/vdispld.service at or below MAX (docs/service.md
# records the measured score and what is left). Exit 77 (skip) where
# systemd-analyze is missing or too old for --offline (systemd < 252).
# Usage: unit_security.sh UNIT MAX
unit=$1
max=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not installed"
	exit 77
fi
out=$(SYSTEMD_LOG_COLOR=0 SYSTEMD_COLORS=0 systemd-analyze security \
	--offline=yes --no-pager "$unit" 2>&1)
rc=$?
score=$(printf '%s\n' "$out" |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
	if printf '%s\n' "$out" | grep -q "unrecognized option\|--offline"; then
		echo "SKIP: this systemd-analyze has no --offline"
		exit 77
	fi
	echo "FAIL: no exposure score (exit $rc):"
	printf '%s\n' "$out"
	exit 1
fi
echo "exposure score of $(basename "$unit"): $score (allowed <= $max)"
if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s > m) }'; then
	echo "FAIL: the unit lost hardening; what systemd-analyze flags:"
	printf '%s\n' "$out" | grep '✗'
	exit 1
fi
echo "PASS"
