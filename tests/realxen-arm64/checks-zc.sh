# shellcheck shell=bash
# Host-side verdict of the arm64 full tier (sourced by run.sh): what
# dom0-zc.sh left, judged with the x86 tier's helpers (checks.sh: ok, bad,
# expect, domid_of, guest_log, check_connected, check_guest; checks-
# display.sh: check_case, check_xrgb, check_rates; checks-input.sh:
# check_input; checks-cycles.sh: check_cycles).
# shellcheck source=../realxen/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../realxen/checks.sh"

# counters_of TAG GUEST CONN: the counters of GUEST's connector CONN (e.g.
# domu c0) in Dom0's "counters TAG T: domN(GUEST) vdispl/0 CONN: ..."
# line, one "key=value" a line; empty if absent.
counters_of() {
	sed -nE "s/^REALXEN-DOM0: t=[0-9.]+ counters $1 [0-9.]+: dom[0-9]+\\($2\\) vdispl\/0 $3: (.*)/\\1/p" "$LOG" |
		head -n1 | tr ' ' '\n'
}

# counter TAG GUEST CONN FIELD: one of them.
counter() { counters_of "$1" "$2" "$3" | sed -n "s/^$4=//p"; }

# fallbacks TAG GUEST CONN: the sum of the connector's fallback_* counters.
fallbacks() {
	counters_of "$1" "$2" "$3" | sed -n 's/^fallback_[a-z]*=//p' |
		awk '{ s += $1 } END { print s + 0 }'
}

