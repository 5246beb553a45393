#!/bin/sh
# Checks the EDID blocks displ_edid_generate() makes with an independent
# decoder, Debian's edid-decode (test-only; scripts/deps.sh installs it).
# For each size below: `edid-decode --check` must report no failure and
# "EDID conformity: PASS" (it applies the rules of the version the block
# declares, EDID 1.4); the preferred timing it decodes must have exactly
# the requested active size and the expected refresh rate; its native
# resolution must be that size too. The only warning allowed is
# "Dubious maximum image size", and only for sizes marked small: at 96 dpi
# they are honestly under the 10 cm the decoder finds plausible.
# Usage: edid_decode_check.sh EDID_WRITE. Exit 77 (skip) without
# edid-decode.
set -u
writer=$1
if ! command -v edid-decode >/dev/null 2>&1; then
	echo "SKIP: edid-decode not installed (scripts/deps.sh installs it)"
	exit 77
fi
[ -x "$writer" ] || { echo "FAIL: no edid_write at $writer"; exit 1; }
dir=$(mktemp -d /tmp/vdispld-edid.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT

# width height refresh(Hz) small(1 = may warn about its size)
# Common modes, odd ones, and the generator's limits: 1 and
# DISPL_EDID_MAX_DIM (4095) per side; 4095x4095 does not fit the 16-bit
# pixel clock at 60 Hz and drops to 30 Hz; tiny modes get longer blanking
# so their pixel clock reaches the decoder's 10 MHz minimum.
sizes='
640 480 60 0
800 600 60 0
1024 768 60 0
1280 800 60 0
1366 768 60 0
1920 1080 60 0
2560 1600 60 0
3840 2160 60 0
1823 767 60 0
4095 2160 60 0
4095 4095 30 0
320 240 60 1
100 100 60 1
64 64 60 1
1 1 60 1
4095 1 60 1
1 4095 60 1
'
echo "$sizes" | while read -r w h hz small; do
	[ -n "$w" ] || continue
	edid=$dir/${w}x$h.bin
	out=$dir/${w}x$h.txt
	if ! "$writer" "$w" "$h" >"$edid"; then
		echo "FAIL: ${w}x$h: edid_write failed"
		echo x >>"$dir/failed"
		continue
	fi
	edid-decode --check --preferred-timings --native-resolution \
		--skip-hex-dump "$edid" >"$out" 2>&1
	rc=$?
	bad=''
	[ $rc -eq 0 ] || bad="$bad exit $rc;"
	grep -q '^EDID conformity: PASS$' "$out" || bad="$bad not PASS;"
	grep -q '^Failures:' "$out" && bad="$bad failures;"
	# Warning lines: indented lines after "Warnings:", up to "Failures:"
	# or the verdict; block headers ("Block 0, ...") are not indented.
	warns=$(sed -n '/^Warnings:/,/^\(Failures:\|EDID conformity\)/p' \
		"$out" | grep '^  ')
	if [ -n "$warns" ]; then
		other=$(echo "$warns" | grep -v 'Dubious maximum image size')
		if [ -n "$other" ] || [ "$small" != 1 ]; then
			bad="$bad warnings;"
		fi
	fi
	# "Preferred Video Timing if only Block 0 is parsed:" is followed by
	# "  DTD   1:  1366x768    59.996719 Hz ...".
	pref=$(sed -n '/^Preferred Video Timing/{n;p;q}' "$out")
	size=$(echo "$pref" | sed -n 's/^ *DTD *1: *\([0-9]*x[0-9]*\) .*/\1/p')
	rate=$(echo "$pref" | sed -n 's/.* \([0-9.]*\) Hz .*/\1/p')
	[ "$size" = "${w}x$h" ] ||
		bad="$bad preferred timing is '${size:-none}';"
	if [ -z "$rate" ] ||
	   ! awk -v r="$rate" -v want="$hz" \
		'BEGIN { exit !(r > want - 0.5 && r < want + 0.5) }'; then
		bad="$bad refresh ${rate:-none} Hz, want $hz;"
	fi
	native=$(sed -n '/^Native Video Resolution:/{n;p;q}' "$out" | tr -d ' ')
	[ "$native" = "${w}x$h" ] ||
		bad="$bad native resolution '${native:-none}';"
	if [ -n "$bad" ]; then
		echo "FAIL: ${w}x$h:$bad"
		sed 's/^/    /' "$out"
		echo x >>"$dir/failed"
	else
		echo "ok: ${w}x$h at $rate Hz${warns:+ (small: dubious size warned)}"
	fi
done
if [ -s "$dir/failed" ]; then
	echo "FAIL: $(wc -l <"$dir/failed") size(s) rejected by edid-decode"
	exit 1
fi
echo "PASS: edid-decode accepts every generated EDID ($(edid-decode --version))"
