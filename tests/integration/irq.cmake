# Boot tests for irq (included by CMakeLists.txt).
cairn_add_unikernel(irq-test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/irq/main.cpp)

foreach(machine microvm q35 pc)
  cairn_boot_test(irq.rtc.${machine} irq-test --machine ${machine} --reject "FAIL|warning"
                  --expect "^rtc: vector [0-9]+, (6[5-9]|[7-9][0-9]) interrupts" --expect "^rtc ok$" -- rtc)
  cairn_boot_test(irq.timer.${machine} irq-test --machine ${machine} --reject "FAIL|warning"
                  --expect "^timer ok$" -- timer)
  cairn_boot_test(irq.unexpected.${machine} irq-test --machine ${machine} --reject "FAIL|warning"
                  --expect "^unexpected ok$" -- unexpected)
endforeach()
cairn_boot_test(irq.timer-long irq-test --machine q35 --reject "FAIL|warning"
                --expect "^timer-long ok$" -- timer-long)