# Zero copy in phase zc: every frame of domu's two connectors (frontend-
# allocated, real grant exports) and of domuba's (be-alloc, dma-heap
# buffers) went as a dma-buf, none was copied.
check_zc_counters() {
	local g k f0 f1 z0 z1 b1 fb
	for g in domu:c0 domu:c1 domuba:c0; do
		k=${g#*:} g=${g%:*}
		f0=$(counter zc-begin "$g" "$k" frames) f1=$(counter zc-end "$g" "$k" frames)
		z0=$(counter zc-begin "$g" "$k" zero_copy_frames) z1=$(counter zc-end "$g" "$k" zero_copy_frames)
		b1=$(counter zc-end "$g" "$k" bytes_copied) fb=$(fallbacks zc-end "$g" "$k")
		if [ -z "$f1" ] || [ -z "$z1" ]; then
			bad "zc: no counters for $g $k at the end of the phase"
		elif [ "$z1" -gt "${z0:-0}" ] && [ $((z1 - z0)) -eq $((f1 - f0)) ] &&
			[ "$b1" = 0 ] && [ "$fb" = 0 ]; then
			ok "zc: $g $k: every frame zero copy ($((z1 - z0)) of $((f1 - f0)) in the phase; zero_copy_frames=$z1 frames=$f1 bytes_copied=0, no fallback)"
		else
			bad "zc: $g $k: frames $f0 -> $f1, zero_copy_frames $z0 -> $z1, bytes_copied=$b1, fallbacks=$fb"
		fi
	done
}

# count_re ERE FILE: matching lines (0 when none or no file).
count_re() { grep -acE "$1" "$2" 2>/dev/null || true; }

check_zc_report() {
	local f=$RES/zc/tc-report.txt vlog=$RES/zc-vdispld.log imp com rd rel des failed exp
	if [ ! -s "$f" ]; then
		bad "zc: no compositor report"
		return
	fi
	imp=$(count_re '^dmabuf created .*attach-only exp=' "$f")
	failed=$(count_re '^dmabuf failed' "$f")
	com=$(count_re '^commit .*buffer=dmabuf .*attach-only' "$f")
	rd=$(count_re '^commit .*crc=' "$f")
	rel=$(count_re '^release buffer=dmabuf attach-only' "$f")
	des=$(count_re '^dmabuf destroyed attach-only' "$f")
	exp=$(sed -nE 's/^dmabuf created .* exp=([^ ]+).*/\1/p' "$f" | sort -u | tr '\n' ' ')
	if [ "$imp" -ge 2 ] && [ "$failed" = 0 ] && [ "${exp% }" = xen_gntdev ]; then
		ok "zc: the compositor attached $imp real grant exports it could not mmap (exporter: ${exp% }), refused none"
	else
		bad "zc: compositor imports: $imp attach-only (exporters: ${exp:-none}), $failed refused (want >= 2 of xen_gntdev, 0)"
	fi
	# domuba's dma-heap buffers map: the compositor read every commit
	# of them, and modetest's two alternating frames give two CRCs.
	local crcs
	crcs=$(sed -nE 's/^commit .*buffer=dmabuf .* crc=([0-9a-f]+) .*/\1/p' "$f" | sort -u | wc -l)
	if [ "$rd" -ge 10 ] && [ "$crcs" -ge 2 ]; then
		ok "zc: the compositor mapped and read $rd commits of vdispld's dma-heap buffers (domuba), $crcs different pictures"
	else
		bad "zc: $rd read commits of dma-bufs, $crcs different CRCs (want >= 10, >= 2: domuba's be-alloc buffers)"
	fi
	if [ "$com" -ge 20 ] && [ "$rel" -ge 10 ]; then
		ok "zc: $com attach-only commits and $rel releases in the compositor's report"
	else
		bad "zc: $com attach-only commits, $rel releases (want >= 20, >= 10)"
	fi
	if [ "$des" = "$imp" ]; then
		ok "zc: all $des attach-only buffers destroyed by vdispld before the end"
	else
		bad "zc: $des of $imp attach-only buffers destroyed"
	fi
	if [ "$(count_re 'takes the copy path' "$vlog")" = 0 ]; then
		ok "zc: vdispld logged no copy-path fallback"
	else
		bad "zc: vdispld took the copy path: $(grep -aF 'takes the copy path' "$vlog" | head -n1 | cut -c1-200)"
	fi
	# Every export vdispld closed (DBUF_DESTROY, or the guest's teardown)
	# asked the real IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED: released at
	# once, held and answered once released, or (teardown) left to the
	# kernel, which reaps it on the compositor's last close.
	local now waited left
	now=$(count_re 'dma-buf released by the compositor' "$vlog")
	waited=$(count_re 'DBUF_DESTROY .*waits for its release' "$vlog")
	left=$(count_re 'dma-buf still held by the compositor \(' "$vlog")
	if [ $((now + waited + left)) -ge "$imp" ]; then
		ok "zc: WAIT_RELEASED asked for each of the $imp exports: $now released at once, $waited DBUF_DESTROY held until released ($(grep -aoE 'dma-buf released after [0-9]+ ms' "$vlog" | sed 's/dma-buf released after //' | tr '\n' ' ')), $left still held at teardown"
	else
		bad "zc: WAIT_RELEASED answers for $((now + waited + left)) of $imp exports"
	fi
	if [ "$(count_re 'still held by the compositor after' "$vlog")" = 0 ]; then
		ok "zc: no DBUF_DESTROY answered while the compositor still held the buffer"
	else
		bad "zc: a DBUF_DESTROY went out while the dma-buf was held: $(grep -aF 'still held by the compositor after' "$vlog" | head -n1)"
	fi
}

check_bealloc_arm64() {
	local vlog=$RES/weston-vdispld.log d kind
	d=$(domid_of domuba 2)
	expect "bealloc: domuba has be-alloc=1" \
		"^REALXEN-XS\\[bealloc\\]: /local/domain/$d/device/vdispl/0/be-alloc = \"1\""
	kind=$(grep -aoE 'be-alloc dbuf [0-9a-fx]+: [0-9]+ bytes of [a-z -]+ granted as a dma-buf' "$vlog" | head -n1)
	if grep -qF 'dma-heap system granted' <<< "$kind"; then
		ok "bealloc: vdispld's display memory is a dma-heap buffer granted with IMP_TO_REFS ($kind; $(count_re 'granted as a dma-buf' "$vlog") buffers)"
	else
		bad "bealloc: no buffer from /dev/dma_heap/system granted as a dma-buf (${kind:-none}; $(grep -aE 'PV guest|be-alloc|gntalloc' "$vlog" | head -n2 | tr '\n' ' '))"
	fi
	check_guest "$d" bealloc 1
	check_case bealloc-flip
	check_rates bealloc-flip domuba
}

run_arm64_checks() { # SERIAL_LOG RESULT_DIR
	LOG=$1 RES=$2
	checks_start || return $?
	expect "Dom0 test procedure completed" 'REALXEN-DOM0: .* END$'
	local src
	src=$(sed -nE 's/^REALXEN-DOM0: t=[0-9.]+ vdispld from: //p' "$LOG" | head -n1)
	case "$src" in
	package*) ok "Dom0's vdispld unpacked from the arm64 package (${src#package })" ;;
	*) echo "realxen: info Dom0's vdispld from: ${src:-unknown}" ;;
	esac
	check_no_fail_lines
	local a
	a=$(domid_of domu)
	[ -n "$a" ] || bad "no domu created"
	check_connected "$a" zc
	check_guest "$a" zc 2
	local b
	b=$(domid_of domuba)
	[ -n "$b" ] || bad "no domuba created in phase zc"
	expect "zc: domuba has be-alloc=1" \
		"^REALXEN-XS\\[zcba\\]: /local/domain/$b/device/vdispl/0/be-alloc = \"1\""
	check_guest "$b" zcba 1
	expect "zc: test compositor ready" 'REALXEN-DOM0: .* test compositor ready'
	check_zc_counters
	check_zc_report
	expect "zc: vdispld exited 0" 'REALXEN-DOM0: .*vdispld exit 0 after zc'
	# domu again, next to domuba under Weston: its own buffers, copied.
	a=$(domid_of domu 2)
	[ -n "$a" ] || bad "domu was not created again"
	check_connected "$a" static
	check_guest "$a" static 2
	local tag
	for tag in static-XR24 static-AR24 static-RG16 flip-RG16; do
		check_case "$tag"
	done
	check_xrgb static-XR24 bealloc-flip
	check_rates flip-RG16 domu
	check_input "$a" static
	check_bealloc_arm64
	check_case cycle3
	check_cycles domuba 2
	expect "xl destroy left no backend nodes" 'REALXEN-DOM0: .*backend after destroy: 0 nodes'
	expect "weston: vdispld survived every guest's destroy" 'REALXEN-DOM0: .*vdispld alive after weston'
	expect "weston: vdispld exited 0" 'REALXEN-DOM0: .*vdispld exit 0 after weston'
	grep -aE 'REALXEN-DOM0: .*(compositor report|counters (zc|bealloc|flip))' "$LOG" |
		sed 's/^REALXEN-DOM0: /realxen: info /'
	checks_verdict
}
