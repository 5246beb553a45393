#!/usr/bin/sh
# The test procedure, run by Dom0's /init (busybox sh) from the read-only
# host share mounted on /host. /host is a sysroot the host prepared (Weston,
# weston-screenshooter, vdispld with Debian's REAL Xen libraries, nothing
# else of the host); Dom0 chroots into it with /proc /sys /dev /run bound in,
# so vdispld reaches the real xenstored socket, /dev/xen/gntdev and evtchn.
# Results go to /result (a writable share) and, with markers, to the console.
# $1: test | domu-shell
MODE=${1:-test}
S=/host
R=/result
CFG=/host/realxen
say() { echo "REALXEN-DOM0: t=$(cut -d' ' -f1 /proc/uptime) $*"; }
fail() { say "FAIL: $*"; }
ENV="XDG_RUNTIME_DIR=/run/user/0 WAYLAND_DISPLAY=wayland-1"
# shellcheck disable=SC2086
in_root() { chroot "$S" /usr/bin/env $ENV "$@"; }
# shellcheck source=dom0-input.sh
. "$CFG/dom0-input.sh"

# wait_for SECONDS COMMAND...: polls once a second; 0 when it succeeded.
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 1
		n=$((n - 1))
	done
	return 1
}
guest_state() { [ "$(xenstore-read "/local/domain/$1/data/realxen-state" 2>/dev/null)" = "$2" ]; }
domid_of_domu() { xl domid domu 2>/dev/null; }
new_domid() { d=$(domid_of_domu); [ -n "$d" ] && [ "$d" != "$1" ]; }

# Prints the backend and frontend XenStore trees of guest $1 with a tag.
dump_xs() {
	for p in /local/domain/0/backend/vdispl/$1 /local/domain/0/backend/vinput/$1 \
		/local/domain/$1/device/vdispl /local/domain/$1/device/vkbd; do
		xenstore-ls -f "$p" 2>/dev/null | sed "s|^|REALXEN-XS[$2]: |"
	done
}

setup_chroot() {
	for d in proc sys dev run; do mount --bind "/$d" "$S/$d" || fail "bind /$d"; done
	mount -t tmpfs tmp "$S/tmp"
	mount --bind "$R" "$S/result" || fail "bind result"
	mkdir -p /run/user/0
	chmod 700 /run/user/0
}

# Ready when a client can list its globals; stop waiting if it died.
weston_up() {
	kill -0 "$WESTON_PID" 2>/dev/null || return 0
	[ -S /run/user/0/wayland-1 ] &&
		in_root /usr/bin/wayland-info > /dev/null 2>&1
}

start_weston() {
	mods=
	have_input && mods=--modules=$INPUT_MODULE
	# A simple command, not the in_root function: `&` on a function would
	# fork a subshell, and $! would be that shell, not the program.
	chroot "$S" /usr/bin/env $ENV VDISPLD_TEST_INPUT=$INPUT_SOCK \
		/usr/bin/weston \
		--backend=headless-backend.so --use-pixman \
		--width=1920 --height=1080 --debug --socket=wayland-1 \
		--config=/realxen/weston.ini --log=/result/weston.log $mods \
		> "$R/weston.out" 2>&1 &
	WESTON_PID=$!
	if wait_for 60 weston_up && kill -0 "$WESTON_PID" 2>/dev/null; then
		say "weston ready${mods:+ with the test seat}"
		park_pointer
	else
		fail "weston not ready after 60 s"
		sed 's/^/REALXEN-WESTON: /' "$R/weston.log" | tail -n 20
	fi
}

start_vdispld() {
	chroot "$S" /usr/bin/env $ENV /usr/bin/vdispld \
		-c /realxen/vdispld.conf -W wayland-1 > "$R/vdispld.log" 2>&1 &
	VDISPLD_PID=$!
	sleep 2
	if kill -0 "$VDISPLD_PID" 2>/dev/null; then
		say "vdispld running"
	else
		wait "$VDISPLD_PID"
		fail "vdispld exited $? at start"
		sed 's/^/REALXEN-VDISPLD: /' "$R/vdispld.log"
	fi
}

# Copies the guest's console (xenconsoled's log) to ours as it grows.
follow_guest_console() {
	log=/var/log/xen/console/guest-domu.log
	( wait_for 60 test -e "$log" && tail -n +1 -f "$log" |
		while IFS= read -r l; do echo "domu| $l"; done ) &
	TAIL_PID=$!
}

