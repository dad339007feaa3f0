// The virtio-net per-packet header: encoding for transmit, checking for receive.
#include <errno.h>

#include "net_header.h"

namespace cairn::virtio::net_spec {

Result<Header> encode_tx_header(const net::TxChecksum& checksum, std::uint32_t frame_length,
                                bool device_checksums) {
  Header header{};
  header.gso_type = kGsoNone;
  if (!checksum.requested) return header;
  if (!device_checksums) return Error(EINVAL, "checksum offload not offered by the device");
  // The 16-bit field must lie inside the frame, after the start of the summed range.
  if (std::uint32_t{checksum.start} + checksum.offset + 2 > frame_length)
    return Error(EINVAL, "checksum offload field outside the frame");
  header.flags = kFlagNeedsCsum;
  header.csum_start = checksum.start;
  header.csum_offset = checksum.offset;
  return header;
}

Result<RxHeaderInfo> decode_rx_header(const Header& header, bool mergeable, bool guest_csum,
                                      std::uint16_t max_buffers) {
  if (header.gso_type != kGsoNone) return Error(EPROTO, "virtio-net: GSO frame not negotiated");
  RxHeaderInfo info{};
  // Without mergeable buffers the field means nothing to the driver (the spec has the
  // device write 1; older devices write 0).
  info.num_buffers = mergeable ? header.num_buffers : 1;
  if (info.num_buffers == 0 || info.num_buffers > max_buffers)
    return Error(EPROTO, "virtio-net: num_buffers out of range");
  info.needs_checksum = header.flags & kFlagNeedsCsum;
  // Without GUEST_CSUM the device must leave the flags 0; a stray DATA_VALID is ignored.
  info.data_valid = guest_csum && (header.flags & kFlagDataValid);
  if (info.needs_checksum && !guest_csum)
    return Error(EPROTO, "virtio-net: partial checksum without VIRTIO_NET_F_GUEST_CSUM");
  info.csum_start = header.csum_start;
  info.csum_offset = header.csum_offset;
  return info;
}

}  // namespace cairn::virtio::net_spec
