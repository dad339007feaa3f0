# lwIP compiled for the host (the unit tests and the fuzzer), with the options in this
# directory. Only when lwIP's sources are already in the cache: host tests never fetch.
# Defines CAIRN_LWIP_HOST_DIR (lwIP's tree, empty when absent), CAIRN_LWIP_HOST_SOURCES
# (lwIP's C files we test against) and CAIRN_LWIP_HOST_INCLUDES.
# Included by each directory that needs it (variables are per directory).
include(${CAIRN_ROOT}/cmake/CairnNewlib.cmake)  # CAIRN_CACHE_DIR

file(STRINGS ${CAIRN_ROOT}/libs/lwip/source.conf _lines REGEX "^LWIP_DEBIAN_VERSION=")
string(REGEX REPLACE "^LWIP_DEBIAN_VERSION=" "" _version "${_lines}")
set(CAIRN_LWIP_HOST_DIR "")
if(EXISTS "${CAIRN_CACHE_DIR}/lwip-src-${_version}/.complete")
  set(CAIRN_LWIP_HOST_DIR "${CAIRN_CACHE_DIR}/lwip-src-${_version}/src")
else()
  message(STATUS "lwIP ${_version} is not in ${CAIRN_CACHE_DIR}: host tests of the netif skipped")
endif()

set(_src ${CAIRN_LWIP_HOST_DIR}/src)
set(CAIRN_LWIP_HOST_SOURCES
  core/def.c core/dns.c core/inet_chksum.c core/init.c core/ip.c core/mem.c core/memp.c
  core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c
  core/tcp_out.c core/timeouts.c core/udp.c
  core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/igmp.c core/ipv4/ip4.c
  core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c
  core/ipv6/ethip6.c core/ipv6/icmp6.c core/ipv6/inet6.c core/ipv6/ip6.c core/ipv6/ip6_addr.c
  core/ipv6/ip6_frag.c core/ipv6/mld6.c core/ipv6/nd6.c
  netif/ethernet.c)
list(TRANSFORM CAIRN_LWIP_HOST_SOURCES PREPEND ${_src}/)
set(CAIRN_LWIP_HOST_INCLUDES ${CMAKE_CURRENT_LIST_DIR} ${CAIRN_ROOT}/libs/lwip/port/hooks ${_src}/include)
