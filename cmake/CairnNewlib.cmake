# newlib for the image: built from Debian's newlib-source tarball by
# libs/newlib/build-newlib.sh, once per distinct set of inputs, into a cache
# directory shared by all build directories (CAIRN_CACHE_DIR).
#
# Defines:
#   CAIRN_NEWLIB_DIR      <cache>/newlib-<key>: include/, lib/libc.a, lib/libm.a
#   cairn_newlib_build    target that builds it (a no-op on a cache hit)
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/CairnFlags.cmake)

set(CAIRN_NEWLIB_TARBALL /usr/src/newlib/newlib-3.3.0.tar.xz CACHE FILEPATH
    "newlib source tarball (Debian package newlib-source)")

if(NOT CAIRN_CACHE_DIR)
  if(DEFINED ENV{CAIRN_CACHE_DIR})
    set(_cache "$ENV{CAIRN_CACHE_DIR}")
  elseif(DEFINED ENV{XDG_CACHE_HOME})
    set(_cache "$ENV{XDG_CACHE_HOME}/cairn")
  else()
    set(_cache "$ENV{HOME}/.cache/cairn")
  endif()
  set(CAIRN_CACHE_DIR "${_cache}" CACHE PATH "Cache for expensive builds (newlib, ...)")
endif()

function(_cairn_newlib_setup)
  if(NOT EXISTS "${CAIRN_NEWLIB_TARBALL}")
    message(FATAL_ERROR "newlib source not found at ${CAIRN_NEWLIB_TARBALL}.\n"
                        "Install it with: make deps   (Debian package newlib-source)")
  endif()
  set(script "${CAIRN_ROOT}/libs/newlib/build-newlib.sh")
  # The key covers everything that changes the result: sources, flags, compiler, script.
  file(SHA256 "${CAIRN_NEWLIB_TARBALL}" tarball_hash)
  file(SHA256 "${script}" script_hash)
  string(JOIN " " cflags ${CAIRN_NEWLIB_CFLAGS})
  string(SHA256 key "${tarball_hash}|${script_hash}|${cflags}|${CMAKE_C_COMPILER}|${CAIRN_GCC_VERSION}")
  string(SUBSTRING "${key}" 0 16 key)
  set(dir "${CAIRN_CACHE_DIR}/newlib-${key}")
  # Cached: the image link in the application's directory needs it too.
  set(CAIRN_NEWLIB_DIR "${dir}" CACHE INTERNAL "newlib build for this configuration")

  cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
  add_custom_command(
    OUTPUT "${dir}/lib/libc.a" "${dir}/lib/libm.a"
    COMMAND "${script}" --tarball "${CAIRN_NEWLIB_TARBALL}" --out "${dir}"
            --cflags "${cflags}" --jobs ${jobs}
    DEPENDS "${script}"
    COMMENT "newlib (cached in ${dir})"
    USES_TERMINAL VERBATIM)
  add_custom_target(cairn_newlib_build DEPENDS "${dir}/lib/libc.a" "${dir}/lib/libm.a")
endfunction()

if(NOT TARGET cairn_newlib_build)
  _cairn_newlib_setup()
endif()
