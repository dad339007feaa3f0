// Synchronous block I/O: the calling thread blocks until the device has answered.
// Buffers of any length are split into requests the device accepts, and up to
// kMaxInFlight of them are in flight at once. Not callable from interrupt context.
//
//   TRY(block::read(disk, 0, buffer));             // whole sectors
//   TRY(block::write_at(disk, 3 * MiB + 1019, s));  // any bytes: read-modify-write
//   TRY(block::flush(disk));
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <cairn/block/block_device.h>
#include <cairn/kernel/result.h>

namespace cairn::block {

inline constexpr std::size_t kMaxInFlight = 16;

// Sector-addressed: the buffer's length is whole sectors. The errors of
// check_request() (EINVAL beyond the capacity, EROFS) before anything reaches the
// device, EIO when the device failed a request; the first error wins, and a failed
// read leaves the buffer's contents unspecified.
Result<void> read(BlockDevice& device, std::uint64_t sector, std::span<std::byte> buffer);
Result<void> write(BlockDevice& device, std::uint64_t sector, std::span<const std::byte> buffer);
Result<void> flush(BlockDevice& device);

// Byte-addressed (what a /dev/vda file needs): sectors that the range covers only in
// part are read, patched and written back. Concurrent partial writes to one device are
// serialised; a partial write racing an aligned write of the same sector is not
// (as with O_DIRECT on Linux). EINVAL beyond the end; ENOMEM for the bounce sector.
Result<void> read_at(BlockDevice& device, std::uint64_t offset, std::span<std::byte> buffer);
Result<void> write_at(BlockDevice& device, std::uint64_t offset, std::span<const std::byte> buffer);

}  // namespace cairn::block
