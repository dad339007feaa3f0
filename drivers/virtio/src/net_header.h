// Numbers and the per-packet header of the virtio network device (virtio 1.2 section
// 5.1), and their translation to and from the packet-device interface. Pure logic.
#pragma once

#include <cstdint>

#include <cairn/net/packet_device.h>

namespace cairn::virtio::net_spec {

// Feature bits (5.1.3).
inline constexpr int kFeatureCsum = 0;       // device completes partial tx checksums
inline constexpr int kFeatureGuestCsum = 1;  // driver handles partial rx checksums
inline constexpr int kFeatureMtu = 3;        // config `mtu` is valid
inline constexpr int kFeatureMac = 5;        // config `mac` is valid
inline constexpr int kFeatureMrgRxbuf = 15;  // received frames may span buffers
inline constexpr int kFeatureStatus = 16;    // config `status` is valid

// Configuration space (5.1.4).
inline constexpr std::uint32_t kConfigMac = 0;  // 6 bytes
inline constexpr std::uint32_t kConfigStatus = 6;
inline constexpr std::uint32_t kConfigMtu = 10;
inline constexpr std::uint16_t kStatusLinkUp = 1;

// Queues: receiveq1, transmitq1 (no multiqueue, no control queue).
inline constexpr std::uint16_t kReceiveQueue = 0;
inline constexpr std::uint16_t kTransmitQueue = 1;

// struct virtio_net_hdr (5.1.6). With VIRTIO_F_VERSION_1 num_buffers is always there.
struct Header {
  std::uint8_t flags;
  std::uint8_t gso_type;
  std::uint16_t header_length;
  std::uint16_t gso_size;
  std::uint16_t csum_start;
  std::uint16_t csum_offset;
  std::uint16_t num_buffers;
};
static_assert(sizeof(Header) == 12);
inline constexpr std::uint32_t kHeaderBytes = sizeof(Header);

inline constexpr std::uint8_t kFlagNeedsCsum = 1;  // checksum from csum_start still to do
inline constexpr std::uint8_t kFlagDataValid = 2;  // rx: device verified the checksums
inline constexpr std::uint8_t kGsoNone = 0;

// The transmit header for a frame of `frame_length` bytes. EINVAL when a checksum is
// requested that lies outside the frame or the device cannot compute.
Result<Header> encode_tx_header(const net::TxChecksum& checksum, std::uint32_t frame_length,
                                bool device_checksums);

// What a receive header says, after checks (5.1.6.4).
struct RxHeaderInfo {
  std::uint16_t num_buffers;  // 1 unless mergeable buffers are on
  bool data_valid;
  bool needs_checksum;
  std::uint16_t csum_start, csum_offset;
};
// `header` is a copy the driver took of the device's bytes (read once). EPROTO for a
// header the driver cannot accept: GSO (never negotiated), num_buffers 0 or above
// `max_buffers`, a partial checksum without GUEST_CSUM.
Result<RxHeaderInfo> decode_rx_header(const Header& header, bool mergeable, bool guest_csum,
                                      std::uint16_t max_buffers);

}  // namespace cairn::virtio::net_spec
