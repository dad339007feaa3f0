# Boot tests for the initrd and 9p host shares (included by CMakeLists.txt). fs_test.py
# builds the initrd or fills the shared directory, boots the image with it, and checks
# the host's side after the VM has ended.
# Both are off by default; the test configuration (configs/test.conf) turns them on.
if(NOT (CONFIG_INITRD AND CONFIG_FS_9P))
  return()
endif()
cairn_add_unikernel(fstest SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/fs/main.c)
set(CAIRN_FS_TEST ${CMAKE_CURRENT_SOURCE_DIR}/apps/fs/fs_test.py)
# cairn_fs_test(<name> <mode> [boot_test.py options])
function(cairn_fs_test name mode)
  add_test(NAME boot.${name} COMMAND ${CAIRN_PYTHON} ${CAIRN_FS_TEST} --mode ${mode} --
                                     --image $<TARGET_FILE:fstest> ${ARGN})
  set_tests_properties(boot.${name} PROPERTIES LABELS "integration" TIMEOUT 240)
endfunction()
foreach(machine microvm q35)
  cairn_fs_test(fs.initrd.${machine} initrd --machine ${machine} --reject "panic|exception")
  cairn_fs_test(fs.share.${machine} share --machine ${machine} --reject "warning|panic|exception")
endforeach()
