// The Internet checksum (RFC 1071) over a received frame held in a chain of segments,
// for frames the device delivered with a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM):
// the driver finishes the sum so that the stack above sees an ordinary frame.
#pragma once

#include <cstdint>

#include <cairn/kernel/result.h>
#include <cairn/net/packet_device.h>

namespace cairn::virtio {

// The one's-complement sum (not folded to 16 bits, not complemented) of the bytes from
// `start` to the end of the chain, as big-endian 16-bit words.
std::uint64_t checksum_sum(const net::PacketBuffer* head, std::uint32_t start);

// Stores the checksum of the bytes from `start` to the end of the frame at
// start + offset. The field holds the pseudo-header sum on entry, and is part of the
// summed range, as Linux's skb_checksum_help() computes it. EPROTO when the field
// lies outside the frame.
Result<void> complete_checksum(net::PacketBuffer* head, std::uint32_t start, std::uint32_t offset);

}  // namespace cairn::virtio
