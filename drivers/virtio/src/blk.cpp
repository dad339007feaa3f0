// virtio-blk (virtio 1.2 section 5.2): each disk becomes a block device named vda, vdb,
// ... in the order the registry hands them over. One request queue per disk; as many
// requests in flight as it has room for; completions come by interrupt (polled when the
// transport has none) and run their callbacks in the interrupt handler.
//
// State shared between threads and the interrupt handler is touched with interrupts
// off (sched::SchedLock), which on one CPU is the whole lock.
#include <errno.h>

#include <new>

#include <cairn/block/registry.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/memory.h>
#include <cairn/sched/sync.h>
#include <cairn/time/clock.h>
#include <cairn/virtio/driver.h>

#include "blk_protocol.h"
#include "blk_queue.h"

namespace cairn::virtio {
namespace {

constexpr std::uint16_t kQueueSize = 128;
constexpr std::uint16_t kIndirectMax = 32;  // 30 data segments per request
// A request the device has not completed in this long means the device is stuck: it
// is reset and every request fails with EIO, instead of hanging its callers forever.
constexpr std::uint64_t kRequestTimeoutNs = 30 * time::kNsPerSecond;

std::size_t disk_count = 0;

class VirtioBlk final : public block::BlockDevice {
 public:
  static Result<void> probe(Device& device);

  void poll() override;
  bool polled() const override { return !interrupts_; }

 private:
  VirtioBlk(Device& device, Queue& queue, const blk::Description& description,
            std::span<std::byte> slot_memory);
  Result<void> start(block::Request& request) override;

  static void on_interrupt(void* self) { static_cast<VirtioBlk*>(self)->reap(); }
  static void notify(void* self) {
    auto* disk = static_cast<VirtioBlk*>(self);
    disk->device_.transport().notify(disk->queue_.index());
  }
  // With interrupts off.
  void reap();
  void stop(Error why);

  Device& device_;
  Queue& queue_;
  blk::RequestQueue requests_;
  bool interrupts_ = false;
  bool stopped_ = false;
};

VirtioBlk::VirtioBlk(Device& device, Queue& queue, const blk::Description& description,
                     std::span<std::byte> slot_memory)
    : device_(device),
      queue_(queue),
      requests_(queue.ring(), slot_memory, queue.ring().size(), description.geometry.sector_size,
                notify, this) {
  geometry_ = description.geometry;
  limits_ = description.limits;
}

Result<void> VirtioBlk::start(block::Request& request) {
  if (request.operation == block::Operation::kFlush && !geometry_.volatile_cache) {
    // A write-through device has nothing to flush.
    request.done(request, {});
    return {};
  }
  sched::SchedLock lock;
  if (stopped_) return Error(EIO, "virtio-blk device has failed");
  auto submitted = requests_.submit(request, time::monotonic_ns());
  if (requests_.broken()) stop(queue_.ring().broken_reason());
  return submitted;
}

void VirtioBlk::reap() {
  if (stopped_) return;
  for (;;) {
    auto reaped = requests_.reap(time::monotonic_ns());
    if (!reaped) return stop(reaped.error());
    // Interrupts back on for the next completion; one that slipped in meanwhile may
    // not raise one, so it is taken now.
    if (!interrupts_ || !queue_.ring().enable_interrupts()) return;
  }
}

void VirtioBlk::poll() {
  sched::SchedLock lock;
  reap();
  if (stopped_) return;
  const auto oldest = requests_.oldest_start_ns();
  if (oldest && time::monotonic_ns() - *oldest > kRequestTimeoutNs)
    stop(Error(EIO, "virtio-blk device did not complete a request within 30 s"));
}

void VirtioBlk::stop(Error why) {
  if (stopped_) return;
  stopped_ = true;
  kwarn("%s: %s; failing its requests with EIO", name(), why.message());
  // The device may hold buffers of requests in flight: only once it is reset may their
  // owners have them back. A device that does not even reset keeps them forever.
  Transport& transport = device_.transport();
  transport.set_status(transport.status() | kStatusFailed);
  if (!transport.reset()) {
    kwarn("%s: the device does not reset; its requests stay pending", name());
    return;
  }
  requests_.fail_all(Error(EIO, "virtio-blk device failed"));
}

Result<void> VirtioBlk::probe(Device& device) {
  TRY(device.negotiate(blk::wanted_features()));
  const blk::Config config{
      device.config64(blk::kConfigCapacity), device.config32(blk::kConfigSizeMax),
      device.config32(blk::kConfigSegMax), device.config32(blk::kConfigBlockSize)};
  Queue* queue = TRY(device.setup_queue(0, kQueueSize, kIndirectMax));
  const std::uint16_t size = queue->ring().size();
  const std::uint32_t per_request =
      device.has_feature(kFeatureIndirectDesc) ? (kIndirectMax < size ? kIndirectMax : size) : size;
  const blk::Description description = TRY(blk::describe(device.features(), config, per_request));

  char name[8];
  if (!block::disk_name("vd", disk_count, name)) return Error(ENOSPC, "too many virtio disks");
  // Slot memory lives as long as the device: a late status write must land in it.
  const std::size_t bytes = blk::RequestQueue::memory_bytes(size);
  const std::size_t pages = (bytes + memory::kPageSize - 1) / memory::kPageSize;
  void* memory = TRY(memory::allocate_pages(pages, memory::Owner::kOther));
  auto* disk = new (std::nothrow)
      VirtioBlk(device, *queue, description, {static_cast<std::byte*>(memory), bytes});
  if (!disk) {
    memory::free_pages(memory, pages, memory::Owner::kOther);
    return Error(ENOMEM, "out of memory for a virtio-blk disk");
  }
  for (std::size_t i = 0; i < sizeof name; ++i) disk->name_[i] = name[i];
  if (auto added = block::add_device(*disk); !added) {
    delete disk;
    memory::free_pages(memory, pages, memory::Owner::kOther);
    return added.error();
  }
  ++disk_count;
  // Without an interrupt (ENOTSUP, or no vector left) completions are polled.
  disk->interrupts_ = device.enable_interrupt(on_interrupt, disk).ok();
  if (!disk->interrupts_) queue->ring().disable_interrupts();
  device.driver_ok();
  return {};
}

Result<void> probe(Device& device) { return VirtioBlk::probe(device); }
CAIRN_VIRTIO_DRIVER(blk, "virtio-blk", DeviceType::kBlock, probe);

}  // namespace
}  // namespace cairn::virtio
