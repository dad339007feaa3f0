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

# Over a network card on QEMU user networking (apps/lwip/netif.c). Traffic goes only to
# slirp's addresses (10.0.2.2 answers ICMP itself; UDP/TCP to it reach the host's
# 127.0.0.1) and from the host through hostfwd on 127.0.0.1.
# lwip_card_test(<name> [boot_test.py options...] -- <subcommand and arguments>)
function(lwip_card_test name)
  foreach(machine microvm q35)
    set(test boot.lwip.${name}.${machine})
    add_test(NAME ${test}
             COMMAND ${CAIRN_PYTHON} ${CAIRN_BOOT_TEST} --image ${_lwip_build}/lwip
                     --machine ${machine} --timeout 60 --reject "FAIL|panic|leak:|warning"
                     --run-option=--net --run-option=user ${ARGN})
    set_tests_properties(${test} PROPERTIES LABELS "integration" TIMEOUT 180
                         FIXTURES_REQUIRED lwip_image)
  endforeach()
endfunction()

# DHCP has addressed eth0 before main (and its DNS server is lwIP's); the pools are
# back where main found them and the exit report shows the pbuf pool empty.
lwip_card_test(dhcp --expect "^addr: eth0 10\\.0\\.2\\.15/24 gw 10\\.0\\.2\\.2 mtu 1500 link up default$"
               --expect "^addr: dns 10\\.0\\.2\\.3$" --expect "^lwip: in use at exit: .*PBUF_POOL 0/"
               -- addr)
# Static addressing from the kernel command line: no DHCP (no UDP pcb at exit).
lwip_card_test(static --kernel-option net.ip=10.0.2.20/24 --kernel-option net.gw=10.0.2.2
               --kernel-option net.dns=10.0.2.3
               --expect "^addr: eth0 10\\.0\\.2\\.20/24 gw 10\\.0\\.2\\.2 mtu 1500 link up default$"
               --expect "^addr: dns 10\\.0\\.2\\.3$" --reject "in use at exit: .*UDP_PCB" -- addr)
# A value that does not parse: a warning naming the option, and DHCP instead.
foreach(machine microvm)
  add_test(NAME boot.lwip.bad-option.${machine}
           COMMAND ${CAIRN_PYTHON} ${CAIRN_BOOT_TEST} --image ${_lwip_build}/lwip
                   --machine ${machine} --timeout 60 --reject "FAIL|panic|leak:"
                   --run-option=--net --run-option=user --kernel-option net.ip=10.0.2.300/24
                   --kernel-option net.eth5.gw=10.0.2.2
                   --expect "^cairn: warning: kernel option 'net\\.ip': expected A\\.B\\.C\\.D\\[/PREFIX\\], dhcp or off$"
                   --expect "^cairn: warning: net\\.eth5 options given, but there is no eth5$"
                   --expect "^addr: eth0 10\\.0\\.2\\.15/24 " -- addr)
  set_tests_properties(boot.lwip.bad-option.${machine} PROPERTIES LABELS "integration"
                       TIMEOUT 180 FIXTURES_REQUIRED lwip_image)
endforeach()
# ICMP echo to the gateway, which slirp answers itself.
lwip_card_test(ping --expect "^ping: 10\\.0\\.2\\.2 via eth0 10\\.0\\.2\\.15: 3 replies" -- ping 10.0.2.2)
# Two cards on two slirp networks, static addresses: each gateway answers through its own card.
lwip_card_test(two-cards --run-option=--net --run-option=user,net=10.0.3.0/24
               --kernel-option net.eth0.ip=10.0.2.20/24 --kernel-option net.gw=10.0.2.2
               --kernel-option net.eth1.ip=10.0.3.15/24
               --expect "^ping: 10\\.0\\.2\\.2 via eth0 10\\.0\\.2\\.20: 3 replies"
               --expect "^ping: 10\\.0\\.3\\.2 via eth1 10\\.0\\.3\\.15: 3 replies"
               -- ping 10.0.2.2 10.0.3.2)
