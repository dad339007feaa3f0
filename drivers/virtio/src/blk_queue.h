// The request engine of a virtio-blk queue: block requests in, descriptor chains out,
// completions back to the requests' callbacks. Pure logic over a SplitQueue and memory
// it is given, so it runs unchanged in host tests against a simulated device.
//
// Each request in flight owns a slot: its header and status byte live in the slot, in
// memory the driver owns for the device's lifetime, so a device that writes a status
// late never hits a stack. Requests beyond the free slots or descriptors wait in FIFO
// order and start as earlier ones complete.
//
// When the ring turns out broken (the device wrote something inconsistent), reap() and
// submit() report EIO and nothing more is started; the owner stops the device (reset)
// and then calls fail_all(), which completes every request with EIO. Requests whose
// buffers the device might still write must not be handed back before that.
//
// Not thread-safe: the owner serialises calls (in the kernel: interrupts off).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <cairn/block/block_device.h>
#include <cairn/kernel/result.h>
#include <cairn/virtio/virtqueue.h>

#include "blk_protocol.h"

namespace cairn::virtio::blk {

class RequestQueue {
 public:
  // What the device reads and writes per request in flight.
  struct alignas(32) SlotMemory {
    RequestHeader header;
    std::uint8_t status;
  };

  using Notify = void (*)(void* context);

  // Bytes of memory for `slots` slots (device-visible part and the driver's records).
  static std::size_t memory_bytes(std::uint16_t slots);

  // `memory`: memory_bytes(slots) bytes, 32-byte aligned, reachable by the device.
  // `notify(context)` tells the device about new requests.
  RequestQueue(SplitQueue& ring, std::span<std::byte> memory, std::uint16_t slots,
               std::uint32_t sector_size, Notify notify, void* notify_context);
  RequestQueue(const RequestQueue&) = delete;
  RequestQueue& operator=(const RequestQueue&) = delete;

  // Starts a read, write or flush (already checked against the device), or queues it
  // until there is room. EIO when the ring is broken (the request is not taken).
  Result<void> submit(block::Request& request, std::uint64_t now_ns);

  // Completes every request the device finished (running callbacks), then starts
  // waiting ones. The number completed; EIO when the ring is broken.
  Result<std::size_t> reap(std::uint64_t now_ns);

  // Completes every request in flight or waiting with `error`, once the device can no
  // longer touch their buffers. Later submits fail with EIO.
  void fail_all(Error error);

  // When the longest-running request in flight started, if any (for a watchdog).
  std::optional<std::uint64_t> oldest_start_ns() const;
  std::size_t in_flight() const { return in_flight_; }
  std::size_t waiting() const { return waiting_; }
  bool broken() const { return failed_ || ring_.broken(); }

 private:
  struct SlotState {
    block::Request* request;
    std::uint64_t started_ns;
  };
  enum class Start { kStarted, kNoRoom, kRejected, kBroken };

  Start try_start(block::Request& request, std::uint64_t now_ns, Error& error);
  // Starts waiting requests while there is room; notifies the device once.
  void start_waiting(std::uint64_t now_ns);
  void complete(block::Request& request, Result<void> result);

  SplitQueue& ring_;
  SlotMemory* slots_;
  SlotState* states_;
  std::uint16_t* free_slots_;  // a stack of free slot indices
  std::uint16_t free_count_;
  std::uint16_t slot_count_;
  std::uint32_t sector_size_;
  Notify notify_;
  void* notify_context_;
  block::Request* waiting_head_ = nullptr;
  block::Request* waiting_tail_ = nullptr;
  std::size_t waiting_ = 0;
  std::size_t in_flight_ = 0;
  bool failed_ = false;
};

}  // namespace cairn::virtio::blk
