# CMake toolchain file: cross-build vdispld and its test helpers for arm64
# on a Debian amd64 host, against the multiarch :arm64 libraries
# (scripts/deps-arm64.sh installs both).
#
#   cmake -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#   cmake --build build-arm64
#
# Tools that run during the build (wayland-scanner) stay the host's.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(VDISPLD_TRIPLET aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${VDISPLD_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${VDISPLD_TRIPLET}-g++)

# Debian multiarch: headers are shared in /usr/include, the arm64 libraries
# and their .pc files live in /usr/lib/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE ${VDISPLD_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# libxen-dev, libinput-dev, libudev-dev and libweston-10-dev for arm64
# can't be installed next to the amd64 ones (or pull in much more):
# scripts/arm64-dev-unpack.sh unpacks them into a cache, whose .pc files
# come first. Without libinput or libweston there, src/input or the
# test-only Weston modules are left out.
if(NOT VDISPLD_ARM64_DEV)
  if(DEFINED ENV{VDISPLD_CACHE})
    set(VDISPLD_ARM64_DEV "$ENV{VDISPLD_CACHE}/arm64-dev")
  elseif(EXISTS /var/cache/vdispld/arm64-dev)
    set(VDISPLD_ARM64_DEV /var/cache/vdispld/arm64-dev)
  else()
    set(VDISPLD_ARM64_DEV "$ENV{HOME}/.cache/vdispld/arm64-dev")
  endif()
endif()
set(_vdispld_dev_pc ${VDISPLD_ARM64_DEV}/usr/lib/${VDISPLD_TRIPLET}/pkgconfig)
if(NOT EXISTS ${_vdispld_dev_pc}/xenstore.pc)
  message(FATAL_ERROR "${VDISPLD_ARM64_DEV}: no arm64 libxen-dev; run scripts/arm64-dev-unpack.sh (or scripts/deps-arm64.sh)")
endif()
set(ENV{PKG_CONFIG_LIBDIR} "${_vdispld_dev_pc}:/usr/lib/${VDISPLD_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Test binaries can run on the host under qemu-user if it is installed.
find_program(VDISPLD_QEMU_AARCH64 qemu-aarch64-static qemu-aarch64)
if(VDISPLD_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${VDISPLD_QEMU_AARCH64})
endif()
