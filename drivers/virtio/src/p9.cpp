// virtio-9p: one request queue; each request is a chain of device-readable buffers (the
// T-message) followed by device-writable ones (room for the R-message). Callers wait on
// their own wait queue; the interrupt handler takes completions and wakes each caller
// by the token it submitted (its Pending record, on its stack). Both run with
// interrupts off (SchedLock), which is the queue's lock on one CPU.
#include <errno.h>

#include <cairn/kernel/console.h>
#include <cairn/sched/sync.h>
#include <cairn/time/clock.h>
#include <cairn/virtio/driver.h>
#include <cairn/virtio/p9.h>

namespace cairn::virtio {

namespace {

constexpr int kFeatureMountTag = 0;  // VIRTIO_9P_MOUNT_TAG
constexpr std::size_t kMaxDevices = 8;
constexpr std::size_t kMaxTag = 64;
constexpr std::size_t kMaxSegments = 4;
constexpr std::uint16_t kQueueSize = 128;
// A lost interrupt costs this much, not a hang: the waiter looks at the ring again.
constexpr std::uint64_t kRecheckNs = 100'000'000;

struct Pending {
  sched::WaitQueue waiter;
  std::uint32_t length = 0;
  bool complete = false;
};

}  // namespace

class P9Channel {
 public:
  Device* device = nullptr;
  Queue* queue = nullptr;
  bool interrupts = false;
  char tag[kMaxTag + 1] = {};
  std::size_t tag_length = 0;
  sched::WaitQueue space;  // callers waiting for free descriptors

  // With SchedLock held: hands every completion to its caller.
  void reap() {
    for (;;) {
      auto taken = queue->take_used();
      if (!taken.ok() || !taken.value()) break;
      auto* pending = static_cast<Pending*>(taken.value()->token);
      pending->length = taken.value()->length;
      pending->complete = true;
      pending->waiter.wake_one();
    }
    space.wake_all();
  }
};

namespace {

P9Channel channels[kMaxDevices];
std::size_t channel_count;

void on_interrupt(void* context) {
  sched::SchedLock lock;
  static_cast<P9Channel*>(context)->reap();
}

Result<void> read_tag(Device& device, P9Channel& channel) {
  if (!device.has_feature(kFeatureMountTag)) return {};  // an untagged share: tag ""
  const std::uint16_t length = device.config16(0);
  if (length > kMaxTag) return Error(ENAMETOOLONG, "virtio-9p mount tag longer than 64 bytes");
  for (std::uint16_t i = 0; i < length; ++i)
    channel.tag[i] = static_cast<char>(device.config8(2 + i));
  channel.tag[length] = '\0';
  channel.tag_length = length;
  return {};
}

Result<void> probe(Device& device) {
  if (channel_count == kMaxDevices) return Error(EBUSY, "too many virtio-9p devices");
  P9Channel& channel = channels[channel_count];
  TRY(device.negotiate(std::uint64_t{1} << kFeatureMountTag));
  TRY(read_tag(device, channel));
  channel.queue = TRY(device.setup_queue(0, kQueueSize, kMaxSegments * 2));
  // Without an interrupt (ENOTSUP, or no vector left) completions are polled.
  channel.interrupts = device.enable_interrupt(on_interrupt, &channel).ok();
  device.driver_ok();
  channel.device = &device;
  ++channel_count;
  return {};
}
CAIRN_VIRTIO_DRIVER(p9, "virtio-9p", DeviceType::k9p, probe);

// With SchedLock held: waits until `pending` completes or the queue breaks.
Result<std::uint32_t> wait_locked(P9Channel& channel, Pending& pending) {
  for (;;) {
    channel.reap();  // completions whose interrupt was lost or suppressed
    if (pending.complete) return pending.length;
    if (channel.queue->ring().broken()) return channel.queue->ring().broken_reason();
    if (channel.interrupts) {
      pending.waiter.wait(time::monotonic_ns() + kRecheckNs);
    } else {
      // Polling: let other threads run while the host works on it.
      pending.waiter.wait(time::monotonic_ns() + 20'000);
    }
  }
}

}  // namespace

P9Channel* p9_find(std::string_view tag) {
  for (std::size_t i = 0; i < channel_count; ++i)
    if (tag == std::string_view(channels[i].tag, channels[i].tag_length)) return &channels[i];
  return nullptr;
}

std::size_t p9_count() { return channel_count; }

std::string_view p9_tag(std::size_t index) {
  if (index >= channel_count) return {};
  return {channels[index].tag, channels[index].tag_length};
}

Result<std::uint32_t> p9_transact(P9Channel& channel,
                                  std::span<const std::span<const std::byte>> request,
                                  std::span<const std::span<std::byte>> response) {
  if (request.size() > kMaxSegments || response.size() > kMaxSegments)
    return Error(EINVAL, "virtio-9p request with more than 4 segments");
  Buffer chain[2 * kMaxSegments];
  std::size_t count = 0;
  for (auto segment : request)
    if (!segment.empty())
      chain[count++] = Buffer::readable(segment.data(), static_cast<std::uint32_t>(segment.size()));
  const std::size_t readable = count;
  for (auto segment : response)
    if (!segment.empty())
      chain[count++] = Buffer::writable(segment.data(), static_cast<std::uint32_t>(segment.size()));
  if (readable == 0 || count == readable)
    return Error(EINVAL, "virtio-9p request without a request or a response buffer");

  Pending pending;
  sched::SchedLock lock;
  for (;;) {
    auto submitted = channel.queue->submit({chain, count}, &pending);
    if (submitted.ok()) break;
    if (submitted.error().code() != ENOSPC) return submitted.error();
    // The queue is full: wait for completions to free descriptors.
    channel.reap();
    if (channel.queue->ring().broken()) return channel.queue->ring().broken_reason();
    channel.space.wait(time::monotonic_ns() + (channel.interrupts ? kRecheckNs : 20'000));
  }
  return wait_locked(channel, pending);
}

}  // namespace cairn::virtio
