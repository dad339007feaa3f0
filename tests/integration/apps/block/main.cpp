// Boot-test program for block devices, through the in-kernel API (cairn/block). The host
// (disk_test.py) fills each disk image with a known pattern first and checks the image
// byte for byte after the VM has ended.
//
//   pattern   vda: check the pattern, write 2 MiB and 10 unaligned bytes, flush, read back
//   two       vda and vdb are distinct disks; each gets its name written into sector 0
//   readonly  vda is read-only: reads work, every kind of write is refused with EROFS
//   bounds    requests beyond the capacity fail with EINVAL; the last sector reads
//   async     many requests in flight at once, completing through callbacks
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <cairn/block/io.h>
#include <cairn/block/registry.h>

#include "pattern.h"

namespace block = cairn::block;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
// What `pattern` writes, mirrored by disk_test.py.
constexpr std::uint64_t kWriteOffset = 1 * kMiB;
constexpr std::uint64_t kWriteBytes = 2 * kMiB;
constexpr std::uint64_t kWriteSeed = 2;
constexpr std::uint64_t kSmallOffset = 3 * kMiB + 1019;  // crosses a sector boundary
constexpr char kSmall[] = "CAIRN-10B!";                  // 10 bytes

const char* errno_name(int code) {
  switch (code) {
    case EINVAL:
      return "EINVAL";
    case EROFS:
      return "EROFS";
    case EIO:
      return "EIO";
    case ENOMEM:
      return "ENOMEM";
    default:
      return "other";
  }
}

std::byte* as_bytes(void* p) { return static_cast<std::byte*>(p); }

block::BlockDevice* open_disk(const char* name) {
  block::BlockDevice* disk = block::find_device(name);
  if (!disk) {
    std::printf("block: no %s\n", name);
    return nullptr;
  }
  const block::Geometry& g = disk->geometry();
  std::printf(
      "block: %s: %llu sectors of %u bytes, %s, %s, %u segments of %u bytes, %u per request\n",
      disk->name(), static_cast<unsigned long long>(g.sector_count), g.sector_size,
      g.read_only ? "read-only" : "read-write", g.volatile_cache ? "write cache" : "write-through",
      disk->limits().max_segments, disk->limits().max_segment_bytes,
      disk->limits().max_request_bytes);
  return disk;
}

// Reads the whole disk; null (and a message) on error.
std::uint8_t* read_all(block::BlockDevice& disk) {
  const std::uint64_t bytes = disk.geometry().bytes();
  auto* data = static_cast<std::uint8_t*>(std::malloc(bytes));
  if (!data) return nullptr;
  if (auto r = block::read(disk, 0, {as_bytes(data), bytes}); !r) {
    std::printf("block: reading %s: %s (%s)\n", disk.name(), r.error().message(),
                errno_name(r.error().code()));
    std::free(data);
    return nullptr;
  }
  return data;
}

bool check_pattern(const char* what, const std::uint8_t* data, std::uint64_t offset,
                   std::uint64_t bytes, std::uint64_t seed) {
  const std::uint64_t bad = first_mismatch(data, offset, bytes, seed);
  if (bad == bytes) return true;
  std::printf("block: %s: mismatch at byte %llu\n", what,
              static_cast<unsigned long long>(offset + bad));
  return false;
}

