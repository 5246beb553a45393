#!/usr/bin/env bash
# The KMS presenter on a real DRM driver: Debian's kernel under QEMU (TCG,
# no Xen) with virtio-gpu giving two outputs; kms_check drives the
# presenter in the VM (static pictures, then flips) and QEMU's monitor
# takes a PNG of each output at the moments kms_check announces, which
# kms_shot_check compares pixel for pixel. Then the same on DRM leases:
# kms_lessor keeps Virtual-1 with its own picture and leases Virtual-2 to
# kms_check (inherited fd, then over a lease socket), revokes the lease
# while the guest flips, and (socket) leases it again. Reuses the real-Xen
# tier's package fetch (the kernel) and tree helpers.
#
# Environment: KMS_CHECK, KMS_LESSOR, KMS_SHOT_CHECK, KMS_DUMP (the built programs), REALXEN_CACHE
# (package cache, see tests/realxen/fetch.sh), KMS_KEEP=1 keeps the work
# directory (always kept on failure).
# Exit: 0 passed; 1 a check failed; 77 skipped, with the reason.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=vm-lib.sh
. "$HERE/vm-lib.sh"
# shellcheck source=../realxen/qemu-mon.sh
. "$REPO/tests/realxen/qemu-mon.sh"

say() { echo "kms: $*"; }
skip() { say "SKIP: $*"; exit 77; }

KMS_CHECK=${KMS_CHECK:-$REPO/build/tests/kms/kms_check}
KMS_SHOT_CHECK=${KMS_SHOT_CHECK:-$REPO/build/tests/kms/kms_shot_check}
KMS_LESSOR=${KMS_LESSOR:-$REPO/build/tests/kms/kms_lessor}
KMS_XENSIM_SHOT=${KMS_XENSIM_SHOT:-$REPO/build/tests/kms/kms_xensim_shot}
KMS_DUMP=${KMS_DUMP:-$REPO/build/tests/kms/kms_dump}
# What virtio-gpu with two outputs offers, recorded from this VM: the unit
# tests plan against it (tests/unit/kms/test_kms_fixture.c), so each run
# checks the recording still is what the device says.
KMS_FIXTURE=$REPO/tests/data/kms/virtio-gpu-2outputs.txt
VDISPLD=${VDISPLD:-$REPO/build/vdispld}
XENSIM=${XENSIM:-$REPO/build/tests/xensim/xensim}
XENSIM_LIB=${XENSIM_LIB:-$REPO/build/xensim-lib}
vm_need mkfifo
for p in "$KMS_CHECK" "$KMS_SHOT_CHECK" "$KMS_LESSOR" "$KMS_XENSIM_SHOT" \
	"$VDISPLD" "$XENSIM" "$KMS_DUMP"; do
	[ -x "$p" ] || skip "$p not built"
done
[ -e "$XENSIM_LIB/libxengnttab.so.1" ] || skip "the xensim drop-in libraries are not built"

vm_fetch_kernel
vm_workdir kms

