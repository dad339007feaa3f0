// The device side of a split virtqueue, for host tests and fuzzers: it reads what the
// driver made available (following chains and indirect tables, as a real device does,
// with the same checks), completes requests, and can write any used entry at all, so
// tests can play a broken or hostile device. Header-only; uses the host's allocator.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include <cairn/virtio/ring.h>
#include <cairn/virtio/virtqueue.h>

namespace cairn::virtio::test {

class SimDevice {
 public:
  struct Segment {
    void* data;
    std::uint32_t length;
    bool writable;
  };
  struct Request {
    std::uint16_t head;
    bool indirect;
    std::vector<Segment> buffers;
  };

  SimDevice(const QueueAddresses& queue, bool event_idx)
      : size_(queue.size),
        event_idx_(event_idx),
        descriptors_(reinterpret_cast<Descriptor*>(queue.descriptors)),
        avail_(reinterpret_cast<std::uint16_t*>(queue.driver_area)),
        used_(reinterpret_cast<std::uint16_t*>(queue.device_area)),
        used_ring_(reinterpret_cast<UsedElement*>(used_ + 2)) {}

  // The next request the driver published, or nothing. Aborts on a malformed chain:
  // the driver under test must never publish one.
  std::optional<Request> next_request() {
    const std::uint16_t avail_index = load16(avail_[1]);
    if (avail_index == last_avail_) return std::nullopt;
    const std::uint16_t head = avail_[2 + (last_avail_ & (size_ - 1))];
    ++last_avail_;
    check(head < size_);
    Request request{head, false, {}};
    const Descriptor* table = descriptors_;
    std::uint32_t table_size = size_;
    std::uint32_t index = head;
    if (descriptors_[head].flags & kDescriptorIndirect) {
      const Descriptor& d = descriptors_[head];
      check(!(d.flags & kDescriptorNext) && d.length % sizeof(Descriptor) == 0 && d.length);
      table = reinterpret_cast<const Descriptor*>(d.address);
      table_size = d.length / sizeof(Descriptor);
      index = 0;
      request.indirect = true;
    }
    bool seen_writable = false;
    for (std::uint32_t steps = 0;; ++steps) {
      check(index < table_size && steps < table_size);
      const Descriptor& d = table[index];
      check(!(d.flags & kDescriptorIndirect) && d.length > 0);
      const bool writable = d.flags & kDescriptorWrite;
      check(writable || !seen_writable);
      seen_writable |= writable;
      request.buffers.push_back({reinterpret_cast<void*>(d.address), d.length, writable});
      if (!(d.flags & kDescriptorNext)) break;
      index = d.next;
    }
    if (event_idx_ && auto_avail_event_) set_avail_event(last_avail_);
    return request;
  }

  // Completes the chain at `head` with `length` bytes written; true when the driver
  // wants an interrupt for it.
  bool complete(std::uint32_t head, std::uint32_t length) {
    write_used(head, length);
    return interrupt_due(static_cast<std::uint16_t>(load16(used_[1]) - 1));
  }

  // Writes a used element and advances the used index by one, checking nothing.
  void write_used(std::uint32_t id, std::uint32_t length) {
    const std::uint16_t index = load16(used_[1]);
    used_ring_[index & (size_ - 1)] = {id, length};
    store16(used_[1], static_cast<std::uint16_t>(index + 1));
  }
  // Moves the used index without writing elements.
  void bump_used_index(std::uint16_t by) {
    store16(used_[1], static_cast<std::uint16_t>(load16(used_[1]) + by));
  }

  void set_avail_event(std::uint16_t index) {
    store16(used_[2 + 4 * size_], index);  // after flags, idx and the 8-byte elements
  }
  // Without event index the device normally leaves avail_event alone; tests that set it
  // by hand turn off the automatic update.
  void set_auto_avail_event(bool on) { auto_avail_event_ = on; }
  void set_no_notify(bool on) { store16(used_[0], on ? kUsedNoNotify : 0); }
  std::uint16_t used_event() const { return load16(avail_[2 + size_]); }

 private:
  static std::uint16_t load16(std::uint16_t& f) {
    return std::atomic_ref<std::uint16_t>(f).load(std::memory_order_acquire);
  }
  static void store16(std::uint16_t& f, std::uint16_t v) {
    std::atomic_ref<std::uint16_t>(f).store(v, std::memory_order_release);
  }
  static void check(bool ok) {
    if (!ok) std::abort();
  }
  bool interrupt_due(std::uint16_t old_used) {
    const std::uint16_t new_used = static_cast<std::uint16_t>(old_used + 1);
    if (event_idx_) return need_event(used_event(), new_used, old_used);
    return !(load16(avail_[0]) & kAvailNoInterrupt);
  }

  std::uint16_t size_;
  bool event_idx_;
  bool auto_avail_event_ = false;
  Descriptor* descriptors_;
  std::uint16_t* avail_;
  std::uint16_t* used_;
  UsedElement* used_ring_;
  std::uint16_t last_avail_ = 0;
};

}  // namespace cairn::virtio::test
