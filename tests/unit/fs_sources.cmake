# Sources of the initrd and 9P parsers under test (pure code: no kernel, no VFS).
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/initrd/src/cpio.cpp
                                        ${CAIRN_ROOT}/libs/initrd/src/cpio_path.cpp
                                        ${CAIRN_ROOT}/libs/9p/src/encode.cpp
                                        ${CAIRN_ROOT}/libs/9p/src/decode.cpp
                                        ${CAIRN_ROOT}/libs/9p/src/errno_linux.cpp)
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/initrd/include
                                                    ${CAIRN_ROOT}/libs/9p/include)