int test_pattern() {
  block::BlockDevice* disk = open_disk("vda");
  if (!disk) return 1;
  const std::uint64_t size = disk->geometry().bytes();
  std::uint8_t* data = read_all(*disk);
  if (!data || !check_pattern("vda", data, 0, size, 1)) return 1;
  std::printf("block: pattern ok (%llu bytes)\n", static_cast<unsigned long long>(size));

  // 2 MiB of a second pattern (two requests of the device's largest size, in flight at
  // once), then 10 bytes across a sector boundary (read-modify-write of two sectors).
  auto* fresh = static_cast<std::uint8_t*>(std::malloc(kWriteBytes));
  fill_pattern(fresh, kWriteOffset, kWriteBytes, kWriteSeed);
  const std::uint64_t sector = kWriteOffset / disk->geometry().sector_size;
  if (auto r = block::write(*disk, sector, {as_bytes(fresh), kWriteBytes}); !r) {
    std::printf("block: write: %s\n", r.error().message());
    return 1;
  }
  const auto* small = reinterpret_cast<const std::byte*>(kSmall);
  if (auto r = block::write_at(*disk, kSmallOffset, {small, 10}); !r) {
    std::printf("block: write_at: %s\n", r.error().message());
    return 1;
  }
  if (auto r = block::flush(*disk); !r) {
    std::printf("block: flush: %s\n", r.error().message());
    return 1;
  }
  std::printf("block: wrote 2 MiB and 10 bytes, flushed\n");

  // Read back everything: the new data, the patched bytes, and the untouched rest.
  std::free(data);
  data = read_all(*disk);
  if (!data) return 1;
  auto* expected = static_cast<std::uint8_t*>(std::malloc(size));
  fill_pattern(expected, 0, size, 1);
  std::memcpy(expected + kWriteOffset, fresh, kWriteBytes);
  std::memcpy(expected + kSmallOffset, kSmall, 10);
  for (std::uint64_t i = 0; i < size; ++i)
    if (data[i] != expected[i]) {
      std::printf("block: read back wrong at byte %llu\n", static_cast<unsigned long long>(i));
      return 1;
    }
  char small_back[11] = {};
  if (auto r = block::read_at(*disk, kSmallOffset, {reinterpret_cast<std::byte*>(small_back), 10});
      !r || std::strcmp(small_back, kSmall) != 0) {
    std::printf("block: read_at of the 10 bytes failed\n");
    return 1;
  }
  std::printf("block: read back ok\n");
  return 0;
}

int test_two() {
  block::BlockDevice* disks[2] = {open_disk("vda"), open_disk("vdb")};
  if (!disks[0] || !disks[1] || disks[0] == disks[1]) return 1;
  const std::uint64_t seeds[2] = {1, 3};
  for (int i = 0; i < 2; ++i) {
    std::uint8_t* data = read_all(*disks[i]);
    if (!data || !check_pattern(disks[i]->name(), data, 0, disks[i]->geometry().bytes(), seeds[i]))
      return 1;
    std::free(data);
    // Sector 0 gets the disk's name, repeated, so the host sees which disk got which.
    std::uint8_t sector[512];
    for (std::size_t j = 0; j < sizeof sector; ++j) sector[j] = disks[i]->name()[j % 3];
    if (auto r = block::write(*disks[i], 0, {as_bytes(sector), sizeof sector}); !r) return 1;
    if (auto r = block::flush(*disks[i]); !r) return 1;
  }
  std::printf("block: vda and vdb distinct, patterns ok, names written\n");
  return 0;
}

int test_readonly() {
  block::BlockDevice* disk = open_disk("vda");
  if (!disk) return 1;
  std::uint8_t* data = read_all(*disk);
  if (!data || !check_pattern("vda", data, 0, disk->geometry().bytes(), 1)) return 1;
  std::printf("block: read-only disk reads ok\n");
  auto whole = block::write(*disk, 0, {as_bytes(data), 4096});
  auto bytes = block::write_at(*disk, 100, {as_bytes(data), 10});
  // The request itself, as an asynchronous caller would send it.
  block::Segment segment{data, 512};
  block::Request request{block::Operation::kWrite,
                         0,
                         {&segment, 1},
                         [](block::Request&, cairn::Result<void>) {},
                         nullptr};
  auto direct = disk->submit(request);
  std::printf("block: write %s, write_at %s, submit %s\n",
              whole ? "ok" : errno_name(whole.error().code()),
              bytes ? "ok" : errno_name(bytes.error().code()),
              direct ? "ok" : errno_name(direct.error().code()));
  const bool refused = !whole && whole.error().code() == EROFS && !bytes &&
                       bytes.error().code() == EROFS && !direct && direct.error().code() == EROFS;
  std::printf("block: read-only writes %s\n", refused ? "refused" : "NOT refused");
  return refused ? 0 : 1;
}

