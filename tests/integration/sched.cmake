# The kernel scheduler through its own API (apps/sched), under the build's scheduler.
cairn_add_unikernel(sched-test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/sched/main.cpp)
foreach(machine microvm q35)
  cairn_boot_test(sched.yield.${machine} sched-test --machine ${machine}
                  --expect "^yield: 2000 turns, 0 out of order$" -- yield)
  cairn_boot_test(sched.mutex.${machine} sched-test --machine ${machine}
                  --expect "^mutex: counter=6400 overlap=0 recursive=0,0,0,0,EPERM errorcheck=0,EDEADLK,0$" -- mutex)
  cairn_boot_test(sched.condvar.${machine} sched-test --machine ${machine}
                  --expect "^condvar: sum=4002000 expected=4002000$" -- condvar)
  cairn_boot_test(sched.timeout.${machine} sched-test --machine ${machine}
                  --expect "^timeout: semaphore ETIMEDOUT .* condvar ETIMEDOUT .* relocked=1$" -- timeout)
  cairn_boot_test(sched.sleep.${machine} sched-test --machine ${machine}
                  --expect "^sleep: 5 x 100 ms beside a spinning thread" -- sleep)
  cairn_boot_test(sched.fpu.${machine} sched-test --machine ${machine} --expect "^fpu: 0 mismatches, [0-9]+ switches$" -- fpu)
  cairn_boot_test(sched.lifecycle.${machine} sched-test --machine ${machine}
                  --expect "^lifecycle: ran=600 created=600 alive=0 self-join=EDEADLK$" -- lifecycle)
  cairn_boot_test(sched.overflow.${machine} sched-test --machine ${machine} --status 127
                  --expect "stack overflow: write of the guard page below the thread 'deep' stack"
                  --expect "recurse" -- overflow)
endforeach()
# A guest sleeping 3 s must cost the host well under a second of CPU (QEMU's own start-up
# and the cairn tool included).
cairn_boot_test(sched.idle sched-test --max-host-cpu 1.0 --expect "^idle: slept 3[0-9][0-9][0-9] ms" -- idle)
