#!/bin/sh
# The drop-in libxenctrl.so.4.17 replaces the whole library when loaded, so
# every libxenctrl symbol vdispld references must be defined there, under
# the version vdispld asks for; and its soname must be the real one's.
# usage: check_xenctrl.sh <vdispld> <drop-in dir> <system lib dir>
vd=$1 ours=$2/libxenctrl.so.4.17 theirs=$3/libxenctrl.so.4.17
command -v objdump >/dev/null || { echo "SKIP: no objdump"; exit 77; }
[ -e "$theirs" ] || { echo "SKIP: no $theirs"; exit 77; }
[ -e "$ours" ] || { echo "FAIL: $ours not built"; exit 1; }
soname() { objdump -p "$1" | awk '$1 == "SONAME" { print $2 }'; }
status=0
if [ "$(soname "$ours")" != "$(soname "$theirs")" ]; then
	echo "FAIL: soname $(soname "$ours"), Xen's is $(soname "$theirs")"
	status=1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# vdispld's undefined symbols that the real library defines, with the
# version each is bound to ("VERS_4.17.0 xc_interface_open").
objdump -T "$theirs" | awk '$2 == "g" && $4 != "*UND*" { print $NF }' | sort -u >"$tmp/lib"
objdump -T "$vd" | awk '$3 == "*UND*" || $2 == "*UND*" { print $(NF-1), $NF }' |
	tr -d '()' | sort -u >"$tmp/und"
awk 'NR == FNR { lib[$1] = 1; next } ($2 in lib)' "$tmp/lib" "$tmp/und" >"$tmp/need"
objdump -T "$ours" | awk '$4 != "*UND*" && $2 == "g" { print $(NF-1), $NF }' |
	sort -u >"$tmp/have"
n=$(wc -l <"$tmp/need")
[ "$n" -gt 0 ] || { echo "FAIL: vdispld references no libxenctrl symbol"; exit 1; }
missing=$(comm -23 "$tmp/need" "$tmp/have")
if [ -n "$missing" ]; then
	echo "FAIL: the drop-in lacks (version symbol):"; echo "$missing"
	status=1
fi
[ $status -ne 0 ] || echo "ok: all $n libxenctrl symbols vdispld uses: $(awk '{ print $2 }' "$tmp/need" | tr '\n' ' ')"
exit $status
