// Block devices, transport-neutral: what a disk driver (virtio-blk today, Xen blkfront
// later) offers and what the file systems above use. Addresses are in sectors of the
// device's own sector size (512 for most disks, 4096 for some); requests are
// asynchronous and scatter-gather, with a completion callback. The synchronous
// wrappers in cairn/block/io.h block the calling thread instead.
//
//   block::Segment segments[] = {{page, 4096}};
//   block::Request r{block::Operation::kRead, sector, segments, on_done, context};
//   TRY(disk.submit(r));  // on_done(r, result) runs exactly once, later
//
// Buffers are used in place by the device (physical = virtual in Cairn): they and the
// Request must stay valid until the callback ran.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <cairn/kernel/result.h>

namespace cairn::block {

enum class Operation : std::uint8_t {
  kRead,
  kWrite,
  // Makes every write that completed before the flush was submitted durable. Carries no
  // segments and no sector.
  kFlush,
};

// One piece of a request's buffer: any address and any length, as long as the lengths
// of a request add up to whole sectors (a page of a page cache, or a whole 1 MiB buffer).
struct Segment {
  void* data;
  std::uint32_t length;
};

struct Request;
// Runs once per submitted request, in interrupt context or in the thread that submitted
// or polled: it must not block (posting a semaphore or submitting another request is
// fine). The request and its buffers belong to the caller again when it runs.
using Completion = void (*)(Request& request, Result<void> result);

struct Request {
  Operation operation = Operation::kRead;
  std::uint64_t sector = 0;  // first sector, in units of Geometry::sector_size
  std::span<const Segment> segments;
  Completion done = nullptr;
  void* context = nullptr;  // for the caller's callback

  // The device's, while the request is submitted (its pending list).
  Request* device_next = nullptr;
};

struct Geometry {
  std::uint32_t sector_size = 512;  // a power of two, 512..65536
  std::uint64_t sector_count = 0;
  bool read_only = false;
  bool volatile_cache = false;  // writes need a flush to be durable
  std::uint64_t bytes() const { return sector_count * sector_size; }
};

// What one request may hold; a caller with more splits it (cairn/block/io.h does).
struct Limits {
  std::uint32_t max_segments = 1;
  std::uint32_t max_segment_bytes = 0;  // a multiple of the sector size
  std::uint32_t max_request_bytes = 0;  // a multiple of the sector size
};

// Checks a request against a device before it goes anywhere: EINVAL for a request the
// device could never take (no callback; a read or write with no segments, an empty
// segment, a length that is not whole sectors, more segments or bytes than the limits;
// a flush with segments; any sector beyond the capacity), EROFS for a write to a
// read-only device.
Result<void> check_request(const Request& request, const Geometry& geometry, const Limits& limits);

class BlockDevice {
 public:
  BlockDevice() = default;
  BlockDevice(const BlockDevice&) = delete;
  BlockDevice& operator=(const BlockDevice&) = delete;

  // "vda", "vdb", ...: given by the driver in the order its devices were found.
  const char* name() const { return name_; }
  const Geometry& geometry() const { return geometry_; }
  const Limits& limits() const { return limits_; }

  // Starts a request. On success its callback runs exactly once, possibly before
  // submit() returns. Errors (the callback then never runs): those of check_request(),
  // and EIO when the device is broken. Requests beyond what the device has room for
  // wait in the driver and start as earlier ones complete. Thread context only.
  Result<void> submit(Request& request);

  // Takes the completions the device has posted (running their callbacks). The
  // synchronous wrappers call it when a completion is late (a lost interrupt costs
  // time, not a hang) and continuously for a device that has no interrupt.
  virtual void poll() = 0;
  // True when completions arrive only through poll().
  virtual bool polled() const = 0;

 protected:
  ~BlockDevice() = default;  // devices live as long as the image
  // Called with a request check_request() accepted.
  virtual Result<void> start(Request& request) = 0;

  char name_[8] = {};
  Geometry geometry_;
  Limits limits_;
};

}  // namespace cairn::block
