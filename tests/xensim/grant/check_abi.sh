#!/bin/sh
# Every symbol Debian's libxengnttab.so.1 / libxenevtchn.so.1 export must be
# exported by the drop-in ones with the same symbol version, and the version
# nodes must inherit the same way (VERS_1.2 -> VERS_1.1 -> VERS_1.0).
# usage: check_abi.sh <drop-in dir> <system lib dir>
ours=$1 theirs=$2
command -v objdump >/dev/null || { echo "SKIP: no objdump"; exit 77; }
status=0
syms() { objdump -T "$1" | awk '$2 == "g" && $4 != "*UND*" { print $(NF-1), $NF }' | sort; }
verdefs() { objdump -p "$1" | sed -n '/^Version definitions:/,/^$/p' | awk 'NR > 2 && NF { print }' | sed 's/0x[0-9a-f]* //g'; }
for lib in libxengnttab.so.1 libxenevtchn.so.1; do
	[ -e "$theirs/$lib" ] || { echo "SKIP: no $theirs/$lib"; exit 77; }
	[ -e "$ours/$lib" ] || { echo "FAIL: $ours/$lib not built"; exit 1; }
	tmp=$(mktemp -d)
	syms "$theirs/$lib" >"$tmp/theirs"
	syms "$ours/$lib" >"$tmp/ours"
	missing=$(comm -23 "$tmp/theirs" "$tmp/ours")
	extra=$(comm -13 "$tmp/theirs" "$tmp/ours")
	verdefs "$theirs/$lib" | tail -n +2 >"$tmp/vt"
	verdefs "$ours/$lib" | tail -n +2 >"$tmp/vo"
	if [ -n "$missing" ]; then
		echo "FAIL: $lib lacks (version symbol):"; echo "$missing"; status=1
	fi
	[ -z "$extra" ] || echo "note: $lib exports more than Debian's: $extra"
	if ! cmp -s "$tmp/vt" "$tmp/vo"; then
		echo "FAIL: $lib version nodes differ:"; diff "$tmp/vt" "$tmp/vo"; status=1
	fi
	n=$(wc -l <"$tmp/theirs")
	[ "$n" -gt 3 ] || { echo "FAIL: no symbols read from $theirs/$lib"; status=1; }
	[ $status -ne 0 ] || echo "ok: $lib: all $n versioned symbols present"
	rm -rf "$tmp"
done
exit $status
