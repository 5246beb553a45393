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
# libxen-dev:arm64 is not Multi-Arch: same (installing it would remove the
# amd64 one): scripts/arm64-libxen-dev.sh unpacks it into a cache, whose
# .pc files come first.
if(NOT VDISPLD_ARM64_LIBXEN_DEV)
  if(DEFINED ENV{VDISPLD_CACHE})
    set(VDISPLD_ARM64_LIBXEN_DEV "$ENV{VDISPLD_CACHE}/arm64-libxen-dev")
  elseif(EXISTS /var/cache/vdispld/arm64-libxen-dev)
    set(VDISPLD_ARM64_LIBXEN_DEV /var/cache/vdispld/arm64-libxen-dev)
  else()
    set(VDISPLD_ARM64_LIBXEN_DEV "$ENV{HOME}/.cache/vdispld/arm64-libxen-dev")
  endif()
endif()
if(NOT EXISTS ${VDISPLD_ARM64_LIBXEN_DEV}/usr/lib/${VDISPLD_TRIPLET}/pkgconfig)
  message(FATAL_ERROR "${VDISPLD_ARM64_LIBXEN_DEV}: no arm64 libxen-dev; run scripts/arm64-libxen-dev.sh (or scripts/deps-arm64.sh)")
endif()
# libinput-dev / libudev-dev for arm64, unpacked next to it by
# scripts/arm64-libinput-dev.sh; without them src/input is left out.
get_filename_component(_vdispld_cache ${VDISPLD_ARM64_LIBXEN_DEV} DIRECTORY)
set(_vdispld_input_pc ${_vdispld_cache}/arm64-libinput-dev/usr/lib/${VDISPLD_TRIPLET}/pkgconfig)
set(ENV{PKG_CONFIG_LIBDIR} "${VDISPLD_ARM64_LIBXEN_DEV}/usr/lib/${VDISPLD_TRIPLET}/pkgconfig:${_vdispld_input_pc}:/usr/lib/${VDISPLD_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Test binaries can run on the host under qemu-user if it is installed.
find_program(VDISPLD_QEMU_AARCH64 qemu-aarch64-static qemu-aarch64)
if(VDISPLD_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${VDISPLD_QEMU_AARCH64})
endif()
