// The block devices of the image, by name: drivers add their disks as they probe them
// (at the `driver` initcall level); the VFS finds them by name ("vda" for /dev/vda) or
// walks them all. Devices are never removed (no hot-unplug).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <cairn/block/block_device.h>
#include <cairn/kernel/result.h>

namespace cairn::block {

inline constexpr std::size_t kMaxDevices = 32;

// Adds a named device. EEXIST for a name already taken, ENOSPC when the table is full,
// EINVAL for a device without a name. Boot time only (drivers' probes): not locked.
Result<void> add_device(BlockDevice& device);

// The device called `name` ("vda"), or null.
BlockDevice* find_device(std::string_view name);

// Every device, in the order they were added.
std::span<BlockDevice* const> devices();

// Writes the Linux-style name of disk `index` with `prefix` into `out` (at least 8
// bytes): "vd" 0 -> "vda", 25 -> "vdz", 26 -> "vdaa", 701 -> "vdzz". False when it
// does not fit.
bool disk_name(std::string_view prefix, std::size_t index, std::span<char> out);

}  // namespace cairn::block
