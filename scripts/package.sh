#!/usr/bin/env bash
# Builds the Debian packages (debian/: debhelper + CMake) for amd64 and,
# cross, for arm64, then runs lintian on both (errors and warnings fail).
# Builds in a copy of the tracked files, so dpkg-buildpackage's outputs
# (written to the parent directory) land in OUT_DIR, not next to the repo.
#
# Usage: scripts/package.sh [OUT_DIR]    (default out/deb)
# Env:   PACKAGE_ARCHES="amd64 arm64" (default): the packages to build (the
#        arm64 tier builds only the arm64 one, for its Dom0)
# Needs scripts/deps.sh and scripts/deps-arm64.sh --full (debhelper, lintian,
# the cross toolchain, the unpacked arm64 -dev tree).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(mkdir -p "${1:-out/deb}" && cd "${1:-out/deb}" && pwd)
SRC=$OUT/vdispld	# dpkg-buildpackage writes into its parent, $OUT

rm -rf "$SRC"
mkdir -p "$SRC"
git ls-files -z | xargs -0 cp --parents -t "$SRC"
# Uncommitted debian/ changes are packaged too (handy while editing).
cp -r debian "$SRC/"

ARCHES=${PACKAGE_ARCHES:-amd64 arm64}
case " $ARCHES " in *" amd64 "*)
	(cd "$SRC" && dpkg-buildpackage -us -uc -b) ;;
esac
case " $ARCHES " in *" arm64 "*)
	# libxen-dev:arm64 can't be installed next to the amd64 one, so the
	# build-dependency check is skipped (-d) and CMake's toolchain file
	# finds the unpacked copy (and sets PKG_CONFIG_LIBDIR itself).
	bash scripts/arm64-dev-unpack.sh > /dev/null
	(cd "$SRC" && dpkg-buildpackage -a arm64 -d -us -uc -b) ;;
esac
rm -rf "$SRC"

status=0
for arch in $ARCHES; do
	lintian --fail-on error,warning "$OUT"/vdispld_*_"$arch".changes || status=1
done
ls -l "$OUT"/*.deb
[ $status -eq 0 ] && echo "package: OK: $ARCHES package(s) built, lintian clean, in $OUT"
exit $status