int test_bounds() {
  block::BlockDevice* disk = open_disk("vda");
  if (!disk) return 1;
  const std::uint64_t count = disk->geometry().sector_count;
  const std::uint32_t size = disk->geometry().sector_size;
  std::uint8_t buffer[2 * 4096];
  int failures = 0;
  auto expect = [&](const char* what, cairn::Result<void> r, int code) {
    const int got = r ? 0 : r.error().code();
    std::printf("block: %s: %s\n", what, got == 0 ? "ok" : errno_name(got));
    if (got != code) ++failures;
  };
  expect("read of the last sector", block::read(*disk, count - 1, {as_bytes(buffer), size}), 0);
  expect("read at the capacity", block::read(*disk, count, {as_bytes(buffer), size}), EINVAL);
  expect("read across the end", block::read(*disk, count - 1, {as_bytes(buffer), 2 * size}),
         EINVAL);
  expect("read far beyond", block::read(*disk, UINT64_MAX, {as_bytes(buffer), size}), EINVAL);
  expect("write across the end", block::write(*disk, count - 1, {as_bytes(buffer), 2 * size}),
         EINVAL);
  expect("read_at across the end", block::read_at(*disk, count * size - 5, {as_bytes(buffer), 10}),
         EINVAL);
  expect("partial sector", block::read(*disk, 0, {as_bytes(buffer), size / 2}), EINVAL);
  block::Segment segment{buffer, size};
  block::Request request{block::Operation::kRead,
                         count,
                         {&segment, 1},
                         [](block::Request&, cairn::Result<void>) {},
                         nullptr};
  expect("request at the capacity", disk->submit(request), EINVAL);
  std::printf("block: bounds %s\n", failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}

// 64 single-sector reads submitted at once: the device takes as many as its queue
// holds, the rest wait in the driver; every callback runs exactly once.
struct AsyncState {
  int completed = 0;
  int failed = 0;
};

int test_async() {
  block::BlockDevice* disk = open_disk("vda");
  if (!disk) return 1;
  constexpr int kRequests = 200;
  const std::uint32_t size = disk->geometry().sector_size;
  auto* data = static_cast<std::uint8_t*>(std::malloc(std::size_t{kRequests} * size));
  static block::Segment segments[kRequests];
  static block::Request requests[kRequests];
  AsyncState state;
  for (int i = 0; i < kRequests; ++i) {
    // Every 7th sector, backwards, so nothing is sequential.
    const std::uint64_t sector = static_cast<std::uint64_t>(kRequests - i) * 7;
    segments[i] = {data + static_cast<std::size_t>(i) * size, size};
    requests[i] = {block::Operation::kRead,
                   sector,
                   {&segments[i], 1},
                   [](block::Request& r, cairn::Result<void> result) {
                     auto* s = static_cast<AsyncState*>(r.context);
                     ++s->completed;
                     if (!result) ++s->failed;
                   },
                   &state};
  }
  for (auto& r : requests)
    if (auto started = disk->submit(r); !started) return 1;
  while (*static_cast<volatile int*>(&state.completed) < kRequests) disk->poll();
  bool ok = state.failed == 0;
  for (int i = 0; i < kRequests && ok; ++i) {
    const std::uint64_t sector = static_cast<std::uint64_t>(kRequests - i) * 7;
    ok = check_pattern("async", data + static_cast<std::size_t>(i) * size, sector * size, size, 1);
  }
  std::printf("block: %d asynchronous reads, %d failed, data %s\n", state.completed, state.failed,
              ok ? "ok" : "wrong");
  return ok ? 0 : 1;
}

int list() {
  for (block::BlockDevice* d : block::devices()) open_disk(d->name());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* command = argc > 1 ? argv[1] : "";
  if (std::strcmp(command, "pattern") == 0) return test_pattern();
  if (std::strcmp(command, "two") == 0) return test_two();
  if (std::strcmp(command, "readonly") == 0) return test_readonly();
  if (std::strcmp(command, "bounds") == 0) return test_bounds();
  if (std::strcmp(command, "async") == 0) return test_async();
  if (std::strcmp(command, "list") == 0) return list();
  std::printf("usage: block pattern|two|readonly|bounds|async|list\n");
  return 2;
}