# The VM's root: busybox, kms_check and its libraries, virtio-gpu. QEMU
# reports only the first output connected without a UI showing the
# others; the kernel's video=...e forces the second on (its modes are
# virtio-gpu's own list).
vm_tree
copy_prog "$I" "$KMS_CHECK" /usr/bin/kms_check
copy_prog "$I" "$KMS_LESSOR" /usr/bin/kms_lessor
copy_prog "$I" "$KMS_DUMP" /usr/bin/kms_dump
# The daemon itself on KMS, with the simulated Xen host (xensim and its
# drop-in libxengnttab/libxenevtchn/libxenctrl) as its Dom0.
copy_prog "$I" "$VDISPLD" /usr/bin/vdispld
copy_prog "$I" "$XENSIM" /usr/bin/xensim
for l in "$XENSIM_LIB"/*.so.*; do
	copy_prog "$I" "$l" "/usr/lib/xensim-lib/$(basename "$l")"
done
# glibc loads libgcc_s when a thread is cancelled at exit; ldd never
# names it.
GCC_S=$(ldconfig -p | awk '/libgcc_s\.so\.1 .*x86-64/ {print $NF; exit}')
[ -n "$GCC_S" ] && copy_lib "$I" "$GCC_S"
printf '%s\n' '[general]' 'presenter = kms' '[connector c0]' \
	'output = Virtual-1' '[connector c1]' 'output = Virtual-2' \
	> "$I/etc/vdispld-kms.conf"
copy_modules "$I" "$ROOT" "$KVER" virtio_pci virtio-gpu
{ vm_init /dev/dri/card0; cat <<'EOF'; } > "$I/init"
echo "KMS-VM up: $(ls /dev/dri)"
/usr/bin/kms_dump /dev/dri/card0 "KMS-RES: "
/usr/bin/kms_check --hold-ms 12000 --flips 120
echo "KMS-EXIT $?"
/usr/bin/kms_check --scale 1000x500 --hold-ms 12000
echo "KMS-EXIT-SCALED $?"
mkdir -p /run
/usr/bin/kms_lessor fd /run/lease.sock /usr/bin/kms_check --hold-ms 12000 --flips 60
echo "KMS-EXIT-LEASE-FD $?"
/usr/bin/kms_lessor socket /run/lease.sock /usr/bin/kms_check --hold-ms 12000 --flips 60
echo "KMS-EXIT-LEASE-SOCKET $?"
# vdispld --presenter kms with a simulated guest flipping its pattern; no
# Wayland anywhere in this VM.
mkdir -p /run/xen
/usr/bin/xensim --socket-dir /run/xen --guest name=g1,domid=1,conn=800x600:c0,conn=1024x768:c1,draw=1,fps=30 > /run/xensim.env 2> /run/xensim.log &
XS=$!
n=0; while ! grep -q READY /run/xensim.env && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
grep '^export ' /run/xensim.env > /run/xensim.sh; . /run/xensim.sh
export LD_LIBRARY_PATH=/usr/lib/xensim-lib
/usr/bin/vdispld --presenter kms --kms-device /dev/dri/card0 -c /etc/vdispld-kms.conf > /run/vd.log 2>&1 &
VD=$!
n=0; while [ "$(grep -c 'kms: connector .* on Virtual-' /run/vd.log)" -lt 2 ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
sleep 2
echo "KMS-SHOT daemon"
sleep 12
# Settings reloaded (SIGHUP) with the two outputs swapped: each connector
# moves at once, the guest staying connected.
cp /etc/vdispld-kms.conf /run/kms.conf.orig
printf '%s\n' '[general]' 'presenter = kms' '[connector c0]' \
	'output = Virtual-2' '[connector c1]' 'output = Virtual-1' > /etc/vdispld-kms.conf
kill -HUP $VD
n=0; while [ "$(grep -c 'kms: connector .* on Virtual-' /run/vd.log)" -lt 4 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
sleep 2
echo "KMS-SHOT daemon-swapped"
sleep 12
cp /run/kms.conf.orig /etc/vdispld-kms.conf
kill -USR1 $VD; sleep 1
kill -TERM $VD; wait $VD
echo "KMS-DAEMON-EXIT $?"
kill $XS; wait $XS
grep -E 'stats:|kms:|error|warn|presenter|stopped' /run/vd.log | sed 's/^/KMS-VD /' | head -80
tail -12 /run/vd.log | sed 's/^/KMS-VD-TAIL /'
# The daemon on a lease of Virtual-2 alone, inherited (--drm-fd, added by
# the lessor), with a new simulated guest: c1 on the lease, c0 without a
# display (on the timer); Virtual-1 keeps the lessor's picture.
rm -rf /run/xen; mkdir -p /run/xen
/usr/bin/xensim --socket-dir /run/xen --guest name=g1,domid=1,conn=800x600:c0,conn=1024x768:c1,draw=1,fps=30 > /run/xensim2.env 2> /run/xensim2.log &
XS=$!
n=0; while ! grep -q READY /run/xensim2.env && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
grep '^export ' /run/xensim2.env > /run/xensim.sh; . /run/xensim.sh
/usr/bin/kms_lessor fd /run/lease.sock /usr/bin/vdispld -c /etc/vdispld-kms.conf > /run/vdl.log 2>&1 &
LS=$!
n=0; while ! grep -q 'kms: connector .* on Virtual-2' /run/vdl.log && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
sleep 2
echo "KMS-SHOT daemon-lease"
sleep 12
kill -TERM "$(pidof vdispld)"; wait $LS
echo "KMS-DAEMON-LEASE-EXIT $?"
kill $XS
grep -E 'kms:|lease|error|warn' /run/vdl.log | sed 's/^/KMS-VDL /' | head -40
poweroff -f
EOF
chmod +x "$I/init"
pack_cpio "$I" "$W/initrd.gz"

mkfifo "$W/mon.in" "$W/mon.out"
LOG=$W/serial.log
: > "$LOG"
vm_qemu 1024 video=Virtual-2:1024x768e
timeout 560 "${VM_QEMU[@]}" -device virtio-gpu-pci,max_outputs=2,id=gpu \
	-monitor "pipe:$W/mon" &
QPID=$!
mon_open "$W"

wait_for() { # PATTERN SECONDS
	local n=0
	while ! grep -q "$1" "$LOG"; do
		kill -0 "$QPID" 2>/dev/null || return 1
		[ $n -ge $(($2 * 10)) ] && return 1
		sleep 0.1
		n=$((n + 1))
	done
}

shots() { mon_shots "$W/$1-%s.png"; } # NAME: one PNG per output

fail=0
# at NAME WHAT: the VM's "KMS-SHOT NAME" came and its shots are taken;
# else "FAIL: WHAT" (with the log's tail), and false.
at() {
	if wait_for "KMS-SHOT $1" 200; then
		shots "$1"
	else
		say "FAIL: $2"; tail -30 "$LOG"; fail=1
		return 1
	fi
}
check() { # NAME FRAME [CONN FRAME on output 0]: guest A (or the lessor), B
	"$KMS_SHOT_CHECK" "$W/$1-0.png" "${3:-0}" "${4:-$2}" 800 600 || fail=1
	"$KMS_SHOT_CHECK" "$W/$1-1.png" 1 "$2" 1024 768 || fail=1
}

t0=$(date +%s)
if ! wait_for "KMS-SHOT static" 300; then
	say "FAIL: kms_check never showed its static pictures"; tail -30 "$LOG"; exit 1
fi
say "static pictures up after $(($(date +%s) - t0)) s"
shots static
check static 0
if ! wait_for "KMS-SHOT flipped" 200; then
	say "FAIL: kms_check's flips did not finish"; tail -30 "$LOG"; exit 1
fi
shots flipped
check flipped 1
# fit = scale: a 1000x500 picture on Virtual-1's preferred mode (the
# recorded 1280x800), scaled to fit, black above and below.
if at scaled "no KMS-SHOT scaled"; then
	"$KMS_SHOT_CHECK" "$W/scaled-0.png" 0 0 1280 800 1000 500 || fail=1
fi
# Leases: Virtual-1 keeps the lessor's picture (conn 2) all along.
for step in lease-fd:0 lease-socket:0 relet:1; do
	name=${step%:*}
	if ! wait_for "KMS-SHOT $name" 200; then
		say "FAIL: no KMS-SHOT $name"; tail -30 "$LOG"; fail=1; break
	fi
	shots "$name"
	check "$name" "${step#*:}" 2 0
done
# The daemon: both displays exactly a frame of the guest's pattern, and a
# frame after the first (the guest flips).
if at daemon "vdispld --presenter kms never showed the guest"; then
	"$KMS_XENSIM_SHOT" "$W/daemon-0.png" 1 0 800 600 1 || fail=1
	"$KMS_XENSIM_SHOT" "$W/daemon-1.png" 1 1 1024 768 1 || fail=1
fi
# After SIGHUP with the outputs swapped: c1 (1024x768) on Virtual-1, c0
# (800x600) on Virtual-2, both still flipping.
if at daemon-swapped "vdispld never showed the swapped outputs"; then
	"$KMS_XENSIM_SHOT" "$W/daemon-swapped-0.png" 1 1 1024 768 1 || fail=1
	"$KMS_XENSIM_SHOT" "$W/daemon-swapped-1.png" 1 0 800 600 1 || fail=1
fi
# The daemon on a lease of one of the two outputs: the guest's c1 on
# Virtual-2, the lessor's own picture untouched on Virtual-1.
if at daemon-lease "vdispld on a lease never showed the guest"; then
	"$KMS_SHOT_CHECK" "$W/daemon-lease-0.png" 2 0 800 600 || fail=1
	"$KMS_XENSIM_SHOT" "$W/daemon-lease-1.png" 1 1 1024 768 1 || fail=1
fi
wait_for "KMS-DAEMON-LEASE-EXIT" 120 || true
sleep 1 # the rest of vdispld's log
grep "^KMS-" "$LOG" | sed 's/^/kms: vm: /'
for pass in "KMS-PASS[[:space:]]*$" "KMS-PASS scaled" "KMS-PASS lease-fd" "KMS-PASS lease-socket"; do
	grep -q "^$pass" "$LOG" || { say "FAIL: no $pass"; fail=1; }
done
grep -q "^KMS-DAEMON-EXIT 0" "$LOG" || { say "FAIL: vdispld did not exit 0"; fail=1; }
grep -q "^KMS-DAEMON-LEASE-EXIT 0" "$LOG" || { say "FAIL: vdispld on the lease did not exit 0"; fail=1; }
# The recorded device description is still what the device says.
sed -n 's/^KMS-RES: //p' "$LOG" | tr -d '\r' > "$W/kms-res.txt"
if [ ! -s "$W/kms-res.txt" ]; then
	say "FAIL: kms_dump printed nothing"; fail=1
elif ! diff -u <(grep -v '^#' "$KMS_FIXTURE") "$W/kms-res.txt" > "$W/kms-res.diff"; then
	say "FAIL: the device no longer matches $KMS_FIXTURE:"; cat "$W/kms-res.diff"; fail=1
else
	say "device description matches the recorded fixture ($(wc -l < "$W/kms-res.txt") lines)"
fi
# SIGUSR1's counters: every flip of both connectors by a page-flip event.
for c in c0 c1; do
	grep "^KMS-VD .*stats: .* $c: " "$LOG" | grep -q "timer_flips=0 .*kms_flip_events=[1-9]" ||
		{ say "FAIL: $c's flips not (all) from page-flip events"; fail=1; }
done
# On the whole device every flip is answered by its page-flip event.
if grep "^KMS-RESULT [AB] " "$LOG" | grep -qv "timer_flips=0 "; then
	say "FAIL: flips answered by the timer, not by page-flip events"; fail=1
fi
exec 3>&-
wait "$QPID" 2>/dev/null || true
QPID=
say "run took $(($(date +%s) - t0)) s"
[ $fail -eq 0 ] && say PASS || say FAIL
exit $fail
