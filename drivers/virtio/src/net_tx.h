// The transmit side of a virtio-net device: each frame is one request, the 12-byte
// header (from a slot the driver owns) followed by the caller's segments (zero-copy),
// or header and frame copied together into one driver bounce buffer. Pure logic over a
// SplitQueue (host-testable); not thread-safe: the driver serialises calls.
#pragma once

#include <cstdint>
#include <span>

#include <cairn/kernel/result.h>
#include <cairn/net/packet_device.h>
#include <cairn/virtio/virtqueue.h>

#include "net_header.h"

namespace cairn::virtio {

class NetTx {
 public:
  static constexpr std::uint32_t kBounceBytes = 2048;
  // Segments sent in place; a frame in more pieces is copied (the header and 15
  // segments fill one 16-entry indirect table).
  static constexpr std::size_t kMaxZeroCopySegments = 15;

  NetTx() = default;
  NetTx(const NetTx&) = delete;
  NetTx& operator=(const NetTx&) = delete;
  ~NetTx();

  // `bounce`: kBounceBytes per copy buffer. `max_frame`: the longest frame sent.
  Result<void> init(SplitQueue& ring, std::span<std::byte> bounce, std::uint32_t max_frame,
                    bool device_checksums);

  // Adds frames to the queue (the caller publishes and notifies) and returns how many
  // from the start were added; fewer when slots, descriptors or bounce buffers ran out.
  // The errors of PacketDevice::send() for frames[0].
  Result<std::size_t> send(std::span<const net::TxFrame> frames);
  // Takes completions; the cookies of finished zero-copy frames go to `cookies`.
  // Returns how many were stored; stops when `cookies` is full.
  Result<std::size_t> reclaim(std::span<void*> cookies);

  std::uint32_t in_flight() const { return slot_count_ - free_slot_count_; }
  std::uint64_t copied() const { return copied_; }

 private:
  struct Slot {
    net_spec::Header header;  // read by the device
    void* cookie;
    std::int32_t bounce;  // index of the bounce buffer, -1 for none
    bool in_use;
  };

  // Adds one frame: EAGAIN when resources ran out for now.
  Result<void> add(const net::TxFrame& frame);

  SplitQueue* ring_ = nullptr;
  Slot* slots_ = nullptr;
  std::uint32_t* free_slots_ = nullptr;
  std::uint32_t slot_count_ = 0, free_slot_count_ = 0;
  std::byte* bounce_ = nullptr;
  std::uint32_t* free_bounce_ = nullptr;
  std::uint32_t bounce_count_ = 0, free_bounce_count_ = 0;
  std::uint32_t max_frame_ = 0;
  bool device_checksums_ = false;
  std::uint64_t copied_ = 0;
};

}  // namespace cairn::virtio
