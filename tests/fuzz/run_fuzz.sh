#!/bin/sh
# run_fuzz.sh <fuzzer> <seed-corpus-dir> <seconds> [libFuzzer options...]
#
# Runs every file of the seed corpus (crash-* reproducers included: they
# fail the run until the bug is fixed), then fuzzes for <seconds> with
# new inputs kept in a temporary directory, so the source tree is never
# written. Crash inputs land in $FUZZ_ARTIFACTS (default: the current
# directory, i.e. the ctest build folder). Exit status: the fuzzer's (0 = nothing found).
set -eu
fuzzer=$1 corpus=$2 seconds=$3
shift 3
[ -x "$fuzzer" ] || { echo "run_fuzz: no fuzzer $fuzzer" >&2; exit 77; }
[ -d "$corpus" ] || { echo "run_fuzz: no corpus $corpus" >&2; exit 77; }
work=$(mktemp -d /tmp/vdispld-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/new"
# Seeds one by one first: a reproducer must fail loudly, by name.
for f in "$corpus"/*; do
	[ -f "$f" ] || continue
	if ! "$fuzzer" -rss_limit_mb=2048 "$f" >"$work/seed.log" 2>&1; then
		cat "$work/seed.log" >&2
		echo "run_fuzz: $(basename "$f") fails" >&2
		exit 1
	fi
done
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-error_exitcode=1 \
	-print_final_stats=1 \
	-artifact_prefix="${FUZZ_ARTIFACTS:-$PWD}/$(basename "$fuzzer")-" "$@" \
	"$work/new" "$corpus"
