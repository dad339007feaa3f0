// The receive side of a virtio-net device: a pool of driver-owned buffers, the
// receive queue kept filled with them, and the reassembly of completed buffers into
// frames that are lent to the consumer until it releases them. Pure logic over a
// SplitQueue and memory it is given (host-testable against the simulated device).
//
// Buffers are 2 KiB chunks of memory the device may write. Their records (the
// PacketBuffers: pointers, lengths, state) live apart from that memory, so nothing the
// device writes can redirect a pointer. Not thread-safe: the driver serialises calls.
#pragma once

#include <cstdint>
#include <span>

#include <cairn/kernel/result.h>
#include <cairn/net/packet_device.h>
#include <cairn/virtio/virtqueue.h>

#include "net_rx_assembler.h"

namespace cairn::virtio {

class NetRx {
 public:
  static constexpr std::uint32_t kChunkBytes = 2048;
  // Where a buffer starts in its chunk: 2 + 12 (virtio header) + 14 (Ethernet) puts
  // the IP header on a 4-byte boundary.
  static constexpr std::uint32_t kChunkOffset = 2;
  static constexpr std::uint32_t kMaxBufferBytes = kChunkBytes - kChunkOffset;

  NetRx() = default;
  NetRx(const NetRx&) = delete;
  NetRx& operator=(const NetRx&) = delete;
  ~NetRx();

  // `chunks`: kChunkBytes per buffer (the device writes there); `buffer_bytes` what is
  // offered of each (at least the header, at most kMaxBufferBytes; at least a full
  // frame and header without mergeable buffers). EINVAL, ENOMEM.
  Result<void> init(SplitQueue& ring, const RxAssemblerConfig& config, std::span<std::byte> chunks,
                    std::uint32_t buffer_bytes, net::PacketDevice* owner);

  // Offers every free buffer the queue has room for. True when the device asked to be
  // notified (the caller then notifies through the transport).
  bool refill();
  // Takes completed buffers and hands up to frames.size() frames to the caller. EIO
  // when the queue broke.
  Result<std::size_t> poll(std::span<net::PacketBuffer*> frames);
  // A segment the consumer gives back. False when it is not one this pool lent.
  bool release(net::PacketBuffer* segment);

  std::uint32_t buffer_count() const { return count_; }
  std::uint32_t lent() const { return lent_; }
  std::uint32_t posted() const { return posted_; }
  std::uint64_t errors() const { return assembler_.dropped_frames(); }
  Error last_error() const { return assembler_.last_error(); }

 private:
  enum class State : std::uint8_t { kFree, kPosted, kAssembling, kLent };

  std::int64_t index_of(const net::PacketBuffer* record) const;
  void recycle(net::PacketBuffer* record);

  SplitQueue* ring_ = nullptr;
  RxAssembler assembler_{RxAssemblerConfig{}};
  std::byte* chunks_ = nullptr;
  std::uint32_t buffer_bytes_ = 0;
  net::PacketDevice* owner_ = nullptr;
  net::PacketBuffer* records_ = nullptr;
  State* states_ = nullptr;
  std::uint32_t* free_ = nullptr;  // a stack of free record indices
  std::uint32_t free_count_ = 0;
  std::uint32_t count_ = 0;
  std::uint32_t lent_ = 0;
  std::uint32_t posted_ = 0;
};

}  // namespace cairn::virtio
