// virtio-rng (virtio 1.2 section 5.4): one queue; the driver offers writable buffers
// and the device fills them with entropy. The device writes into a page the driver
// owns, never into the caller's memory: a request that times out may still complete
// later, and must not land in a stack frame that is gone by then.
#include <errno.h>

#include <cstring>

#include <cairn/arch/cpu.h>
#include <cairn/kernel/memory.h>
#include <cairn/sched/sync.h>
#include <cairn/time/clock.h>
#include <cairn/virtio/driver.h>
#include <cairn/virtio/rng.h>

namespace cairn::virtio {
namespace {

constexpr std::uint64_t kTimeoutNs = 5 * time::kNsPerSecond;
// A lost interrupt costs this much, not a hang: the waiter looks at the ring again.
constexpr std::uint64_t kRecheckNs = 100'000'000;

struct Rng {
  Device* device = nullptr;
  Queue* queue = nullptr;
  std::byte* page = nullptr;  // the device's buffer
  bool interrupts = false;
  bool request_pending = false;  // a timed-out request still owns `page`
  sched::Mutex lock;
  sched::Semaphore completed;
};
Rng rng;

void on_interrupt(void*) { rng.completed.post(); }

// The completion of the one request in flight, waiting as the transport allows.
Result<Completion> wait_for_completion() {
  const std::uint64_t deadline = time::monotonic_ns() + kTimeoutNs;
  for (;;) {
    if (auto done = TRY(rng.queue->take_used())) return *done;
    const std::uint64_t now = time::monotonic_ns();
    if (now >= deadline) return Error(ETIMEDOUT, "virtio-rng device did not answer");
    if (!rng.interrupts) {
      arch::pause();
      continue;
    }
    // Interrupts on, then look again: a completion that came before that raised none.
    if (rng.queue->ring().enable_interrupts()) continue;
    rng.completed.wait(now + kRecheckNs < deadline ? now + kRecheckNs : deadline);
  }
}

Result<std::size_t> read_locked(std::span<std::byte> buffer) {
  if (!rng.queue) return Error(ENODEV, "no virtio-rng device");
  if (rng.request_pending) {
    // The earlier request timed out; its buffer is free only once the device returns it.
    auto late = TRY(wait_for_completion());
    (void)late;
    rng.request_pending = false;
  }
  const std::size_t want = buffer.size() < memory::kPageSize ? buffer.size() : memory::kPageSize;
  const Buffer request[] = {Buffer::writable(rng.page, static_cast<std::uint32_t>(want))};
  TRY(rng.queue->submit(request, rng.page));
  rng.request_pending = true;
  const Completion done = TRY(wait_for_completion());
  rng.request_pending = false;
  if (done.token != rng.page) return Error(EIO, "virtio-rng completed an unknown request");
  std::memcpy(buffer.data(), rng.page, done.length);
  return std::size_t{done.length};
}

Result<void> probe(Device& device) {
  if (rng.device) return Error(EBUSY, "a virtio-rng device is in use already");
  TRY(device.negotiate(0));
  Queue* queue = TRY(device.setup_queue(0, 64, 0));
  void* page = TRY(memory::allocate_pages(1, memory::Owner::kOther));
  // Without an interrupt (ENOTSUP, or no vector left) completions are polled.
  rng.interrupts = device.enable_interrupt(on_interrupt, nullptr).ok();
  if (!rng.interrupts) queue->ring().disable_interrupts();
  device.driver_ok();
  rng.device = &device;
  rng.queue = queue;
  rng.page = static_cast<std::byte*>(page);
  return {};
}
CAIRN_VIRTIO_DRIVER(rng, "virtio-rng", DeviceType::kEntropy, probe);

}  // namespace

bool rng_available() { return rng.queue != nullptr && !rng.queue->ring().broken(); }

Result<std::size_t> rng_read(std::span<std::byte> buffer) {
  if (buffer.empty()) return std::size_t{0};
  rng.lock.lock();
  auto result = read_locked(buffer);
  rng.lock.unlock();
  return result;
}

Result<void> rng_fill(std::span<std::byte> buffer) {
  while (!buffer.empty()) {
    const std::size_t n = TRY(rng_read(buffer));
    if (n == 0) return Error(EIO, "virtio-rng device returned no bytes");
    buffer = buffer.subspan(n);
  }
  return {};
}

}  // namespace cairn::virtio
