#!/usr/bin/sh
# The test procedure, run by Dom0's /init (busybox sh) from the read-only
# host share mounted on /host. /host is a sysroot the host prepared (Weston,
# weston-screenshooter, vdispld with Debian's REAL Xen libraries, nothing
# else of the host); Dom0 chroots into it with /proc /sys /dev /run bound in,
# so vdispld reaches the real xenstored socket, /dev/xen/gntdev and evtchn.
# Results go to /result (a writable share) and, with markers, to the console.
#
# One boot, three guests (docs/realxen.md has the matrix):
#   domu    two connectors c0 800x600 + c1 1024x768, a vkb on c0
#   domu2   one connector c0 640x480, created with domu: two guests at once;
#           then destroyed and re-created three times (vdispld's fd count)
#   domuba  one connector, be-alloc=1: must be refused cleanly (x86 PV)
# Guests run what Dom0 asks (domu-init.sh): modetest static or flipping
# in a format, stop, finish.
# $1: test | domu-shell | kms (dom0-kms.sh)
MODE=${1:-test}
S=/host
R=/result
CFG=/host/realxen
# shellcheck source=dom0-lib.sh
. "$CFG/dom0-lib.sh"
# shellcheck source=dom0-input.sh
. "$CFG/dom0-input.sh"
# shellcheck source=dom0-shots.sh
. "$CFG/dom0-shots.sh"

# Without a vdispld binary: show that the guest's frontends wait for one.
no_backend() {
	say "no vdispld in the share: checking that the frontends wait"
	sleep 60
	dump_xs "$(domid domu)" boot1
	xl destroy domu
	say "END"
	exit 0
}

# realxen.mode=kms: the KMS presenter on QEMU's virtio-gpu, no Weston.
if [ "$MODE" = kms ]; then
	# shellcheck source=dom0-kms.sh
	. "$CFG/dom0-kms.sh"
	kms_main
	exit 0
fi

setup_chroot
start_weston
[ -x "$S/usr/bin/vdispld" ] && start_vdispld
TAIL_PIDS=''
for g in domu domu2 domuba; do follow_console "$g"; done
if [ "$MODE" = domu-shell ]; then
	create domu
	say "guest console: Ctrl-] returns to a Dom0 shell"
	xl console domu
	setsid cttyhack sh
	exit 0
fi
[ -x "$S/usr/bin/vdispld" ] || { create domu; no_backend; }
create domu domu2 domuba
A=$(domid domu) B=$(domid domu2)
wait_ready domu
wait_ready domu2
dump_xs "$A" domu
dump_xs "$B" domu2

# be-alloc on a PV guest: its modetest must fail to create the buffer (and
# not die of SIGBUS); runs while the others go on, finished below.
if wait_ready domuba; then
	case_begin bealloc
	dump_xs "$(domid domuba)" domuba
	run domuba static XR24
fi

# Case static: modetest sets the mode on both of domu's connectors sharing
# one fb and never flips; domu2 likewise. Nothing flips during the shots.
case_begin static-XR24
run domu static XR24
run domu2 static XR24
sleep 3
capture static-XR24 static "$(spec_of domu XR24)" "$(spec_of domu2 XR24)"
counters static-XR24

# Case flip: both guests flip; the paced rate per connector from vdispld's
# counters around the shots.
case_begin flip-XR24
run domu flip XR24
run domu2 flip XR24
sleep 3
counters flip-XR24-begin
capture flip-XR24 flip "$(spec_of domu XR24)" "$(spec_of domu2 XR24)"
sleep 2
counters flip-XR24-end
run domu2 stop

run domuba finish
destroy domuba

format_cases domu

# Input, while domu flips (as the tier always did).
case_begin input
if have_input; then
	mkdir -p "$R/input"
	inject_input "$A" input
	sleep 1 # the guest's readers catch up
fi
run domu finish

# Case cycles: domu2 destroyed and re-created three times; vdispld's fds
# counted after every destroy (only domu left each time) must be equal.
case_begin cycles
cycles domu2

say "xl destroy domu"
destroy domu
say "backend after destroy: $(xenstore-ls /local/domain/0/backend/vdispl 2>/dev/null | wc -l) nodes"
stop_vdispld destroy
kill "$WESTON_PID" 2>/dev/null
wait "$WESTON_PID"
# shellcheck disable=SC2086
kill $TAIL_PIDS 2>/dev/null
grep -E 'PV guest|be-alloc|error|warn' "$R/vdispld.log" | tail -n 20 |
	sed 's/^/REALXEN-VDISPLD: /'
say "END"
