// The driver side of a split virtqueue: pure logic over memory it is given, so the same
// code runs in the kernel and in host tests against a simulated device.
//
// A request is a chain of buffers, device-readable ones first, then device-writable
// ones; it carries an opaque token that comes back with its completion. Chains of more
// than one buffer go through an indirect descriptor table when the queue has them, so
// each request takes one ring descriptor.
//
// Nothing the device writes is trusted: the used index, and each used element's id and
// length, are checked against the driver's own record of what is in flight (kept apart
// from the rings, so that chains are freed by the driver's links, not the device's).
// The first inconsistency marks the queue broken: every later call fails with EIO until
// the device is reset. A broken device thus yields errors, never memory corruption or a
// loop.
//
// Not thread-safe: the owner serialises calls (a lock, or interrupts off).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <cairn/kernel/result.h>
#include <cairn/virtio/ring.h>

namespace cairn::virtio {

// One buffer of a request, at a device address (Cairn: the physical = virtual address).
struct Buffer {
  std::uint64_t address;
  std::uint32_t length;  // not 0
  bool device_writable;

  static Buffer readable(const void* data, std::uint32_t length) {
    return {reinterpret_cast<std::uintptr_t>(data), length, false};
  }
  static Buffer writable(void* data, std::uint32_t length) {
    return {reinterpret_cast<std::uintptr_t>(data), length, true};
  }
};

struct Completion {
  void* token;
  std::uint32_t length;  // bytes the device wrote, at most the request's writable bytes
};

// What the transport tells the device about a queue.
struct QueueAddresses {
  std::uint16_t size;
  std::uint64_t descriptors;
  std::uint64_t driver_area;  // the available ring
  std::uint64_t device_area;  // the used ring
};

struct QueueConfig {
  std::uint16_t size;            // a power of two, 1..32768
  bool event_idx = false;        // VIRTIO_F_EVENT_IDX was negotiated
  std::uint16_t indirect_max{};  // buffers per indirect table; 0: VIRTIO_F_INDIRECT_DESC off
  // Where a store must be seen by the device before a load (the index before its wish,
  // the wish before the index), a CPU fence is not always enough: this, when set, is
  // called after it (see device_fence() in device.cpp).
  void (*device_fence)() = nullptr;
};

class SplitQueue {
 public:
  // Bytes of memory a queue needs (rings, indirect tables, the driver's private
  // records), and the alignment its start needs.
  static std::size_t memory_bytes(const QueueConfig& config);
  static constexpr std::size_t kMemoryAlignment = 64;

  // A queue in `memory`: zeroed, kMemoryAlignment-aligned, memory_bytes(config) long,
  // and reachable by the device at the addresses of its bytes. EINVAL for a bad config
  // or memory that does not fit it.
  static Result<SplitQueue> create(const QueueConfig& config, std::span<std::byte> memory);

  SplitQueue(SplitQueue&&) = default;
  SplitQueue(const SplitQueue&) = delete;
  SplitQueue& operator=(const SplitQueue&) = delete;

  // Adds a request (not yet visible to the device: see publish()). Errors: EINVAL for an
  // empty chain, a zero-length buffer, a writable buffer before a readable one, more
  // buffers than the queue could ever hold, or more than 4 GiB writable; ENOSPC when the
  // free descriptors do not suffice now (take completions, then retry); EIO when broken.
  Result<void> add(std::span<const Buffer> buffers, void* token);

  // Makes the requests added so far visible to the device. True when the device asked
  // to be notified about them (the caller then notifies through the transport).
  bool publish();

  // The next completed request, or nothing when none is waiting. EIO when the device
  // wrote something inconsistent (the queue is broken from then on).
  Result<std::optional<Completion>> take_used();

  // Asks the device not to interrupt for completions (a hint: it still may).
  void disable_interrupts();
  // Asks for an interrupt at the next completion. True when completions are already
  // waiting, which may not raise one: the caller takes them before it sleeps.
  bool enable_interrupts();

  bool has_used() const;
  bool broken() const { return broken_.code() != 0; }
  Error broken_reason() const { return broken_; }
  std::uint16_t size() const { return layout_.size; }
  std::uint16_t free_descriptors() const { return free_count_; }
  std::uint16_t in_flight() const { return in_flight_; }
  QueueAddresses addresses() const;

 private:
  struct Head {  // the driver's record of a chain that starts at this descriptor
    void* token;
    std::uint32_t writable_bytes;
    std::uint16_t descriptor_count;  // ring descriptors the chain holds
    bool in_flight;
  };

  SplitQueue() = default;
  Error mark_broken(const char* why);
  std::uint16_t used_index() const;
  void set_used_event(std::uint16_t index);
  void full_fence() const;
  void free_chain(std::uint16_t head);

  RingLayout layout_{};
  QueueConfig config_{};
  std::byte* base_ = nullptr;
  Descriptor* descriptors_ = nullptr;
  std::uint16_t* avail_ = nullptr;        // flags, idx, ring[size], used_event
  UsedElement* used_ring_ = nullptr;      // after the used ring's flags and idx
  std::uint16_t* used_header_ = nullptr;  // flags, idx
  std::uint16_t* avail_event_ = nullptr;
  Descriptor* indirect_ = nullptr;  // size tables of indirect_max entries, one per head
  Head* heads_ = nullptr;
  std::uint16_t* next_free_ = nullptr;  // private links: the free list and every chain
  std::uint16_t free_head_ = 0;
  std::uint16_t free_count_ = 0;
  std::uint16_t avail_index_ = 0;      // the driver's next available index
  std::uint16_t published_index_ = 0;  // the available index the device has seen
  std::uint16_t last_used_ = 0;        // the next used element to take
  std::uint16_t in_flight_ = 0;        // requests added and not yet taken back
  bool interrupts_enabled_ = true;
  Error broken_{0, ""};
};

}  // namespace cairn::virtio
