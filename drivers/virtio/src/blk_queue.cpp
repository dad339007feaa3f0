// The virtio-blk request engine (see blk_queue.h).
#include "blk_queue.h"

#include <errno.h>

#include <atomic>

namespace cairn::virtio::blk {
namespace {

// Header, segments, status: the longest chain a queue of the largest size could take.
constexpr std::size_t kMaxChain = 130;

}  // namespace

std::size_t RequestQueue::memory_bytes(std::uint16_t slots) {
  return slots * (sizeof(SlotMemory) + sizeof(SlotState) + sizeof(std::uint16_t));
}

RequestQueue::RequestQueue(SplitQueue& ring, std::span<std::byte> memory, std::uint16_t slots,
                           std::uint32_t sector_size, Notify notify, void* notify_context)
    : ring_(ring),
      slots_(reinterpret_cast<SlotMemory*>(memory.data())),
      states_(reinterpret_cast<SlotState*>(memory.data() + slots * sizeof(SlotMemory))),
      free_slots_(reinterpret_cast<std::uint16_t*>(
          memory.data() + slots * (sizeof(SlotMemory) + sizeof(SlotState)))),
      free_count_(slots),
      slot_count_(slots),
      sector_size_(sector_size),
      notify_(notify),
      notify_context_(notify_context) {
  for (std::uint16_t i = 0; i < slots; ++i) {
    states_[i] = {nullptr, 0};
    free_slots_[i] = static_cast<std::uint16_t>(slots - 1 - i);
  }
}

RequestQueue::Start RequestQueue::try_start(block::Request& request, std::uint64_t now_ns,
                                            Error& error) {
  if (free_count_ == 0) return Start::kNoRoom;
  if (request.segments.size() + 2 > kMaxChain) {
    error = Error(EINVAL, "virtio-blk request has too many segments");
    return Start::kRejected;
  }
  const std::uint16_t index = free_slots_[free_count_ - 1];
  SlotMemory& slot = slots_[index];
  slot.header = encode_header(request.operation, request.sector, sector_size_);
  // The device writes the status; until it does, the byte says "never written".
  std::atomic_ref<std::uint8_t>(slot.status).store(kStatusUnset, std::memory_order_relaxed);

  Buffer chain[kMaxChain];
  std::size_t n = 0;
  chain[n++] = Buffer::readable(&slot.header, sizeof slot.header);
  const bool device_writes = request.operation == block::Operation::kRead;
  for (const block::Segment& s : request.segments)
    chain[n++] =
        device_writes ? Buffer::writable(s.data, s.length) : Buffer::readable(s.data, s.length);
  chain[n++] = Buffer::writable(&slot.status, 1);

  if (auto added = ring_.add({chain, n}, &slot); !added) {
    if (added.error().code() == ENOSPC) return Start::kNoRoom;
    if (ring_.broken()) return Start::kBroken;
    error = added.error();
    return Start::kRejected;
  }
  --free_count_;
  states_[index] = {&request, now_ns};
  ++in_flight_;
  return Start::kStarted;
}

void RequestQueue::start_waiting(std::uint64_t now_ns) {
  bool started = false;
  while (waiting_head_ && !broken()) {
    block::Request& request = *waiting_head_;
    Error error(0, "");
    const Start outcome = try_start(request, now_ns, error);
    if (outcome == Start::kNoRoom || outcome == Start::kBroken) break;
    waiting_head_ = request.device_next;
    if (!waiting_head_) waiting_tail_ = nullptr;
    request.device_next = nullptr;
    --waiting_;
    if (outcome == Start::kStarted)
      started = true;
    else
      complete(request, error);
  }
  if (started && ring_.publish()) notify_(notify_context_);
}

Result<void> RequestQueue::submit(block::Request& request, std::uint64_t now_ns) {
  if (broken()) return Error(EIO, "virtio-blk queue is broken");
  request.device_next = nullptr;
  if (waiting_tail_)
    waiting_tail_->device_next = &request;
  else
    waiting_head_ = &request;
  waiting_tail_ = &request;
  ++waiting_;
  // Accepted even if the ring breaks now: fail_all() will complete it.
  start_waiting(now_ns);
  return {};
}

Result<std::size_t> RequestQueue::reap(std::uint64_t now_ns) {
  std::size_t completed = 0;
  for (;;) {
    if (failed_) return Error(EIO, "virtio-blk queue is broken");
    auto used = ring_.take_used();
    if (!used) return used.error();
    if (!used.value()) break;
    auto* slot = static_cast<SlotMemory*>(used.value()->token);
    const std::size_t index = static_cast<std::size_t>(slot - slots_);
    block::Request* request = states_[index].request;
    const std::uint8_t status =
        std::atomic_ref<std::uint8_t>(slot->status).load(std::memory_order_acquire);
    states_[index] = {nullptr, 0};
    free_slots_[free_count_++] = static_cast<std::uint16_t>(index);
    --in_flight_;
    ++completed;
    complete(*request, decode_status(status));
  }
  start_waiting(now_ns);
  if (ring_.broken()) return ring_.broken_reason();
  return completed;
}

void RequestQueue::fail_all(Error error) {
  failed_ = true;
  for (std::uint16_t i = 0; i < slot_count_; ++i) {
    block::Request* request = states_[i].request;
    if (!request) continue;
    states_[i] = {nullptr, 0};
    --in_flight_;
    complete(*request, error);
  }
  while (waiting_head_) {
    block::Request& request = *waiting_head_;
    waiting_head_ = request.device_next;
    request.device_next = nullptr;
    --waiting_;
    complete(request, error);
  }
  waiting_tail_ = nullptr;
}

std::optional<std::uint64_t> RequestQueue::oldest_start_ns() const {
  std::optional<std::uint64_t> oldest;
  for (std::uint16_t i = 0; i < slot_count_; ++i)
    if (states_[i].request && (!oldest || states_[i].started_ns < *oldest))
      oldest = states_[i].started_ns;
  return oldest;
}

void RequestQueue::complete(block::Request& request, Result<void> result) {
  request.done(request, result);
}

}  // namespace cairn::virtio::blk
