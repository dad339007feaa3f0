// An lwIP netif over a packet device (cairn/net/packet_device.h): the glue between the
// two, with no thread, lock or clock of its own, so the host tests and the fuzzer run
// the same code as the image. Who calls it decides the context: in the image the
// card's receive thread (netif_thread.cpp) calls device_netif_poll() holding the core
// lock; the host tests run lwIP with NO_SYS=1 on one thread.
//
// Receive is zero-copy: each segment of a frame becomes a pbuf_custom (PBUF_REF) built
// in the segment's `client` scratch space, whose free function releases the segment.
// A frame flagged kCopyAdvised is copied into PBUF_POOL pbufs and released at once.
// Transmit hands the pbuf chain's pieces to the device in place (pbuf_ref, and the pbuf
// is the cookie; tx_done frees it); short frames are copied by the driver instead.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/result.h>
#include <cairn/net/packet_device.h>

#include "lwip/netif.h"

namespace cairn::lwip {

struct DeviceNetif {
  struct netif netif {};
  net::PacketDevice* device = nullptr;
  // Zero-copy frames the device still reads (tx_done not yet called): while there are
  // any, the receive thread calls reclaim() now and then, since the driver reports
  // completions only from inside its own calls.
  std::uint32_t tx_in_flight = 0;
  // A frame was refused for want of transmit space: TCP kept the segment (ERR_MEM) and
  // must be told to send again once the device has room (the receive thread does).
  bool tx_blocked = false;
  // Counters for messages and tests (lwIP's link stats count the same in debug builds).
  std::uint64_t rx_frames = 0, rx_copied = 0, rx_dropped = 0;
  std::uint64_t tx_frames = 0, tx_zero_copy = 0, tx_dropped = 0;
};

// Frames up to this size are cheaper copied by the driver than tracked (no cookie).
inline constexpr std::uint32_t kTxCopyBelowBytes = 256;
// The most segments a zero-copy frame may have: the driver sends at most 15 in place.
inline constexpr std::size_t kTxMaxSegments = 15;

// netif_add()'s init function. netif->state must point at the DeviceNetif whose
// `device` is set: takes the MAC, MTU and link state from the device, sets the
// Ethernet flags and output functions, and all checksums in software (see
// docs/networking.md). Does not set the listener (device_netif_listener() does).
err_t device_netif_init(struct netif* netif);

// The listener's transmit-completion half: tx_done frees the frame's pbuf. The caller
// fills in rx_ready, tx_ready and link_changed (interrupt context: wake a thread).
net::PacketListener device_netif_listener(DeviceNetif& dn);

// Takes up to `budget` frames from the device and hands each to netif->input. Returns
// how many were taken; fewer than `budget` means the device is drained (and rx_ready
// armed). Frames that cannot be wrapped (no pbuf for a copy) are dropped and counted.
Result<std::size_t> device_netif_poll(DeviceNetif& dn, std::size_t budget);

// Makes the netif's link state follow device->link_up() (netif_set_link_up/down).
void device_netif_sync_link(DeviceNetif& dn);

}  // namespace cairn::lwip
