#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds the normal and the
# ASan+UBSan configurations, runs ctest on both, and cppcheck on our code.
# Usage: scripts/test.sh [extra ctest args, e.g. -L unit]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --if-missing

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
cmake -S . -B build-asan -DVDISPLD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"

echo "== cppcheck"
cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance \
  --inline-suppr --suppress=missingIncludeSystem -I include \
  src tests bench

# The fuzzers need clang's libFuzzer: a third, small tree of just them.
CC=clang cmake -S . -B build-fuzz -DVDISPLD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_all

status=0
# Suites that start Weston, the simulator and vdispld measure the good
# guest's flip rate against its own rate alone: they run one at a time, so
# two of them never compete for the two cores. Unit and simulator tests run
# in parallel.
run_ctest() { # TREE [ctest args]
  local tree=$1
  shift
  ctest --test-dir "$tree" --output-on-failure -j"$jobs" -L 'unit|xensim' "$@" || status=1
  ctest --test-dir "$tree" --output-on-failure -j1 -LE 'unit|xensim|fuzz' "$@" || status=1
}

echo "== ctest: fuzzers (clang, libFuzzer + ASan/UBSan)"
ctest --test-dir build-fuzz --output-on-failure -L fuzz || status=1
# The real-Xen and KMS tiers boot VMs and valgrind wants the plain binary:
# they run once, in the release tree.
echo "== ctest (ASan+UBSan build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_ctest build-asan -E 'realxen|kms_|valgrind' "$@"
echo "== ctest (release build)"
run_ctest build "$@"
exit $status
