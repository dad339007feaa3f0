// The VFS's kernel-side API: mounting, and path operations for code inside the image
// (the initrd unpacker, command-line mounts, tests). Applications use the POSIX calls,
// which are built on the same functions.
//
// Paths are absolute, or relative to the program's current directory. Symlinks are
// followed in every component but the last unless an operation says otherwise, up to
// kSymlinkMax in one resolution (ELOOP). Errors are Linux's: ENOENT, ENOTDIR,
// ENAMETOOLONG, EEXIST, EISDIR, ENOTEMPTY, EXDEV, EROFS, ELOOP, EINVAL...
// Modes are used as given: no umask is applied here (the POSIX layer applies it).
//
// The root: a ramfs is mounted on "/" at the `fs` initcall level, or earlier by the
// first call that needs it, so code running at the `fs` level (the initrd) may use
// these functions in any order with the root's own mount. /dev is devfs. Mounts named
// on the command line (vfs.mount=SOURCE:PATH:TYPE[:OPTIONS], repeatable) and in
// CONFIG_VFS_MOUNTS are made at the `late` level, after the initrd; their mount point
// directories are created when missing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/open_file.h>
#include <cairn/vfs/ref_ptr.h>
#include <cairn/vfs/types.h>
#include <cairn/vfs/vnode.h>

namespace cairn::vfs {

// Mounts a filesystem of type `fstype` (registered with CAIRN_FILESYSTEM) on the
// existing directory `target`; "/" replaces nothing and may be mounted once.
// ENODEV for an unknown type, ENOTDIR, EBUSY when `target` is already a mount point.
Result<void> mount(std::string_view fstype, std::string_view source, std::string_view target,
                   std::string_view options = {});
// Takes the filesystem mounted at `target` out of the tree after syncing it (a lazy
// unmount: files still open keep working). EINVAL when `target` is not a mount point,
// EBUSY when something is mounted below it.
Result<void> unmount(std::string_view target);

// open(2): `flags` are the <fcntl.h> flags (O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
// O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK; O_CLOEXEC is the fd table's business).
Result<RefPtr<OpenFile>> open(std::string_view path, int flags, std::uint32_t mode = 0644);
Result<void> mkdir(std::string_view path, std::uint32_t mode);
// mkdir -p: creates every missing directory of `path`; existing ones are fine.
Result<void> make_directories(std::string_view path, std::uint32_t mode = 0755);
// A device node, FIFO or regular file (`mode` includes the type).
Result<void> mknod(std::string_view path, std::uint32_t mode, std::uint64_t rdev = 0);
Result<void> symlink(std::string_view target, std::string_view path);
Result<void> link(std::string_view existing, std::string_view path);
Result<void> unlink(std::string_view path);
Result<void> rmdir(std::string_view path);
Result<void> rename(std::string_view from, std::string_view to);
Result<Attributes> stat(std::string_view path, bool follow_symlinks = true);
// chmod, chown, truncate, utimes in one (see AttributeChanges).
Result<void> setattr(std::string_view path, const AttributeChanges& changes,
                     bool follow_symlinks = true);
// The vnode `path` names (the mounted root when it names a mount point).
Result<RefPtr<Vnode>> resolve(std::string_view path, bool follow_symlinks = true);

// Writes all of `data` at the file's offset (retrying short writes).
Result<void> write_all(OpenFile& file, std::span<const std::byte> data);

// Syncs every mounted filesystem; the first error is returned, all are tried.
Result<void> sync_all();
// The clean exit: syncs and unmounts every filesystem, innermost first. Runs from
// _exit(), i.e. after atexit handlers, static destructors and newlib's stdio flush, so
// whatever the program wrote before main returned or exit() was called reaches its
// filesystem. Safe to call more than once.
void shutdown();

}  // namespace cairn::vfs
