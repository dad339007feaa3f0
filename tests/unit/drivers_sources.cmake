# Sources of drivers under test: target_sources(cairn_unit_tests PRIVATE ...).
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/virtio/src/virtqueue.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/mmio_spec.cpp
                                        ${CAIRN_ROOT}/drivers/pci/src/config.cpp)
# The packet-device helpers and the pure parts of virtio-net.
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/net/src/packet_buffer.cpp
                                        ${CAIRN_ROOT}/drivers/net/src/registry.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/net_header.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/net_checksum.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/net_rx_assembler.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/net_rx.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/net_tx.cpp)
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/net/include)
# Block devices and virtio-blk: request checks, splitting, registry, wire format, engine.
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/block/src/block_device.cpp
                                        ${CAIRN_ROOT}/drivers/block/src/registry.cpp
                                        ${CAIRN_ROOT}/drivers/block/src/split.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/blk_protocol.cpp
                                        ${CAIRN_ROOT}/drivers/virtio/src/blk_queue.cpp)
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/block/include
                                                    ${CAIRN_ROOT}/drivers/block/src)
# drivers/virtio/testing: the simulated device; drivers/virtio/src: internal headers.
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/drivers/virtio/include
                                                    ${CAIRN_ROOT}/drivers/virtio/src
                                                    ${CAIRN_ROOT}/drivers/virtio/testing
                                                    ${CAIRN_ROOT}/drivers/pci/include)
