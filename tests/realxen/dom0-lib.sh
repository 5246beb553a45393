# shellcheck shell=sh
# Helpers of Dom0's test procedure (sourced by dom0-test.sh, busybox sh):
# the chroot, Weston, vdispld, guests and the commands Dom0 sends them,
# vdispld's fd count and flip counters. Uses dom0-test.sh's S, R, CFG.
# Word splitting of $ENV is intended:
# shellcheck disable=SC2086

say() { echo "REALXEN-DOM0: t=$(cut -d' ' -f1 /proc/uptime) $*"; }
fail() { say "FAIL: $*"; }
ENV="XDG_RUNTIME_DIR=/run/user/0 WAYLAND_DISPLAY=wayland-1"
in_root() { chroot "$S" /usr/bin/env $ENV "$@"; }
uptime_s() { cut -d. -f1 /proc/uptime; }

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
		--width="${WESTON_W:-1920}" --height="${WESTON_H:-1080}" \
		--debug --socket=wayland-1 \
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

# start_vdispld [CONF [kms]]: vdispld with CONF (default the share's
# config) on Weston's wayland-1, or with kms on no compositor (no Wayland
# environment, no -W). fd 4 (the KMS run's uinput FIFO, when open) is not
# passed on: vdispld holding it would keep the device process's input
# open. chroot execs env, env execs vdispld: $! is vdispld's pid.
start_vdispld() {
	wenv=$ENV wl="-W wayland-1"
	[ "${2:-}" = kms ] && wenv="" wl=""
	chroot "$S" /usr/bin/env $wenv /usr/bin/vdispld \
		-c "${1:-/realxen/vdispld.conf}" $wl > "$R/vdispld.log" 2>&1 4>&- &
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

# stop_vdispld WHEN: vdispld must still run after WHEN ("destroy": every
# guest gone); SIGTERM then, and its exit status.
stop_vdispld() {
	if kill -0 "$VDISPLD_PID" 2>/dev/null; then
		say "vdispld alive after $1 (pids: $(pidof vdispld))"
		kill -TERM "$VDISPLD_PID"
		wait "$VDISPLD_PID"
		say "vdispld exit $? after $1"
	else
		fail "vdispld died during $1"
	fi
}

case_begin() { say "case $1 begin"; }

# Copies a guest's console (xenconsoled's log, kept across re-creations
# of that name) to ours as "NAME| ..." lines.
follow_console() { # NAME
	log=/var/log/xen/console/guest-$1.log
	( wait_for 120 test -e "$log" && tail -n +1 -F "$log" 2>/dev/null |
		while IFS= read -r l; do echo "$1| $l"; done ) &
	TAIL_PIDS="$TAIL_PIDS $!"
}

# create NAME...: xl create NAME.cfg for each, side by side (building a
# domain under TCG takes a minute); prints "created NAME as domid N".
create() {
	t0=$(uptime_s) pids=''
	for g in "$@"; do
		xl create "$CFG/$g.cfg" > "/tmp/xl-create-$g.log" 2>&1 &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p" || fail "xl create: $(cat /tmp/xl-create-*.log | tail -n 3)"; done
	for g in "$@"; do
		d=$(xl domid "$g" 2>/dev/null)
		say "created $g as domid $d (xl create took $(( $(uptime_s) - t0 )) s)"
		eval "DOM_$g=$d"
	done
}
domid() { eval "echo \$DOM_$1"; }

# destroy NAME: xl destroy, then its backend nodes must go.
destroy() {
	d=$(domid "$1")
	xl destroy "$1" || fail "xl destroy $1"
	if wait_for 30 backend_gone "$d"; then
		say "destroyed $1 (domid $d): backend nodes gone"
	else
		fail "backend nodes of $1 (domid $d) left 30 s after xl destroy"
	fi
}
backend_gone() {
	! xenstore-exists "/local/domain/0/backend/vdispl/$1" 2>/dev/null &&
		! xenstore-exists "/local/domain/0/backend/vinput/$1" 2>/dev/null
}

# Prints the backend and frontend XenStore trees of a guest with a tag.
dump_xs() { # DOMID TAG
	for p in /local/domain/0/backend/vdispl/$1 /local/domain/0/backend/vinput/$1 \
		/local/domain/$1/device/vdispl /local/domain/$1/device/vkbd; do
		xenstore-ls -f "$p" 2>/dev/null | sed "s|^|REALXEN-XS[$2]: |"
	done
}

guest_state() { xenstore-read "/local/domain/$1/data/realxen-state" 2>/dev/null; }
state_is() { # DOMID ERE
	guest_state "$1" | grep -qE "^($2)\$"
}

# wait_ready NAME: the guest's /init got its card and waits for commands.
wait_ready() {
	d=$(domid "$1")
	if wait_for 240 state_is "$d" '0 ready'; then
		say "$1 (domid $d) ready"
	else
		fail "$1 (domid $d) not ready after 240 s (state '$(guest_state "$d")')"
		return 1
	fi
}

# gcmd NAME ACTION [FMT]: sends a command numbered $SEQ (not in a
# subshell: SEQ must count on).
SEQ=0
gcmd() {
	SEQ=$((SEQ + 1))
	xenstore-write "/local/domain/$(domid "$1")/data/realxen-cmd" "$SEQ $2 $3"
}

# run NAME ACTION [FMT]: a command and the guest's answer to it, within
# 90 s: 0 when the guest says running / stopped / done.
run() {
	name=$1
	d=$(domid "$1")
	gcmd "$@"
	if ! wait_for 90 state_is "$d" "$SEQ (running|exited [0-9]+|stopped|done)"; then
		fail "$name (domid $d): no answer to '$2 $3' after 90 s"
		return 1
	fi
	st=$(guest_state "$d")
	say "$name (domid $d): '$2 $3' -> ${st#* }"
	case "$st" in *exited*) return 1 ;; esac
	return 0
}

