// A virtio device as a driver sees it: the initialisation sequence of virtio 1.2
// section 3.1 (reset, ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK, queues,
// interrupt, DRIVER_OK), its queues and its configuration space, over any transport.
//
//   TRY(device.negotiate(my_feature_bits));
//   Queue& q = TRY(device.setup_queue(0, 256));
//   TRY(device.enable_interrupt(handler, context));  // optional: ENOTSUP means poll
//   device.driver_ok();
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <cairn/kernel/result.h>
#include <cairn/virtio/transport.h>
#include <cairn/virtio/virtqueue.h>

namespace cairn::virtio {

// A split queue with its memory and the transport that tells the device about it.
class Queue {
 public:
  Queue(Transport& transport, std::uint16_t index, SplitQueue ring, void* memory,
        std::size_t pages);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // Adds a request, makes it visible and notifies the device if it asked for that.
  Result<void> submit(std::span<const Buffer> buffers, void* token);
  Result<std::optional<Completion>> take_used() { return ring_.take_used(); }
  SplitQueue& ring() { return ring_; }
  std::uint16_t index() const { return index_; }

  // Waits for the next completion by polling, at most `timeout_ns`. ETIMEDOUT when the
  // device did not answer in time (the request stays in flight).
  Result<Completion> poll(std::uint64_t timeout_ns);

 private:
  Transport& transport_;
  std::uint16_t index_;
  SplitQueue ring_;
  void* memory_;
  std::size_t pages_;
};

class Device {
 public:
  static constexpr std::uint16_t kMaxQueues = 8;
  static constexpr std::uint16_t kDefaultIndirectMax = 32;

  explicit Device(Transport& transport) : transport_(transport) {}
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  ~Device();

  Transport& transport() { return transport_; }
  DeviceType type() const { return transport_.device_type(); }
  const char* name() const { return transport_.name(); }

  // Resets the device and accepts the features it offers among `wanted` (device-type
  // bits) plus the ones the core handles: VERSION_1, INDIRECT_DESC, EVENT_IDX,
  // ACCESS_PLATFORM. ENOTSUP for a legacy-only device or one that refuses the set.
  Result<void> negotiate(std::uint64_t wanted);
  std::uint64_t features() const { return features_; }
  bool has_feature(int bit) const { return (features_ >> bit) & 1; }

  // Sets up queue `index` with at most `max_size` entries (rounded down to a power of
  // two the device allows). ENOENT when the device has no such queue; ENOMEM.
  Result<Queue*> setup_queue(std::uint16_t index, std::uint16_t max_size,
                             std::uint16_t indirect_max = kDefaultIndirectMax);
  Queue* queue(std::uint16_t index) { return index < kMaxQueues ? queues_[index] : nullptr; }

  Result<void> enable_interrupt(Transport::InterruptHandler handler, void* context) {
    return transport_.enable_interrupt(handler, context);
  }
  void driver_ok();
  // Tells the device the driver gave up (FAILED), and frees the queues.
  void fail();

  // Configuration space fields; 64-bit ones are read consistently (generation check).
  std::uint8_t config8(std::uint32_t offset) { return transport_.read_config8(offset); }
  std::uint16_t config16(std::uint32_t offset) { return transport_.read_config16(offset); }
  std::uint32_t config32(std::uint32_t offset) { return transport_.read_config32(offset); }
  std::uint64_t config64(std::uint32_t offset);

 private:
  void add_status(std::uint8_t bits);
  void free_queues();

  Transport& transport_;
  std::uint64_t features_ = 0;
  std::uint8_t status_ = 0;
  Queue* queues_[kMaxQueues] = {};
};

}  // namespace cairn::virtio
