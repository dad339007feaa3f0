# lwIP's sources for the image: Debian's lwip source package, obtained and verified by
# libs/lwip/fetch-lwip.sh into the cache shared by all build directories
# (CAIRN_CACHE_DIR), once per version (libs/lwip/source.conf). tools/install-deps
# fetches them during set-up; configuring fetches them here only if that has not
# happened (it needs Debian's source index, which install-deps enables).
#
# Defines:
#   CAIRN_LWIP_DIR   the unpacked lwIP tree (src/include, src/core, ...)
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/CairnNewlib.cmake)  # CAIRN_CACHE_DIR

function(_cairn_lwip_setup)
  set(conf ${CAIRN_ROOT}/libs/lwip/source.conf)
  set(fetch ${CAIRN_ROOT}/libs/lwip/fetch-lwip.sh)
  file(STRINGS ${conf} lines REGEX "^LWIP_[A-Z0-9_]+=")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "^([A-Z0-9_]+)=(.*)$" _ "${line}")
    set(${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  endforeach()
  set(dir "${CAIRN_CACHE_DIR}/lwip-src-${LWIP_DEBIAN_VERSION}")
  if(NOT EXISTS "${dir}/.complete")
    execute_process(COMMAND "${fetch}" --out "${dir}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "CONFIG_NET_LWIP needs lwIP ${LWIP_DEBIAN_VERSION} from Debian's lwip "
                          "source package, and it could not be obtained (see above).\n"
                          "Run: make deps   (tools/install-deps: enables Debian's source index "
                          "and fetches it into ${CAIRN_CACHE_DIR}; needs the network once)")
    endif()
  endif()
  # The tree must be the one source.conf names (same version, same tarball).
  file(READ "${dir}/.complete" stamp)
  if(NOT stamp STREQUAL "${LWIP_DEBIAN_VERSION} ${LWIP_ORIG_SHA256}\n")
    message(FATAL_ERROR "${dir} does not match libs/lwip/source.conf; remove it and run make deps")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${conf} ${fetch})
  set(CAIRN_LWIP_DIR "${dir}/src" PARENT_SCOPE)
endfunction()

_cairn_lwip_setup()
