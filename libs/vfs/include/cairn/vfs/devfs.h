// Device nodes in /dev (devfs). Drivers add nodes by name; opening one calls the
// driver's open function, which returns the OpenFile that serves the descriptor.
// Built in: null, zero, full, random, urandom, console, tty.
//
//   Result<RefPtr<OpenFile>> open_vda(void* disk, int flags);
//   TRY(devfs::add_device("vda", vfs::kBlockDevice | 0660, make_dev(254, 0), open_vda, disk));
//
// Block devices (vda, vdb, ...): src/devfs_block.cpp registers one node per disk of
// cairn/block's registry through this same call (with CONFIG_BLOCK). Nodes may be added
// at any time, also before devfs is mounted (they are kept and appear in /dev once it
// is).
#pragma once

#include <cstdint>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/vfs/open_file.h>
#include <cairn/vfs/ref_ptr.h>

namespace cairn::vfs::devfs {

using OpenFunction = Result<RefPtr<OpenFile>> (*)(void* context, int flags);

// Linux-style device numbers (st_rdev).
constexpr std::uint64_t make_dev(std::uint32_t major, std::uint32_t minor) {
  return (std::uint64_t{major} << 8) | (minor & 0xff) | (std::uint64_t{minor & ~0xffu} << 12);
}

// Adds /dev/<name>. `mode` is kCharDevice or kBlockDevice plus permissions. EEXIST when
// the name is taken, EINVAL for a bad name.
Result<void> add_device(std::string_view name, std::uint32_t mode, std::uint64_t rdev,
                        OpenFunction open, void* context);

}  // namespace cairn::vfs::devfs
