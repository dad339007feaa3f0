# Acceptance scenarios of [M5] and [M6] (included by CMakeLists.txt): application
# repositories in apps/accept-*, built out of tree exactly as a user builds one
# (find_package(Cairn), cairn_add_unikernel, an app.conf with only what each needs),
# once each as a test fixture; every test then boots that image through the app's own
# python driver, which also checks the host's side after the VM has ended. The apps
# carry their own configuration, so these tests do not depend on this build's.

# accept_app(<app>): the fixture test app.<app>.build, which builds apps/<app>.
function(accept_app app)
  add_test(NAME app.${app}.build
           COMMAND ${CAIRN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/app_repo_test.py --build-only
                   --source ${CMAKE_CURRENT_SOURCE_DIR}/apps/${app}
                   --build ${CMAKE_CURRENT_BINARY_DIR}/app-${app})
  set_tests_properties(app.${app}.build PROPERTIES LABELS "integration" TIMEOUT 900
                       FIXTURES_SETUP ${app}_image)
endfunction()

# accept_test(<name> <app> <driver> [driver options] -- [boot_test.py options]): the
# test accept.<name>, which runs apps/<app>/<driver> on the fixture's image.
function(accept_test name app driver)
  set(image ${CMAKE_CURRENT_BINARY_DIR}/app-${app}/${app})
  list(FIND ARGN "--" split)
  list(SUBLIST ARGN 0 ${split} driver_options)
  math(EXPR boot_start "${split} + 1")
  list(SUBLIST ARGN ${boot_start} -1 boot_options)
  add_test(NAME accept.${name}
           COMMAND ${CAIRN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/apps/${app}/${driver}
                   ${driver_options} -- --image ${image} ${boot_options})
  set_tests_properties(accept.${name} PROPERTIES LABELS "integration" TIMEOUT 300
                       FIXTURES_REQUIRED ${app}_image)
endfunction()

accept_app(accept-disk)
accept_app(accept-entropy)
accept_app(accept-files)

foreach(machine microvm q35)
  # [M5] 2 MiB and an unaligned 10-byte write to /dev/vda, checked byte for byte on the
  # host; a read-only disk reads and refuses writes (EROFS at open, EBADF after).
  accept_test(disk.${machine} accept-disk accept_disk.py --mode rw -- --machine ${machine})
  accept_test(disk-ro.${machine} accept-disk accept_disk.py --mode readonly -- --machine ${machine})

  # [M5] /dev/urandom, /dev/random, getentropy and getrandom: from virtio-rng (`--rng`);
  # from virtio-rng alone on a CPU without RDRAND/RDSEED (so /dev/urandom must go through
  # getentropy and the device); from the CPU's RDRAND without a device.
  accept_test(entropy.virtio-rng.${machine} accept-entropy accept_entropy.py --mode random
              -- --machine ${machine} --run-option=--rng --kernel-option virtio.list
              --expect "^virtio: .* type 4: virtio-rng \\((irq|msi-x)\\)$")
  accept_test(entropy.virtio-only.${machine} accept-entropy accept_entropy.py --mode random
              -- --machine ${machine} --cpu qemu64 --run-option=--rng)
  accept_test(entropy.cpu.${machine} accept-entropy accept_entropy.py --mode random
              -- --machine ${machine})

  # [M6] an initrd, ramfs and its errno cases, pipes, dup, /dev/null, and 5000 lines on a
  # 9p share that the host must find.
  accept_test(files.${machine} accept-files accept_files.py -- --machine ${machine})
endforeach()
# Neither a device nor RDRAND (QEMU's qemu64 CPU): every source fails with EIO.
accept_test(entropy.none.microvm accept-entropy accept_entropy.py --mode none
            -- --machine microvm --cpu qemu64)

# ---------------------------------------------------------------------------------------
# [M7] networking: unseen socket programs in plain POSIX C (apps/accept-net-*), each
# booted on QEMU user networking and driven from the host, only over 127.0.0.1 (ports
# forwarded to the guest; the guest reaches the host's 127.0.0.1 as slirp's 10.0.2.2).
# The drivers run the same main.c as a Linux process with --linux, which checks them.
accept_app(accept-net-tcp-echo)
accept_app(accept-net-udp)
accept_app(accept-net-epoll)
accept_app(accept-net-resolve)

foreach(machine microvm q35)
  # A thread per connection: 100 clients connected at once, all exchanging messages of
  # up to 64 KiB at the same time, half-closes; no connection left, counts agree.
  accept_test(net-tcp-echo.${machine} accept-net-tcp-echo accept_tcp_echo.py --clients 100
              -- --machine ${machine} --timeout 120)
  # recvfrom/sendto and recvmsg/sendmsg: 800 datagrams from 8 sockets at once, then
  # fragmented ones up to 65507 bytes both ways.
  accept_test(net-udp.${machine} accept-net-udp accept_udp.py -- --machine ${machine} --timeout 120)
  # Edge-triggered epoll on one thread (and with EPOLLONESHOT re-arming): 100 clients
  # pipelining, sending pieces, reading slowly, half-closing and resetting.
  accept_test(net-epoll.${machine} accept-net-epoll accept_epoll.py
              -- --machine ${machine} --timeout 120)
  accept_test(net-epoll-oneshot.${machine} accept-net-epoll accept_epoll.py --oneshot
              -- --machine ${machine} --timeout 120)
  # getaddrinfo/gethostbyname against a DNS server on the host's 127.0.0.1:53 (one test
  # at a time holds that port: RESOURCE_LOCK, shared with boot.lwip.dns.*; 77 when it
  # cannot be had), then a connection to the name found.
  accept_test(net-resolve.${machine} accept-net-resolve accept_resolve.py
              -- --machine ${machine} --timeout 60)
  set_tests_properties(accept.net-resolve.${machine} PROPERTIES RESOURCE_LOCK host_dns_port
                       SKIP_RETURN_CODE 77)
endforeach()
