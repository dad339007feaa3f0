// Kernel options of the virtio-net driver, mostly for tests that need a path a device
// would not otherwise take:
//   virtio_net.rx_buffer=N    bytes per receive buffer with mergeable buffers (64..2046),
//                             so ordinary frames span several buffers
//   virtio_net.features=-mrg_rxbuf,-csum,-guest_csum,-status,-mac,-mtu
//                             leaves the named features out of the negotiation
//   virtio_net.polled         no interrupt: the driver's polling thread serves the cards
#pragma once

#include <cstdint>

namespace cairn::virtio::net_spec {

// The device-type feature bits the driver offers to accept.
std::uint64_t negotiated_features();
// virtio_net.rx_buffer, or `default_bytes` when it is not given.
std::uint32_t rx_buffer_bytes(std::uint32_t default_bytes);
// False with virtio_net.polled.
bool use_interrupts();

}  // namespace cairn::virtio::net_spec
