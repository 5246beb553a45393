#!/usr/bin/env bash
# Cross-builds vdispld and its test helpers for arm64 (warnings are errors,
# as in every build: CMakeLists.txt adds -Werror) against Debian's :arm64
# libraries, then checks that what came out is arm64.
#
# Usage: scripts/cross-arm64.sh [BUILD_DIR]     (default build-arm64)
# Installs what is missing first (scripts/deps-arm64.sh --if-missing).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-arm64}
JOBS=${JOBS:-$(nproc)}

bash scripts/deps-arm64.sh --if-missing
start=$(date +%s)
cmake -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$JOBS"

fail=0
# The arm64 tier's Dom0 needs these (the input seat's Weston module too,
# when libweston-10-dev:arm64 could be unpacked).
bins=("$BUILD/vdispld" "$BUILD/tests/dmabuf-compositor/vdispld-test-compositor"
      "$BUILD/tests/realxen/realxen_input_cmd")
[ -e "$(bash scripts/arm64-dev-unpack.sh)/usr/include/libweston-10" ] &&
	bins+=("$BUILD/weston-modules/vdispld-test-input.so")
for bin in "${bins[@]}"; do
	if ! file -b "$bin" | grep -q 'ARM aarch64'; then
		echo "cross-arm64: FAIL: $bin is not an arm64 binary: $(file -b "$bin" 2>&1)" >&2
		fail=1
	fi
done
[ "$fail" -eq 0 ] || exit 1
echo "cross-arm64: OK: arm64 vdispld and test helpers in $BUILD ($(( $(date +%s) - start )) s)"
