#!/bin/sh
# Builds vdispld RelWithDebInfo in build-bench and runs the benchmark suite
# (about 4-5 minutes). Results: Markdown on stdout, CSV in
# build-bench/bench/results.csv; plot with bench/plot.py.
# usage: bench/run.sh [seconds per window (3)] [--windows N (3)] [--only SUBSTRING]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$src/build-bench}
secs=${1:-3}
[ $# -gt 0 ] && shift
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
make -C "$build" vdispld vdispld-test-compositor vdispld_bench \
    bench_malloc_count xensim_xengnttab xensim_xenevtchn -j"$(nproc)" >/dev/null
exec "$build/bench/vdispld_bench" "$build/vdispld" \
    "$build/tests/dmabuf-compositor/vdispld-test-compositor" \
    "$build/bench/malloc_count.so" --secs "$secs" \
    --csv "$build/bench/results.csv" "$@" 2>"$build/bench/stderr.log"
