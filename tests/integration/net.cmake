# Boot tests for lwIP (included by CMakeLists.txt). The test image needs
# CONFIG_NET_LWIP, which is off by default, so it is the application repository
# apps/lwip, built once by the fixture test app.lwip.build and then booted once per
# subcommand on microvm and q35. Everything runs over the loopback interface.
set(_lwip_build ${CMAKE_CURRENT_BINARY_DIR}/app-lwip)
add_test(NAME app.lwip.build
         COMMAND ${CAIRN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/app_repo_test.py --build-only
                 --source ${CMAKE_CURRENT_SOURCE_DIR}/apps/lwip --build ${_lwip_build})
set_tests_properties(app.lwip.build PROPERTIES LABELS "integration" TIMEOUT 900
                     FIXTURES_SETUP lwip_image)

# lwip_test(<subcommand> [boot_test.py options...]): one boot per machine.
function(lwip_test subcommand)
  foreach(machine microvm q35)
    set(name boot.lwip.${subcommand}.${machine})
    add_test(NAME ${name}
             COMMAND ${CAIRN_PYTHON} ${CAIRN_BOOT_TEST} --image ${_lwip_build}/lwip
                     --machine ${machine} --timeout 60 --reject "FAIL|panic|leak:|warning" ${ARGN}
                     -- ${subcommand})
    set_tests_properties(${name} PROPERTIES LABELS "integration" TIMEOUT 180
                         FIXTURES_REQUIRED lwip_image)
  endforeach()
endfunction()

lwip_test(loopif --expect "^loopif: lo0 127\\.0\\.0\\.1 up ::1$")
lwip_test(tcp-echo --expect "^tcp-echo: 4 clients x 100 round trips, [0-9]+ bytes echoed intact$"
          --expect "^tcp-echo: no pool leaks$")
lwip_test(udp --expect "^udp: 100 datagrams, [0-9]+ bytes echoed intact$"
          --expect "^udp: no pool leaks$")
lwip_test(udp6 --expect "^udp6: 100 datagrams, [0-9]+ bytes echoed intact$"
          --expect "^udp6: no pool leaks$")
# A receive timeout: the mailbox's timed wait on the scheduler's clock and timers.
lwip_test(udp-timeout --expect "^udp-timeout: ERR_TIMEOUT after 200-400 ms$")
