// Synchronous block I/O over the asynchronous interface (see io.h): a window of up to
// kMaxInFlight requests, refilled as each completes, and read-modify-write for bytes
// that cover a sector only in part.
#include <errno.h>

#include <atomic>
#include <cstring>
#include <new>

#include <cairn/block/io.h>
#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>

#include "split.h"

namespace cairn::block {
namespace {

// A completion whose interrupt was lost is found by polling after this long.
constexpr std::uint64_t kRecheckNs = 100'000'000;
constexpr std::size_t kMaxSegments = 8;  // per request, on the caller's stack (3 KiB in all)

// What the waiting thread and the completions (in interrupt context) share.
struct Batch {
  sched::Semaphore completed;
  Error first_error{0, ""};
};

struct Slot {
  Request request;
  Segment segments[kMaxSegments];
  Batch* batch = nullptr;
  std::atomic<bool> busy{false};
};

void on_done(Request& request, Result<void> result) {
  auto* slot = static_cast<Slot*>(request.context);
  Batch* batch = slot->batch;
  if (!result && batch->first_error.code() == 0) batch->first_error = result.error();
  // The slot is free before the waiter can see the post.
  slot->busy.store(false, std::memory_order_release);
  batch->completed.post();
}

void wait_for_one(BlockDevice& device, Batch& batch) {
  for (;;) {
    if (device.polled()) {
      device.poll();
      if (batch.completed.try_wait() == 0) return;
      sched::yield();
      continue;
    }
    if (batch.completed.wait(time::monotonic_ns() + kRecheckNs) == 0) return;
    device.poll();
  }
}

Result<void> check_range(BlockDevice& device, Operation operation, std::uint64_t sector,
                         std::uint64_t bytes) {
  const Geometry& g = device.geometry();
  if (bytes % g.sector_size != 0)
    return Error(EINVAL, "block I/O length is not a whole number of sectors");
  const std::uint64_t sectors = bytes / g.sector_size;
  if (sector > g.sector_count || sectors > g.sector_count - sector)
    return Error(EINVAL, "block I/O beyond the end of the device");
  if (operation == Operation::kWrite && g.read_only)
    return Error(EROFS, "write to a read-only block device");
  return {};
}

// Reads or writes whole sectors, keeping up to kMaxInFlight requests in flight.
Result<void> transfer(BlockDevice& device, Operation operation, std::uint64_t sector,
                      std::byte* data, std::uint64_t bytes) {
  // The whole range is checked first, so a bad one reaches the device not even in part.
  TRY(check_range(device, operation, sector, bytes));
  Limits limits = device.limits();
  if (limits.max_segments > kMaxSegments) limits.max_segments = kMaxSegments;
  const Geometry& geometry = device.geometry();

  Slot slots[kMaxInFlight];
  Batch batch;
  std::size_t outstanding = 0;
  Error error(0, "");
  while ((bytes > 0 && error.code() == 0 && batch.first_error.code() == 0) || outstanding > 0) {
    Slot* free = nullptr;
    if (bytes > 0 && error.code() == 0 && batch.first_error.code() == 0)
      for (Slot& s : slots)
        if (!s.busy.load(std::memory_order_acquire)) {
          free = &s;
          break;
        }
    if (!free) {
      wait_for_one(device, batch);
      --outstanding;
      continue;
    }
    const std::uint64_t chunk = next_request_bytes(bytes, geometry, limits);
    const std::size_t count = make_segments(data, chunk, limits, free->segments);
    free->request = Request{operation, sector, {free->segments, count}, on_done, free};
    free->batch = &batch;
    free->busy.store(true, std::memory_order_relaxed);
    if (auto started = device.submit(free->request); !started) {
      free->busy.store(false, std::memory_order_relaxed);
      error = started.error();
      continue;
    }
    ++outstanding;
    data += chunk;
    bytes -= chunk;
    sector += chunk / geometry.sector_size;
  }
  if (error.code() != 0) return error;
  if (batch.first_error.code() != 0) return batch.first_error;
  return {};
}

// Serialises read-modify-write of partial sectors, on every device (they are rare).
sched::Mutex partial_sector_lock;

struct Bounce {
  explicit Bounce(std::size_t bytes) : data(new (std::nothrow) std::byte[bytes]) {}
  ~Bounce() { delete[] data; }
  Bounce(const Bounce&) = delete;
  Bounce& operator=(const Bounce&) = delete;
  std::byte* data;
};

Result<void> patch_sector(BlockDevice& device, std::byte* bounce, std::uint64_t sector,
                          std::uint32_t offset, std::span<const std::byte> bytes) {
  const std::uint32_t size = device.geometry().sector_size;
  partial_sector_lock.lock();
  auto result = transfer(device, Operation::kRead, sector, bounce, size);
  if (result) {
    std::memcpy(bounce + offset, bytes.data(), bytes.size());
    result = transfer(device, Operation::kWrite, sector, bounce, size);
  }
  partial_sector_lock.unlock();
  return result;
}

Result<void> check_bytes(BlockDevice& device, std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t end = device.geometry().bytes();
  if (offset > end || length > end - offset)
    return Error(EINVAL, "block I/O beyond the end of the device");
  return {};
}

}  // namespace

Result<void> read(BlockDevice& device, std::uint64_t sector, std::span<std::byte> buffer) {
  return transfer(device, Operation::kRead, sector, buffer.data(), buffer.size());
}

Result<void> write(BlockDevice& device, std::uint64_t sector, std::span<const std::byte> buffer) {
  // The device only reads the buffer; the request type has one pointer for both ways.
  return transfer(device, Operation::kWrite, sector, const_cast<std::byte*>(buffer.data()),
                  buffer.size());
}

Result<void> flush(BlockDevice& device) {
  Batch batch;
  Slot slot;
  slot.request = Request{Operation::kFlush, 0, {}, on_done, &slot};
  slot.batch = &batch;
  slot.busy.store(true, std::memory_order_relaxed);
  TRY(device.submit(slot.request));
  wait_for_one(device, batch);
  if (batch.first_error.code() != 0) return batch.first_error;
  return {};
}

Result<void> read_at(BlockDevice& device, std::uint64_t offset, std::span<std::byte> buffer) {
  TRY(check_bytes(device, offset, buffer.size()));
  if (buffer.empty()) return {};
  const std::uint32_t size = device.geometry().sector_size;
  const ByteRange r = split_byte_range(offset, buffer.size(), size);
  if (r.body_sectors > 0)
    TRY(read(device, r.body_sector, buffer.subspan(r.head_bytes, r.body_sectors * size)));
  if (r.head_bytes == 0 && r.tail_bytes == 0) return {};
  Bounce bounce(size);
  if (!bounce.data) return Error(ENOMEM, "no memory for a bounce sector");
  if (r.head_bytes > 0) {
    TRY(transfer(device, Operation::kRead, r.first_sector, bounce.data, size));
    std::memcpy(buffer.data(), bounce.data + r.head_offset, r.head_bytes);
  }
  if (r.tail_bytes > 0) {
    TRY(transfer(device, Operation::kRead, r.tail_sector, bounce.data, size));
    std::memcpy(buffer.data() + buffer.size() - r.tail_bytes, bounce.data, r.tail_bytes);
  }
  return {};
}

Result<void> write_at(BlockDevice& device, std::uint64_t offset,
                      std::span<const std::byte> buffer) {
  TRY(check_bytes(device, offset, buffer.size()));
  if (device.geometry().read_only) return Error(EROFS, "write to a read-only block device");
  if (buffer.empty()) return {};
  const std::uint32_t size = device.geometry().sector_size;
  const ByteRange r = split_byte_range(offset, buffer.size(), size);
  if (r.body_sectors > 0)
    TRY(write(device, r.body_sector, buffer.subspan(r.head_bytes, r.body_sectors * size)));
  if (r.head_bytes == 0 && r.tail_bytes == 0) return {};
  Bounce bounce(size);
  if (!bounce.data) return Error(ENOMEM, "no memory for a bounce sector");
  if (r.head_bytes > 0)
    TRY(patch_sector(device, bounce.data, r.first_sector, r.head_offset,
                     buffer.first(r.head_bytes)));
  if (r.tail_bytes > 0)
    TRY(patch_sector(device, bounce.data, r.tail_sector, 0, buffer.last(r.tail_bytes)));
  return {};
}

}  // namespace cairn::block
