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
  src tests

# The fuzzers need clang's libFuzzer: a third, small tree of just them.
CC=clang cmake -S . -B build-fuzz -DVDISPLD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_all

status=0
echo "== ctest: fuzzers (clang, libFuzzer + ASan/UBSan)"
ctest --test-dir build-fuzz --output-on-failure -L fuzz "$@" || status=1
# The real-Xen tier boots a VM and valgrind wants the plain binary: they run
# once, in the release tree.
echo "== ctest (ASan+UBSan build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE 'realxen|valgrind|fuzz' "$@" || status=1
echo "== ctest (release build)"
ctest --test-dir build --output-on-failure -j"$jobs" -LE fuzz "$@" || status=1
exit $status