# Screenshots and the scene graph into /result/TAG. modetest alternates
# two buffers (bars, grey fill) per connector, so a shot catches the bars
# on a connector about one time in two. So: shots at uneven intervals
# until the checker (run here too) has seen the bars on both connectors of
# this domain, at most 12; the host checks every shot again.
capture_screen() { # TAG DOMID
	mkdir -p "$R/$1"
	scene_graph "/result/$1/scene-graph.txt"
	c0="'domu c0' of vdispl-$2-0-0," c1="'domu c1' of vdispl-$2-0-1,"
	n=0 bars0='' bars1=''
	# (Pauses of a second or more: shots are named by the second.)
	for pause in 1.0 1.4 1.1 1.7 1.2 1.9 1.3 2.1 1.5 1.0 1.8 1.2; do
		in_root /usr/bin/busybox sh -c "cd /result/$1 && weston-screenshooter" ||
			fail "weston-screenshooter"
		n=$((n + 1))
		shot=$(ls -t "$R/$1/"*.png 2>/dev/null | head -n1)
		if [ -x "$S/usr/bin/realxen-shot-check" ] && [ -n "$shot" ]; then
			out=$(in_root /usr/bin/realxen-shot-check "/result/$1/$(basename "$shot")" \
				"/result/$1/scene-graph.txt" 1824 768 \
				"$c0:0:800:600" "$c1:800:1024:768" 2>&1)
			echo "$out" | grep -qF "frame $c0 bars" && bars0=1
			echo "$out" | grep -qF "frame $c1 bars" && bars1=1
			[ -n "$bars0" ] && [ -n "$bars1" ] && break
		elif [ $n -ge 3 ]; then
			break
		fi
		sleep "$pause"
	done
	say "screenshots $n in $1 (bars seen: c0 ${bars0:-no}, c1 ${bars1:-no})"
}

# One guest boot: waits for modetest flipping, captures, injects input,
# stops, waits done.
exercise_guest() { # DOMID TAG
	if wait_for 180 guest_state "$1" flipping; then
		say "guest $1 flipping"
	else
		fail "guest $1 never started flipping"
	fi
	sleep 4
	dump_xs "$1" "$2"
	capture_screen "$2" "$1"
	if have_input; then
		inject_input "$1" "$2"
		sleep 1 # the guest's readers catch up
	fi
	xenstore-write "/local/domain/$1/data/realxen-stop" 1
	wait_for 60 guest_state "$1" "done" || fail "guest $1 did not finish"
}

# Without a vdispld binary: show that the guest's frontends wait for one.
no_backend() {
	say "no vdispld in the share: checking that the frontends wait"
	sleep 60
	dump_xs "$1" boot1
	xl destroy domu
	say "END"
	exit 0
}

setup_chroot
start_weston
[ -x "$S/usr/bin/vdispld" ] && start_vdispld
follow_guest_console
say "xl create"
t0=$(cut -d. -f1 /proc/uptime)
xl create "$CFG/domu.cfg" || fail "xl create"
D1=$(domid_of_domu)
say "xl create returned after $(( $(cut -d. -f1 /proc/uptime) - t0 )) s, domid $D1"
if [ "$MODE" = domu-shell ]; then
	say "guest console: Ctrl-] returns to a Dom0 shell"
	xl console domu
	setsid cttyhack sh
	exit 0
fi
[ -x "$S/usr/bin/vdispld" ] || no_backend "$D1"
exercise_guest "$D1" boot1

say "xl reboot"
xl reboot domu || fail "xl reboot"
if wait_for 90 new_domid "$D1"; then
	D2=$(domid_of_domu)
	say "rebooted as domid $D2"
	exercise_guest "$D2" boot2
else
	fail "no new domain after xl reboot"
	D2=$D1
fi

say "xl destroy"
xl destroy domu || fail "xl destroy"
sleep 3
xl list | grep -q '^domu ' && fail "domu still listed"
for p in /local/domain/0/backend/vdispl/$D2 /local/domain/0/backend/vinput/$D2; do
	xenstore-exists "$p" 2>/dev/null && fail "$p left after destroy"
done
say "backend after destroy: $(xenstore-ls /local/domain/0/backend/vdispl 2>/dev/null | wc -l) nodes"
if kill -0 "$VDISPLD_PID" 2>/dev/null; then
	say "vdispld alive after destroy (pids: $(pidof vdispld))"
	kill -TERM "$VDISPLD_PID"
	wait "$VDISPLD_PID"
	say "vdispld exit $?"
else
	fail "vdispld died"
fi
kill "$WESTON_PID" 2>/dev/null
wait "$WESTON_PID"
kill "$TAIL_PID" 2>/dev/null
sed 's/^/REALXEN-VDISPLD: /' "$R/vdispld.log" | tail -n 60
say "END"
