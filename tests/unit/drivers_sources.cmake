# Sources of drivers under test: target_sources(cairn_unit_tests PRIVATE ...).
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/virtio/src/virtqueue.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/mmio_spec.cpp
                                        ${CAIRN_ROOT}/drivers/pci/src/config.cpp)
# drivers/virtio/testing: the simulated device; drivers/virtio/src: internal headers.
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/virtio/include
                                                    ${CAIRN_ROOT}/drivers/virtio/src
                                                    ${CAIRN_ROOT}/drivers/virtio/testing
                                                    ${CAIRN_ROOT}/drivers/pci/include)
