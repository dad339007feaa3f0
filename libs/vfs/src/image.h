// Inside an image: the one VFS and the console file, shared by the kernel API
// (api.cpp), the POSIX calls and the boot code.
#pragma once

#include <cairn/kernel/result.h>
#include <cairn/vfs/open_file.h>

#include "vfs_core.h"

namespace cairn::vfs {

// The VFS of the image, made on first use: a ramfs on "/", devfs on /dev, /tmp, and the
// console on fds 0-2. Never destroyed (it must outlive static destructors: stdio is
// flushed through it after them).
Vfs& vfs_instance();

// A new open file on the console (for fds 0-2, /dev/console and /dev/tty).
Result<RefPtr<OpenFile>> open_console(int flags);

// mkdir -p on `vfs`.
Result<void> vfs_make_directories(Vfs& vfs, std::string_view path, std::uint32_t mode);

// Adds random, urandom, console and tty to devfs.
Result<void> add_machine_devices();

}  // namespace cairn::vfs
