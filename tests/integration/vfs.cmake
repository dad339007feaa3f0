# Boot tests for the VFS (included by CMakeLists.txt): the image apps/vfs, booted once
# per area on microvm and q35.
if(NOT CONFIG_VFS)
  return()
endif()

set(_vfs_app ${CMAKE_CURRENT_SOURCE_DIR}/apps/vfs)
cairn_add_unikernel(vfstest SOURCES ${_vfs_app}/main.c ${_vfs_app}/files.c ${_vfs_app}/dirs.c
  ${_vfs_app}/links.c ${_vfs_app}/fds.c ${_vfs_app}/pipes.c ${_vfs_app}/devices.c
  ${_vfs_app}/stdio.c ${_vfs_app}/big.c)

function(vfs_test area)
  foreach(machine microvm q35)
    cairn_boot_test(vfs.${area}.${machine} vfstest --machine ${machine}
                    --reject "FAIL|panic|warning" --expect "^${area}: ok$" ${ARGN} -- ${area})
  endforeach()
endfunction()

vfs_test(files)
vfs_test(dirs)
vfs_test(links)
vfs_test(fds --expect "^stdout restored$" --reject "redirected line")
vfs_test(pipes --expect "^pipes: 1048576 bytes between threads$")
vfs_test(devices --expect "^tty line$" --expect "^console line$" --reject "goes nowhere")
vfs_test(stdio)
vfs_test(big --mem 256M --expect "^big: 64 MiB file and 1 TiB sparse file$")
