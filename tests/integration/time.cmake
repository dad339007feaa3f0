# Boot tests for time (included by CMakeLists.txt).
cairn_add_unikernel(time SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/time/main.cpp)
# The image also reads the clock's own report (cairn/time/clock.h).
target_include_directories(time PRIVATE ${CAIRN_ROOT}/kernel/time/include)

foreach(machine microvm q35 pc)
  cairn_boot_test(time.clock.${machine} time --machine ${machine} --reject "FAIL|warning"
                  --expect "^clock: tsc-hz=[1-9][0-9]+ tsc-source=(hpet|pit|kvmclock|cpuid|hypervisor)"
                  --expect "^monotonic: consistent with the TSC$" --expect "^errors: checked$"
                  --expect "^time clock: ok$" --host-clock "realtime=([0-9]+\\.[0-9]+)" -- clock)
endforeach()
foreach(machine microvm q35)
  cairn_boot_test(time.sleep.${machine} time --machine ${machine} --reject "FAIL|warning"
                  --timestamps --expect "^nanosleep 100 ms: slept" --expect "^time sleep: ok$" -- sleep)
  cairn_boot_test(time.wall.${machine} time --machine ${machine} --reject "FAIL|warning"
                  --expect "^wall clock synchronised=1" --expect "^time wall: ok$"
                  --host-clock "^synchronised realtime=([0-9]+\\.[0-9]+)" -- wall)
endforeach()
