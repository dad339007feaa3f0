// The receive buffer pool and queue of a virtio-net device.
#include <errno.h>

#include <new>

#include "net_rx.h"

namespace cairn::virtio {

NetRx::~NetRx() {
  delete[] records_;
  delete[] states_;
  delete[] free_;
}

Result<void> NetRx::init(SplitQueue& ring, const RxAssemblerConfig& config,
                         std::span<std::byte> chunks, std::uint32_t buffer_bytes,
                         net::PacketDevice* owner) {
  if (buffer_bytes < net_spec::kHeaderBytes || buffer_bytes > kMaxBufferBytes)
    return Error(EINVAL, "virtio-net: receive buffer size out of range");
  if (!config.mergeable && buffer_bytes < net_spec::kHeaderBytes + config.max_frame)
    return Error(EINVAL, "virtio-net: receive buffers too small for a frame");
  const std::size_t count = chunks.size() / kChunkBytes;
  if (count == 0 || count > UINT32_MAX) return Error(EINVAL, "virtio-net: no receive memory");
  records_ = new (std::nothrow) net::PacketBuffer[count];
  states_ = new (std::nothrow) State[count];
  free_ = new (std::nothrow) std::uint32_t[count];
  if (!records_ || !states_ || !free_) return Error(ENOMEM, "virtio-net: out of memory");
  ring_ = &ring;
  assembler_ = RxAssembler(config);
  chunks_ = chunks.data();
  buffer_bytes_ = buffer_bytes;
  owner_ = owner;
  count_ = static_cast<std::uint32_t>(count);
  for (std::uint32_t i = 0; i < count_; ++i) {
    states_[i] = State::kFree;
    free_[i] = count_ - 1 - i;  // hand out low addresses first
  }
  free_count_ = count_;
  return {};
}

std::int64_t NetRx::index_of(const net::PacketBuffer* record) const {
  const auto at = reinterpret_cast<std::uintptr_t>(record);
  const auto base = reinterpret_cast<std::uintptr_t>(records_);
  if (at < base || (at - base) % sizeof(net::PacketBuffer) != 0) return -1;
  const std::uintptr_t index = (at - base) / sizeof(net::PacketBuffer);
  return index < count_ ? static_cast<std::int64_t>(index) : -1;
}

bool NetRx::refill() {
  bool added = false;
  while (free_count_ > 0 && ring_->free_descriptors() > 0) {
    const std::uint32_t index = free_[free_count_ - 1];
    net::PacketBuffer& record = records_[index];
    record.next = nullptr;
    record.data = chunks_ + std::size_t{index} * kChunkBytes + kChunkOffset;
    record.length = record.frame_length = record.flags = 0;
    record.owner = owner_;
    const Buffer buffer = Buffer::writable(record.data, buffer_bytes_);
    if (!ring_->add({&buffer, 1}, &record)) break;  // broken: poll() reports it
    --free_count_;
    states_[index] = State::kPosted;
    ++posted_;
    added = true;
  }
  return added && ring_->publish();
}

Result<std::size_t> NetRx::poll(std::span<net::PacketBuffer*> frames) {
  std::size_t n = 0;
  while (n < frames.size()) {
    auto taken = ring_->take_used();
    // Frames already assembled in this call go up first; the queue stays broken, so the
    // next call reports the error.
    if (!taken) return n > 0 ? Result<std::size_t>(n) : taken.error();
    const auto& used = taken.value();
    if (!used) break;
    auto* record = static_cast<net::PacketBuffer*>(used->token);
    const std::int64_t index = index_of(record);
    // The queue hands back only tokens in flight; this guards the driver's own logic.
    if (index < 0 || states_[index] != State::kPosted)
      return Error(EIO, "virtio-net: completion of a buffer not posted");
    states_[index] = State::kAssembling;
    --posted_;
    switch (assembler_.add(record, used->length)) {
      case RxAssembler::Outcome::kPending:
        break;
      case RxAssembler::Outcome::kFrame: {
        net::PacketBuffer* frame = assembler_.take_frame();
        for (net::PacketBuffer* b = frame; b; b = b->next) {
          states_[index_of(b)] = State::kLent;
          ++lent_;
        }
        // The consumer holds so many buffers that the device may soon have none.
        if (posted_ + free_count_ < count_ / 4) frame->flags |= net::PacketBuffer::kCopyAdvised;
        frames[n++] = frame;
        break;
      }
      case RxAssembler::Outcome::kDropped:
        for (net::PacketBuffer* b = assembler_.take_dropped(); b;) {
          net::PacketBuffer* next = b->next;
          recycle(b);
          b = next;
        }
        break;
    }
  }
  return n;
}

bool NetRx::release(net::PacketBuffer* segment) {
  const std::int64_t index = index_of(segment);
  if (index < 0 || states_[index] != State::kLent) return false;
  --lent_;
  recycle(segment);
  return true;
}

void NetRx::recycle(net::PacketBuffer* record) {
  const auto index = static_cast<std::uint32_t>(index_of(record));
  states_[index] = State::kFree;
  free_[free_count_++] = index;
}

}  // namespace cairn::virtio
