// The device initialisation sequence and queue set-up (virtio 1.2 section 3.1.1).
#include <errno.h>

#include <cstring>
#include <new>

#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/memory.h>
#include <cairn/time/clock.h>
#include <cairn/virtio/device.h>

namespace cairn::virtio {
namespace {

// QEMU's TCG with one vCPU translates the guest's fences into nothing (it assumes no
// other CPU runs guest code), yet its device models run in other host threads and read
// the rings concurrently. A store then a load of the rings (publish(),
// enable_interrupts()) can so be reordered by the host CPU, both sides decide the other
// will act, and a queue stalls for good: seen as a virtio-net receive queue with frames
// in its used ring and no interrupt. An I/O port access takes QEMU's global lock, a
// real barrier. Hardware virtualisation needs none of this, and an exit costs there: it
// is used only under QEMU's TCG: its signature "TCGTCGTCGTCG", or (older QEMU) the
// hypervisor bit with no signature at all.
void port_fence() { (void)arch::inb(0x80); }  // the POST port: reading it has no effect

void (*device_fence())() {
  static int tcg = -1;
  if (tcg < 0) {
    const bool hypervisor = arch::cpuid(1).ecx & (1u << 31);
    const arch::CpuidResult leaf = arch::cpuid(0x40000000);
    char signature[13] = {};
    std::memcpy(signature, &leaf.ebx, 4);
    std::memcpy(signature + 4, &leaf.ecx, 4);
    std::memcpy(signature + 8, &leaf.edx, 4);
    tcg = hypervisor && (std::strcmp(signature, "TCGTCGTCGTCG") == 0 || signature[0] == 0);
#ifdef CONFIG_BOOT_LOG
    kprintf("cairn: virtio: hypervisor \"%s\"%s\n", signature,
            tcg ? ": TCG, ring fences go through an I/O port" : "");
#endif
  }
  return tcg ? port_fence : nullptr;
}

}  // namespace

Queue::Queue(Transport& transport, std::uint16_t index, SplitQueue ring, void* memory,
             std::size_t pages)
    : transport_(transport),
      index_(index),
      ring_(std::move(ring)),
      memory_(memory),
      pages_(pages) {}

Queue::~Queue() { memory::free_pages(memory_, pages_, memory::Owner::kOther); }

Result<void> Queue::submit(std::span<const Buffer> buffers, void* token) {
  TRY(ring_.add(buffers, token));
  if (ring_.publish()) transport_.notify(index_);
  return {};
}

Result<Completion> Queue::poll(std::uint64_t timeout_ns) {
  const std::uint64_t deadline = time::monotonic_ns() + timeout_ns;
  for (;;) {
    if (auto done = TRY(ring_.take_used())) return *done;
    if (time::monotonic_ns() >= deadline) return Error(ETIMEDOUT, "virtio device did not answer");
    arch::pause();
  }
}

Device::~Device() { free_queues(); }

void Device::add_status(std::uint8_t bits) {
  status_ |= bits;
  transport_.set_status(status_);
}

Result<void> Device::negotiate(std::uint64_t wanted) {
  status_ = 0;
  TRY(transport_.reset());
  free_queues();  // only now: the device held their addresses until the reset
  add_status(kStatusAcknowledge);
  add_status(kStatusDriver);
  const std::uint64_t offered = transport_.device_features();
  if (!(offered & feature(kFeatureVersion1))) {
    fail();
    return Error(ENOTSUP, "virtio device is legacy-only (no VIRTIO_F_VERSION_1)");
  }
  // ACCESS_PLATFORM only says addresses go through the platform's translation: with the
  // identity map and no IOMMU, physical addresses are what the device gets either way.
  const std::uint64_t core = feature(kFeatureVersion1) | feature(kFeatureIndirectDesc) |
                             feature(kFeatureEventIdx) | feature(kFeatureAccessPlatform);
  features_ = offered & (wanted | core);
  transport_.set_driver_features(features_);
  add_status(kStatusFeaturesOk);
  if (!(transport_.status() & kStatusFeaturesOk)) {
    fail();
    return Error(ENOTSUP, "virtio device refused the negotiated features");
  }
  return {};
}

Result<Queue*> Device::setup_queue(std::uint16_t index, std::uint16_t max_size,
                                   std::uint16_t indirect_max) {
  if (index >= kMaxQueues || queues_[index]) return Error(EINVAL, "virtio queue index in use");
  std::uint32_t limit = transport_.max_queue_size(index);
  if (limit == 0) return Error(ENOENT, "virtio device has no such queue");
  if (max_size < limit) limit = max_size;
  std::uint16_t size = 1;
  while (std::uint32_t{size} * 2 <= limit && size < kMaxQueueSize) size *= 2;

  const QueueConfig config{size, has_feature(kFeatureEventIdx),
                           has_feature(kFeatureIndirectDesc)
                               ? (indirect_max < size ? indirect_max : size)
                               : std::uint16_t{0},
                           device_fence()};
  const std::size_t bytes = SplitQueue::memory_bytes(config);
  const std::size_t pages = (bytes + memory::kPageSize - 1) / memory::kPageSize;
  void* memory = TRY(memory::allocate_pages(pages, memory::Owner::kOther));
  auto ring = SplitQueue::create(config, {static_cast<std::byte*>(memory), bytes});
  Queue* queue = ring.ok() ? new (std::nothrow)
                                 Queue(transport_, index, std::move(ring).value(), memory, pages)
                           : nullptr;
  if (!queue) {
    memory::free_pages(memory, pages, memory::Owner::kOther);
    return ring.ok() ? Error(ENOMEM, "out of memory for a virtio queue") : ring.error();
  }
  if (auto enabled = transport_.enable_queue(index, queue->ring().addresses()); !enabled) {
    delete queue;
    return enabled.error();
  }
  queues_[index] = queue;
  return queue;
}

void Device::driver_ok() { add_status(kStatusDriverOk); }

void Device::fail() {
  add_status(kStatusFailed);
  // The device may still hold the rings' addresses: reset it before their memory goes.
  if (transport_.reset().ok()) free_queues();
}

void Device::free_queues() {
  for (Queue*& q : queues_) {
    delete q;
    q = nullptr;
  }
}

std::uint64_t Device::config64(std::uint32_t offset) {
  // A 64-bit field is two 32-bit reads; the generation tells whether it changed between.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint32_t generation = transport_.config_generation();
    const std::uint64_t low = transport_.read_config32(offset);
    const std::uint64_t high = transport_.read_config32(offset + 4);
    if (transport_.config_generation() == generation) return (high << 32) | low;
  }
  return 0;
}

}  // namespace cairn::virtio
