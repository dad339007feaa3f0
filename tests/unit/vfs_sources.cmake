# The VFS core, ramfs, devfs basics and pipes under test, built for the host
# (CAIRN_VFS_HOST maps cairn/vfs/lock.h onto the C++ library: src/os_host.cpp).
set(_vfs ${CAIRN_ROOT}/libs/vfs)
foreach(source vnode.cpp filesystem.cpp open_file.cpp vnode_file.cpp fd_table.cpp
               mount_table.cpp vfs_walk.cpp vfs_ops.cpp vfs_mount.cpp vfs_cwd.cpp pipe.cpp
               devfs.cpp dev_basic.cpp os_host.cpp ramfs/page_tree.cpp ramfs/dir_table.cpp
               ramfs/ramfs.cpp ramfs/ramfs_file.cpp ramfs/ramfs_dir.cpp)
  target_sources(cairn_unit_tests PRIVATE ${_vfs}/src/${source})
endforeach()
target_include_directories(cairn_unit_tests PRIVATE ${_vfs}/include ${_vfs}/src)
target_compile_definitions(cairn_unit_tests PRIVATE CAIRN_VFS_HOST=1)
