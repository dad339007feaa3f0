// How synchronous I/O cuts its work into requests (pure arithmetic, tested on the host).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <cairn/block/block_device.h>

namespace cairn::block {

// The bytes of the next request for `remaining` bytes of a contiguous buffer: at most
// max_request_bytes and max_segments * max_segment_bytes, whole sectors (at least one
// when `remaining` has one).
std::uint64_t next_request_bytes(std::uint64_t remaining, const Geometry& geometry,
                                 const Limits& limits);

// Cuts `bytes` at `data` into segments of at most max_segment_bytes; returns how many
// were written to `out` (0 when `out` is too small).
std::size_t make_segments(std::byte* data, std::uint64_t bytes, const Limits& limits,
                          std::span<Segment> out);

// A byte range seen as sectors: a partial head sector, whole sectors, a partial tail.
struct ByteRange {
  std::uint64_t first_sector;
  // Head: bytes [head_offset, head_offset + head_bytes) of sector first_sector.
  std::uint32_t head_offset;
  std::uint32_t head_bytes;  // 0: the range starts on a sector boundary
  std::uint64_t body_sector;
  std::uint64_t body_sectors;
  std::uint64_t tail_sector;
  std::uint32_t tail_bytes;  // 0: no partial sector at the end
};
ByteRange split_byte_range(std::uint64_t offset, std::uint64_t length, std::uint32_t sector_size);

}  // namespace cairn::block
