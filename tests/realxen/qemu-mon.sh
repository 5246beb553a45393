# shellcheck shell=bash
# QEMU's monitor for the runs that take screendumps of virtio-gpu's two
# outputs (tests/realxen/run.sh in KMS mode, tests/kms/run.sh): QEMU runs
# with -monitor pipe:DIR/mon (the FIFOs DIR/mon.in and DIR/mon.out made
# before) and -device virtio-gpu-pci,max_outputs=2,id=gpu.

# mon_open DIR: fd 3 takes monitor commands; QEMU's replies are read into
# DIR/monitor.log (unread, they would fill the FIFO and stall QEMU).
# Returns once QEMU has opened its end.
mon_open() {
	exec 3> "$1/mon.in"
	cat "$1/mon.out" > "$1/monitor.log" &
}

# mon_shots TEMPLATE: one PNG of each output, output H's at the path
# `printf TEMPLATE H` gives; returns when both files are there (at most
# 30 s each).
mon_shots() {
	local h f n
	for h in 0 1; do
		# shellcheck disable=SC2059 # the template is the format
		printf -v f "$1" "$h"
		echo "screendump $f -f png gpu $h" >&3
	done
	for h in 0 1; do
		# shellcheck disable=SC2059
		printf -v f "$1" "$h"
		n=0
		while [ ! -s "$f" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	done
	sleep 0.5 # the file is written whole before the next command
}
