// Cutting synchronous I/O into requests (see split.h).
#include "split.h"

namespace cairn::block {

std::uint64_t next_request_bytes(std::uint64_t remaining, const Geometry& geometry,
                                 const Limits& limits) {
  std::uint64_t most = limits.max_request_bytes;
  const std::uint64_t by_segments = std::uint64_t{limits.max_segments} * limits.max_segment_bytes;
  if (by_segments < most) most = by_segments;
  if (remaining < most) most = remaining;
  return most - most % geometry.sector_size;
}

std::size_t make_segments(std::byte* data, std::uint64_t bytes, const Limits& limits,
                          std::span<Segment> out) {
  std::size_t count = 0;
  while (bytes > 0) {
    if (count == out.size()) return 0;
    const std::uint32_t length = bytes < limits.max_segment_bytes
                                     ? static_cast<std::uint32_t>(bytes)
                                     : limits.max_segment_bytes;
    out[count++] = {data, length};
    data += length;
    bytes -= length;
  }
  return count;
}

ByteRange split_byte_range(std::uint64_t offset, std::uint64_t length, std::uint32_t sector_size) {
  ByteRange r{};
  r.first_sector = offset / sector_size;
  r.head_offset = static_cast<std::uint32_t>(offset % sector_size);
  if (r.head_offset != 0 || length < sector_size) {
    const std::uint64_t room = sector_size - r.head_offset;
    r.head_bytes = static_cast<std::uint32_t>(length < room ? length : room);
  }
  const std::uint64_t position = offset + r.head_bytes;
  const std::uint64_t rest = length - r.head_bytes;
  r.body_sector = position / sector_size;
  r.body_sectors = rest / sector_size;
  r.tail_sector = r.body_sector + r.body_sectors;
  r.tail_bytes = static_cast<std::uint32_t>(rest % sector_size);
  return r;
}

}  // namespace cairn::block
