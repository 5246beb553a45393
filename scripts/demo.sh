#!/usr/bin/env bash
# The main job, on one machine with no Xen: builds vdispld, starts Weston
# (nested in your session if WAYLAND_DISPLAY is set, headless otherwise),
# starts the Xen simulator with a guest that draws a moving test pattern on
# two connectors, runs vdispld against both, and saves a screenshot of
# Weston's output.
# Usage: scripts/demo.sh [seconds-to-run (default 5)] [screenshot path]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
secs=${1:-5}
shot=${2:-$top/out/demo-screenshot.png}
mkdir -p "$(dirname "$shot")"

scripts/deps.sh --if-missing
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/vdispld-demo.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
  # Newest first: vdispld, then the guests, then the compositor.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  [ -n "${KEEP:-}" ] && echo "demo: kept $work" || rm -rf "$work"
}
trap cleanup EXIT

# 1. The compositor.
export XDG_RUNTIME_DIR_DEMO=$work/run
mkdir -m 700 "$XDG_RUNTIME_DIR_DEMO"
cat > "$work/weston.ini" <<INI
[core]
shell=desktop-shell.so
[shell]
startup-animation=none
animation=none
panel-position=none
locking=false
background-color=0xff202020
INI
backend=headless-backend.so
if [ -n "${WAYLAND_DISPLAY:-}" ]; then
  backend=wayland-backend.so   # a window in your own session
  ln -s "${XDG_RUNTIME_DIR}/${WAYLAND_DISPLAY}" "$XDG_RUNTIME_DIR_DEMO/parent-wayland"
fi
XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR_DEMO WAYLAND_DISPLAY=${WAYLAND_DISPLAY:+parent-wayland} \
  weston --backend=$backend --socket=vdispld-demo --use-pixman --debug \
  --width=1920 --height=1080 --config="$work/weston.ini" \
  >"$work/weston.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [ -S "$XDG_RUNTIME_DIR_DEMO/vdispld-demo" ] && break
  sleep 0.1
done
[ -S "$XDG_RUNTIME_DIR_DEMO/vdispld-demo" ] || { cat "$work/weston.log"; echo "demo: weston did not start"; exit 1; }
echo "demo: weston running (log $work/weston.log)"

# 2. The simulated Xen with one guest: two connectors, moving pattern.
mkdir "$work/xen"
build/tests/xensim/xensim --socket-dir "$work/xen" \
  --guest name=demo-guest,domid=1,conn=800x600:c0,conn=1024x768:c1,draw=1 \
  >"$work/xensim.env" 2>"$work/xensim.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q READY "$work/xensim.env" 2>/dev/null && break
  sleep 0.1
done
grep -q READY "$work/xensim.env" || { cat "$work/xensim.log"; echo "demo: xensim did not start"; exit 1; }
# shellcheck disable=SC1090
source <(grep '^export ' "$work/xensim.env")
echo "demo: xensim running (guest demo-guest, connectors c0 800x600, c1 1024x768)"

# 3. vdispld, as it would run in Dom0.
XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR_DEMO build/vdispld --wayland-display vdispld-demo \
  --config config/vdispld.conf -v >"$work/vdispld.log" 2>&1 &
pids+=($!)
sleep "$secs"

# 4. The screenshot.
(cd "$work" && XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR_DEMO WAYLAND_DISPLAY=vdispld-demo \
  XDG_PICTURES_DIR=$work weston-screenshooter >/dev/null 2>&1) || true
png=$(ls "$work"/wayland-screenshot-*.png 2>/dev/null | head -1 || true)
if [ -z "$png" ]; then
  tail -20 "$work/vdispld.log"; echo "demo: no screenshot was taken"; exit 1
fi
cp "$png" "$shot"
echo "demo: vdispld log (last lines):"
tail -5 "$work/vdispld.log"
echo "demo: screenshot saved to $shot"
