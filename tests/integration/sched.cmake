# The kernel scheduler through its own API (apps/sched), under the build's scheduler
# (sched-test) and under the preemptive one (sched-preempt, built with the
# threads-preempt application repository: see threads.cmake, which defines its fixture).
cairn_add_unikernel(sched-test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/sched/main.cpp)

# sched_test(<mode> [boot_test.py options...]): one boot per machine and scheduler.
function(sched_test mode)
  foreach(machine microvm q35)
    cairn_boot_test(sched.${mode}.${machine} sched-test --machine ${machine} ${ARGN} -- ${mode})
    set(name boot.sched-preempt.${mode}.${machine})
    add_test(NAME ${name}
             COMMAND ${CAIRN_PYTHON} ${CAIRN_BOOT_TEST}
                     --image ${CMAKE_CURRENT_BINARY_DIR}/app-threads-preempt/sched-preempt
                     --machine ${machine} ${ARGN} -- ${mode})
    set_tests_properties(${name} PROPERTIES LABELS "integration" TIMEOUT 180
                         FIXTURES_REQUIRED threads_preempt_image)
  endforeach()
endfunction()

sched_test(yield --expect "^yield: 2000 turns, 0 out of order$")
sched_test(mutex --expect "^mutex: counter=6400 overlap=0 recursive=0,0,0,0,EPERM errorcheck=0,EDEADLK,0$")
sched_test(condvar --expect "^condvar: sum=4002000 expected=4002000$")
sched_test(timeout --expect "^timeout: semaphore ETIMEDOUT .* condvar ETIMEDOUT .* relocked=1$")
sched_test(sleep --expect "^sleep: 5 x 100 ms beside a spinning thread")
sched_test(fpu --expect "^fpu: 0 mismatches, [0-9]+ switches$")
sched_test(lifecycle --expect "^lifecycle: ran=600 created=600 alive=0 self-join=EDEADLK$")
sched_test(overflow --status 127
           --expect "stack overflow: write of the guard page below the thread 'deep' stack"
           --expect "recurse")
sched_test(deadlock --status 127 --expect "cairn: panic: deadlock: every thread is blocked")

# A guest sleeping 3 s must cost the host well under a second of CPU (QEMU's own start-up
# and the cairn tool included).
cairn_boot_test(sched.idle sched-test --max-host-cpu 1.0 --expect "^idle: slept 3[0-9][0-9][0-9] ms" -- idle)
