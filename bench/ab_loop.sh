#!/bin/sh
# A/B benchmark of vdispld's event loop: epoll (A) against sd-event (B).
#
# Builds one commit that has both implementations (-DVDISPLD_LOOP=epoll
# and =sdevent) in a temporary worktree, then runs the flip benchmark on
# each daemon in turn, A B, B A, A B ..., so the machine's load falls on both
# alike. The simulator, the compositor and the benchmark are A's in every
# run: only the daemon differs. Two scenarios: "unthr 1x1080p zc" (the
# backend's CPU per flip; its strace row gives syscalls per flip) and
# "60Hz 8x2 1080p zc" (16 connectors paced at 60 Hz: the timers' share).
# Each run measures the flip's skeleton first (bench/bench_skeleton.c,
# the host's floor at that moment); the ratio vdispld / skeleton takes
# out part of the host's drift. Prints each run and, per scenario and
# side, mean, stdev and min-max of the CPU per flip (median window and
# best window) and of that ratio; the figures are in docs/performance.md
# ("The event loop: epoll or sd-event").
#
# usage: bench/ab_loop.sh [pairs (5)] [seconds per window (3)]
#   AB_COMMIT  the commit to build (default: the recorded one below)
#   AB_DIR     where to build (default: a new directory under /tmp; the
#              sources are a git worktree there: `git worktree remove
#              $AB_DIR/src` when done)
#   AB_ONLY    one of the two scenarios only
set -eu
pairs=${1:-5}
secs=${2:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
# The last commit with both loops (src/loop.c and src/loop_sdevent.c).
commit=${AB_COMMIT:-dc7d821da87b1d56ae6968d55a9f44cbb038f2ae}
dir=${AB_DIR:-$(mktemp -d /tmp/vdispld-ab.XXXXXX)}
tree=$dir/src

if [ ! -d "$tree" ]; then
	git -C "$src" worktree add --detach "$tree" "$commit" >/dev/null
fi
for side in epoll sdevent; do
	cmake -S "$tree" -B "$dir/$side" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DVDISPLD_LOOP="$side" >/dev/null
done
make -C "$dir/epoll" vdispld vdispld-test-compositor vdispld_bench \
    bench_malloc_count xensim_xengnttab xensim_xenevtchn -j2 >/dev/null
make -C "$dir/sdevent" vdispld -j2 >/dev/null

rig=$dir/epoll
csv=$dir/runs.csv
echo "scenario,pair,side,cpu_us_per_flip,cpu_pct,flips_per_s,lat_p99_us,syscalls_per_flip,best_window,skeleton,ratio" >"$csv"

# run SIDE PAIR SCENARIO: one benchmark run, one CSV line.
run() {
	out=$dir/run-$(echo "$3" | tr -c 'a-z0-9\n' _)-$2-$1.md
	"$rig/bench/vdispld_bench" "$dir/$1/vdispld" \
	    "$rig/tests/dmabuf-compositor/vdispld-test-compositor" \
	    "$rig/bench/malloc_count.so" --secs "$secs" --only "$3" \
	    --csv "$dir/one.csv" >"$out" 2>"$dir/stderr-$2-$1.log" || {
		echo "ab_loop: $1 run $2 ($3) failed: see $dir" >&2
		exit 1
	}
	sys=$(sed -n 's/.*syscalls per flip: \*\*\([0-9.]*\)\*\*.*/\1/p' "$out")
	# The CPU cells: "median (best-worst)", in us (unthrottled) or % of
	# a core (60 Hz); the skeleton's reading in the same unit.
	case $3 in
	unthr*) col=6 skel=$(sed -n 's/.*backend.s CPU per flip \([0-9.]*\) us.*/\1/p' "$out") ;;
	*) col=7 skel=$(sed -n 's/.*backend.s CPU \([0-9.]*\) % of a core.*/\1/p' "$out") ;;
	esac
	best=$(awk -F'|' -v sc="$3" -v c="$col" '$2 == " " sc " " {
		split($c, a, /[(-]/); print a[2] + 0 }' "$out")
	awk -F, -v sc="$3" -v p="$2" -v s="$1" -v sys="${sys:--}" \
	    -v best="$best" -v skel="${skel:-0}" -v col="$col" \
	    '$1 == sc { v = col == 6 ? $11 : $12
		print sc "," p "," s "," $11 "," $12 "," $7 "," $9 "," sys "," \
		    best "," skel "," (skel > 0 ? sprintf("%.3f", v / skel) : "-") }' \
	    "$dir/one.csv" | tee -a "$csv"
}

for sc in "unthr 1x1080p zc" "60Hz 8x2 1080p zc"; do
	[ -n "${AB_ONLY:-}" ] && [ "$AB_ONLY" != "$sc" ] && continue
	i=1
	while [ "$i" -le "$pairs" ]; do
		# Odd pairs A B, even pairs B A: neither side always runs first.
		if [ $((i % 2)) = 1 ]; then
			run epoll "$i" "$sc"
			run sdevent "$i" "$sc"
		else
			run sdevent "$i" "$sc"
			run epoll "$i" "$sc"
		fi
		i=$((i + 1))
	done
done

echo
echo "| scenario | loop | runs | CPU/flip us (median window): mean | stdev | min-max | best window: mean | stdev | % of a core: mean | stdev | / skeleton: mean | stdev | syscalls/flip |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -F, '
function add(name, v) { S[name, k] += v; Q[name, k] += v * v }
function mean(name) { return S[name, k] / n[k] }
function sd(name,   m, v) {
	if (n[k] < 2) return 0
	m = mean(name); v = (Q[name, k] - n[k] * m * m) / (n[k] - 1)
	return v > 0 ? sqrt(v) : 0
}
NR > 1 {
	k = $1 SUBSEP $3; n[k]++
	add("cpu", $4); add("pct", $5); add("best", $9); add("ratio", $11)
	if (!(k in lo) || $4 < lo[k]) lo[k] = $4
	if (!(k in hi) || $4 > hi[k]) hi[k] = $4
	if ($8 != "-") { sy[k] += $8; ns[k]++ }
	if (!(k in seen)) { seen[k] = 1; order[++m] = k }
} END {
	for (i = 1; i <= m; i++) {
		k = order[i]; split(k, f, SUBSEP)
		printf "| %s | %s | %d | %.2f | %.2f | %.2f-%.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %.3f | %s |\n",
		    f[1], f[2], n[k], mean("cpu"), sd("cpu"), lo[k], hi[k],
		    mean("best"), sd("best"), mean("pct"), sd("pct"),
		    mean("ratio"), sd("ratio"),
		    ns[k] ? sprintf("%.2f", sy[k] / ns[k]) : "-"
	}
}' "$csv"
echo
echo "runs: $csv"
