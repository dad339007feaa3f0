// Helpers over received frames (chains of PacketBuffer).
#include <cstring>

#include <cairn/net/packet_device.h>

namespace cairn::net {

std::size_t copy_frame(const PacketBuffer* head, std::span<std::byte> out) {
  std::size_t copied = 0;
  for (const PacketBuffer* b = head; b && copied < out.size(); b = b->next) {
    const std::size_t n = b->length < out.size() - copied ? b->length : out.size() - copied;
    std::memcpy(out.data() + copied, b->data, n);
    copied += n;
  }
  return copied;
}

std::size_t segment_count(const PacketBuffer* head) {
  std::size_t n = 0;
  for (const PacketBuffer* b = head; b; b = b->next) ++n;
  return n;
}

void release_frame(PacketBuffer* head) {
  while (head) {
    PacketBuffer* next = head->next;  // read first: release() hands the segment back
    head->owner->release(head);
    head = next;
  }
}

}  // namespace cairn::net
