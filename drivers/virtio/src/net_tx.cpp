// Transmit slots, bounce buffers and completions of a virtio-net device.
#include <errno.h>

#include <cstring>
#include <new>

#include "net_tx.h"

namespace cairn::virtio {

NetTx::~NetTx() {
  delete[] slots_;
  delete[] free_slots_;
  delete[] free_bounce_;
}

Result<void> NetTx::init(SplitQueue& ring, std::span<std::byte> bounce, std::uint32_t max_frame,
                         bool device_checksums) {
  if (max_frame < net::kEthernetHeaderBytes) return Error(EINVAL, "virtio-net: bad frame size");
  slot_count_ = ring.size();
  bounce_count_ = static_cast<std::uint32_t>(bounce.size() / kBounceBytes);
  slots_ = new (std::nothrow) Slot[slot_count_];
  free_slots_ = new (std::nothrow) std::uint32_t[slot_count_];
  free_bounce_ = new (std::nothrow) std::uint32_t[bounce_count_ ? bounce_count_ : 1];
  if (!slots_ || !free_slots_ || !free_bounce_) return Error(ENOMEM, "virtio-net: out of memory");
  for (std::uint32_t i = 0; i < slot_count_; ++i) {
    slots_[i] = Slot{{}, nullptr, -1, false};
    free_slots_[i] = slot_count_ - 1 - i;
  }
  for (std::uint32_t i = 0; i < bounce_count_; ++i) free_bounce_[i] = bounce_count_ - 1 - i;
  free_slot_count_ = slot_count_;
  free_bounce_count_ = bounce_count_;
  ring_ = &ring;
  bounce_ = bounce.data();
  max_frame_ = max_frame;
  device_checksums_ = device_checksums;
  return {};
}

Result<std::size_t> NetTx::send(std::span<const net::TxFrame> frames) {
  std::size_t n = 0;
  for (; n < frames.size(); ++n) {
    auto added = add(frames[n]);
    if (added) continue;
    if (added.error().code() == EAGAIN || n > 0) break;  // the caller retries the rest
    return added.error();
  }
  return n;
}

Result<void> NetTx::add(const net::TxFrame& frame) {
  std::uint64_t length = 0;
  std::size_t pieces = 0;
  for (const net::Segment& s : frame.segments) {
    length += s.length;
    pieces += s.length != 0;
  }
  if (length == 0) return Error(EINVAL, "empty frame");
  if (length > max_frame_) return Error(EMSGSIZE, "frame longer than the device's MTU allows");
  const net_spec::Header header = TRY(net_spec::encode_tx_header(
      frame.checksum, static_cast<std::uint32_t>(length), device_checksums_));
  if (ring_->broken()) return ring_->broken_reason();

  const bool copy = !frame.cookie || pieces > kMaxZeroCopySegments;
  if (free_slot_count_ == 0 || (copy && free_bounce_count_ == 0))
    return Error(EAGAIN, "no transmit slot free");
  if (copy && length + net_spec::kHeaderBytes > kBounceBytes)
    return Error(EMSGSIZE, "frame too long for a copy buffer");

  const std::uint32_t slot_index = free_slots_[free_slot_count_ - 1];
  Slot& slot = slots_[slot_index];
  slot.header = header;
  Buffer buffers[1 + kMaxZeroCopySegments];
  std::size_t count = 0;
  std::int32_t bounce = -1;
  if (copy) {
    bounce = static_cast<std::int32_t>(free_bounce_[free_bounce_count_ - 1]);
    std::byte* to = bounce_ + std::size_t(bounce) * kBounceBytes;
    std::memcpy(to, &header, sizeof header);
    std::size_t at = sizeof header;
    for (const net::Segment& s : frame.segments) {
      if (s.length) std::memcpy(to + at, s.data, s.length);
      at += s.length;
    }
    buffers[count++] = Buffer::readable(to, static_cast<std::uint32_t>(at));
  } else {
    buffers[count++] = Buffer::readable(&slot.header, sizeof slot.header);
    for (const net::Segment& s : frame.segments)
      if (s.length) buffers[count++] = Buffer::readable(s.data, s.length);
  }
  if (auto added = ring_->add({buffers, count}, &slot); !added)
    return added.error().code() == ENOSPC ? Error(EAGAIN, "transmit queue full") : added.error();
  slot.cookie = frame.cookie;
  slot.bounce = bounce;
  slot.in_use = true;
  --free_slot_count_;
  if (copy) {
    --free_bounce_count_;
    ++copied_;
  }
  return {};
}

Result<std::size_t> NetTx::reclaim(std::span<void*> cookies) {
  std::size_t n = 0;
  while (n < cookies.size()) {
    auto taken = ring_->take_used();
    // Cookies collected so far go back first (their memory is the caller's); the queue
    // stays broken, so the next call reports the error.
    if (!taken) return n > 0 ? Result<std::size_t>(n) : taken.error();
    const auto& used = taken.value();
    if (!used) break;
    auto* slot = static_cast<Slot*>(used->token);
    const auto index = static_cast<std::uint32_t>(slot - slots_);
    if (index >= slot_count_ || !slot->in_use)
      return Error(EIO, "virtio-net: completion of a frame not sent");
    if (slot->bounce >= 0) free_bounce_[free_bounce_count_++] = std::uint32_t(slot->bounce);
    if (slot->cookie) cookies[n++] = slot->cookie;
    *slot = Slot{{}, nullptr, -1, false};
    free_slots_[free_slot_count_++] = index;
  }
  return n;
}

}  // namespace cairn::virtio
