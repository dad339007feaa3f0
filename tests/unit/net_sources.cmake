# lwIP's port glue under test: header-only logic from libs/lwip/port (the mailbox,
# the timeout arithmetic). No lwIP sources: the glue does not need them.
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/lwip/port)
# The interfaces' address options (no lwIP needed).
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/lwip/src/net_config.cpp)
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/lwip/src)
# The netif over a packet device, against lwIP compiled for the host (tests/lwip_host),
# when lwIP's sources are in the cache.
include(${CAIRN_ROOT}/tests/lwip_host/lwip_host.cmake)
if(CAIRN_LWIP_HOST_DIR)
  add_library(cairn_lwip_host STATIC ${CAIRN_LWIP_HOST_SOURCES})
  target_include_directories(cairn_lwip_host PUBLIC ${CAIRN_LWIP_HOST_INCLUDES})
  # lwIP is third-party C: sanitized like the tests (the flags are set after this file
  # is included, hence spelled out), without our warnings.
  target_compile_options(cairn_lwip_host PRIVATE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer -g -w)
  target_sources(cairn_unit_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/lwip/netif_device_test.cpp
                                          ${CMAKE_CURRENT_SOURCE_DIR}/lwip/timewait_reopen_test.cpp
                                          ${CAIRN_ROOT}/tests/lwip_host/sys_host.cpp
                                          ${CAIRN_ROOT}/libs/lwip/port/netif_device.cpp
                                          ${CAIRN_ROOT}/libs/lwip/port/timewait_reopen.cpp)
  target_link_libraries(cairn_unit_tests PRIVATE cairn_lwip_host)
endif()
