// Checksums over segmented frames. Segments may have odd lengths, so each byte's place
// in its 16-bit word follows from its offset in the whole frame.
#include <errno.h>

#include "net_checksum.h"

namespace cairn::virtio {
namespace {

// The byte at `offset` in the chain, or null beyond its end.
std::byte* byte_at(net::PacketBuffer* head, std::uint32_t offset) {
  for (net::PacketBuffer* b = head; b; b = b->next) {
    if (offset < b->length) return b->data + offset;
    offset -= b->length;
  }
  return nullptr;
}

}  // namespace

std::uint64_t checksum_sum(const net::PacketBuffer* head, std::uint32_t start) {
  std::uint64_t sum = 0;
  std::uint64_t position = 0;  // offset of the segment's first byte in the frame
  for (const net::PacketBuffer* b = head; b; position += b->length, b = b->next) {
    for (std::uint32_t i = 0; i < b->length; ++i) {
      const std::uint64_t at = position + i;
      if (at < start) continue;
      const auto value = static_cast<std::uint8_t>(b->data[i]);
      // Words are counted from `start`: its byte is the high half.
      sum += ((at - start) & 1) ? value : std::uint64_t{value} << 8;
    }
  }
  return sum;
}

Result<void> complete_checksum(net::PacketBuffer* head, std::uint32_t start, std::uint32_t offset) {
  const std::uint64_t field = std::uint64_t{start} + offset;
  if (field + 2 > head->frame_length) return Error(EPROTO, "checksum field outside the frame");
  std::byte* high = byte_at(head, static_cast<std::uint32_t>(field));
  std::byte* low = byte_at(head, static_cast<std::uint32_t>(field + 1));
  if (!high || !low) return Error(EPROTO, "checksum field outside the frame");
  std::uint64_t sum = checksum_sum(head, start);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  auto result = static_cast<std::uint16_t>(~sum);
  // 0 means "no checksum" to UDP; 0xffff is the same value in one's complement.
  if (result == 0) result = 0xffff;
  *high = static_cast<std::byte>(result >> 8);
  *low = static_cast<std::byte>(result & 0xff);
  return {};
}

}  // namespace cairn::virtio
