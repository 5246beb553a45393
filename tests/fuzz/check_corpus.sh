#!/bin/sh
# check_corpus.sh: the committed seed corpora (corpus/*/seed-*) are exactly
# what make_corpus.py writes from files in this repository
# (tests/data/real-xen/ for the recorded sessions). Fails on a seed that
# differs, is missing or is no longer written. crash-* reproducers are not
# generated and not compared. Exit 77 (skip) without python3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not installed (make_corpus.py needs it)"
	exit 77
fi
out=$(mktemp -d /tmp/vdispld-corpus.XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT
python3 "$here/make_corpus.py" "$out" || {
	echo "FAIL: make_corpus.py failed"
	exit 1
}
bad=0
for rel in $( (cd "$out" && ls -d */seed-*; cd "$here/corpus" && ls -d */seed-*) |
	sort -u); do
	if ! cmp -s "$out/$rel" "$here/corpus/$rel"; then
		echo "FAIL: corpus/$rel is not what make_corpus.py writes" \
			"(missing, stale or different)"
		bad=1
	fi
done
[ $bad -eq 0 ] || exit 1
echo "PASS: $(ls "$out"/*/seed-* | wc -l) seeds, all as make_corpus.py writes them"