# IPv6: link-local, then a global address from slirp's router advertisement (fec0::/64).
lwip_card_test(slaac --expect "^slaac: eth0 FE80::[0-9A-F:]+ FEC0::[0-9A-F:]+$" -- slaac)

# The host's side (apps/lwip/net_test.py): echo servers in the guest reached through
# hostfwd on 127.0.0.1, and DNS answered on the host's 127.0.0.1:53.
set(_net_test ${CMAKE_CURRENT_SOURCE_DIR}/apps/lwip/net_test.py)
foreach(machine microvm q35)
  add_test(NAME boot.lwip.tcp-host.${machine}
           COMMAND ${CAIRN_PYTHON} ${_net_test} --mode tcp -- --image ${_lwip_build}/lwip
                   --machine ${machine} --timeout 90 --reject "FAIL|panic|leak:|warning"
                   --expect "^tcp-server: 3 connections, 206261 bytes echoed$"
                   --expect "^tcp-server: no pool leaks$")
  add_test(NAME boot.lwip.udp-host.${machine}
           COMMAND ${CAIRN_PYTHON} ${_net_test} --mode udp -- --image ${_lwip_build}/lwip
                   --machine ${machine} --timeout 90 --reject "FAIL|panic|leak:|warning"
                   --expect "^udp-server: [0-9]+ datagrams, [0-9]+ bytes echoed$"
                   --expect "^udp-server: no pool leaks$")
  add_test(NAME boot.lwip.dns.${machine}
           COMMAND ${CAIRN_PYTHON} ${_net_test} --mode dns -- --image ${_lwip_build}/lwip
                   --machine ${machine} --timeout 60 --reject "FAIL|panic|leak:|warning"
                   --expect "^dns: cairn\\.test is 10\\.0\\.2\\.99 ")
  set_tests_properties(boot.lwip.tcp-host.${machine} boot.lwip.udp-host.${machine}
                       boot.lwip.dns.${machine} PROPERTIES LABELS "integration" TIMEOUT 180
                       FIXTURES_REQUIRED lwip_image)
  # One DNS responder on 127.0.0.1:53 at a time; 77: the port could not be had.
  set_tests_properties(boot.lwip.dns.${machine} PROPERTIES RESOURCE_LOCK host_dns_port
                       SKIP_RETURN_CODE 77)
endforeach()

# POSIX sockets over loopback (apps/lwip/sock_*.c, docs/networking.md "Sockets").
lwip_test(sock-tcp-echo
          --expect "^sock-tcp-echo: 1000 round trips, [0-9]+ bytes echoed intact$"
          --expect "^sock-tcp-echo: no pool leaks$")
lwip_test(sock-epoll-many
          --expect "^sock-epoll-many: 100 connections x 10 messages echoed by one epoll thread$"
          --expect "^sock-epoll-many: no pool leaks$")
lwip_test(sock-udp --expect "^sock-udp: 100 datagrams each over 127\\.0\\.0\\.1 and ::1"
          --expect "^sock-udp: no pool leaks$")
lwip_test(sock-poll --expect "^sock-poll: poll and select over a socket and a pipe ok$"
          --expect "^sock-poll: no pool leaks$")
lwip_test(sock-epoll-modes --expect "^sock-epoll-modes: pipe: level, edge and one-shot ok$"
          --expect "^sock-epoll-modes: socket: level, edge and one-shot ok$"
          --expect "^sock-epoll-modes: no pool leaks$")
lwip_test(sock-nonblock --expect "^sock-nonblock: SO_RCVTIMEO: EAGAIN after [0-9]+ ms$"
          --expect "^sock-nonblock: EAGAIN, EINPROGRESS, ECONNREFUSED, ECONNRESET, EPIPE, shutdown ok$"
          --expect "^sock-nonblock: no pool leaks$")
lwip_test(sock-options --expect "^sock-options: options and errors ok$"
          --expect "^sock-options: no pool leaks$")
lwip_test(sock-netdb
          --expect "^sock-netdb: getaddrinfo, getnameinfo, gethostbyname, inet_pton/ntop ok$"
          --expect "^sock-netdb: no pool leaks$")