# fd_count TAG: vdispld's open fds, for the checks to compare.
fd_count() {
	n=$(ls "/proc/$VDISPLD_PID/fd" 2>/dev/null | wc -l)
	say "fds $1: $n"
}

# cycles NAME: NAME destroyed and re-created three times, flipping each
# time (the third in a screenshot, tag cycle3); vdispld's fds counted
# after every destroy, for checks-cycles.sh to compare. NAME ends
# destroyed. Uses dom0-shots.sh's capture and spec_of.
cycles() {
	fd_count "before-cycles"
	for i in 1 2 3; do
		destroy "$1"
		sleep 2
		fd_count "after-destroy-$i"
		create "$1"
		wait_ready "$1" || continue
		run "$1" flip XR24
		sleep 2
		[ "$i" = 3 ] && capture cycle3 flip "$(spec_of "$1" XR24)"
	done
	destroy "$1"
	sleep 2
	fd_count "after-destroy-4"
}

# counters TAG: SIGUSR1 makes vdispld log every connector's counters;
# they are copied as "counters TAG T: PREFIX cN frames=F ..." (T: Dom0's
# uptime) and the checks turn two of them into a rate per connector.
counters() {
	before=$(wc -l < "$R/vdispld.log")
	t=$(cut -d' ' -f1 /proc/uptime)
	kill -USR1 "$VDISPLD_PID" 2>/dev/null || { fail "SIGUSR1 to vdispld"; return 1; }
	sleep 1
	tail -n +"$((before + 1))" "$R/vdispld.log" | awk '
		/SIGUSR1: counters/ { on = 1; next }
		on && /stats: / {
			sub(/.*stats: /, ""); k = $0; sub(/: frames=.*/, "", k)
			if (k in seen) exit  # the periodic lines that follow
			seen[k] = 1; print; next
		}
		on { exit }' | while IFS= read -r l; do
		say "counters $1 $t: $l"
	done
}
