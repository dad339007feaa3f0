// The kernel-side API of cairn/vfs/vfs.h over the image's VFS.
#include <fcntl.h>
#include <cerrno>

#include <cairn/vfs/vfs.h>

#include "image.h"
#include "string_view_util.h"

namespace cairn::vfs {

Result<void> vfs_make_directories(Vfs& vfs, std::string_view path, std::uint32_t mode) {
  if (path.empty()) return Error(ENOENT, "empty path");
  // Each prefix ending before a '/' (and the whole path) in turn.
  for (std::size_t end = 1; end <= path.size(); ++end) {
    if (end < path.size() && path[end] != '/') continue;
    std::string_view part = prefix(path, end);
    auto made = vfs.mkdir(nullptr, part, mode);
    if (!made && made.error().code() != EEXIST) return made.error();
  }
  RefPtr<Vnode> dir = TRY(vfs.resolve(nullptr, path, true));
  if (!dir->is_directory()) return Error(ENOTDIR, "not a directory");
  return {};
}

Result<void> mount(std::string_view fstype, std::string_view source, std::string_view target,
                   std::string_view options) {
  return vfs_instance().mount(fstype, source, target, options);
}
Result<void> unmount(std::string_view target) { return vfs_instance().unmount(target); }

Result<RefPtr<OpenFile>> open(std::string_view path, int flags, std::uint32_t mode) {
  return vfs_instance().open(nullptr, path, flags, mode);
}
Result<void> mkdir(std::string_view path, std::uint32_t mode) {
  return vfs_instance().mkdir(nullptr, path, mode);
}
Result<void> make_directories(std::string_view path, std::uint32_t mode) {
  return vfs_make_directories(vfs_instance(), path, mode);
}
Result<void> mknod(std::string_view path, std::uint32_t mode, std::uint64_t rdev) {
  return vfs_instance().mknod(nullptr, path, mode, rdev);
}
Result<void> symlink(std::string_view target, std::string_view path) {
  return vfs_instance().symlink(target, nullptr, path);
}
Result<void> link(std::string_view existing, std::string_view path) {
  return vfs_instance().link(nullptr, existing, nullptr, path, false);
}
Result<void> unlink(std::string_view path) { return vfs_instance().unlink(nullptr, path); }
Result<void> rmdir(std::string_view path) { return vfs_instance().rmdir(nullptr, path); }
Result<void> rename(std::string_view from, std::string_view to) {
  return vfs_instance().rename(nullptr, from, nullptr, to);
}
Result<Attributes> stat(std::string_view path, bool follow_symlinks) {
  RefPtr<Vnode> vnode = TRY(vfs_instance().resolve(nullptr, path, follow_symlinks));
  return vnode->getattr();
}
Result<void> setattr(std::string_view path, const AttributeChanges& changes, bool follow_symlinks) {
  return vfs_instance().setattr(nullptr, path, changes, follow_symlinks);
}
Result<RefPtr<Vnode>> resolve(std::string_view path, bool follow_symlinks) {
  return vfs_instance().resolve(nullptr, path, follow_symlinks);
}

Result<void> write_all(OpenFile& file, std::span<const std::byte> data) {
  while (!data.empty()) {
    std::size_t n = TRY(file.write(data));
    if (n == 0) return Error(EIO, "write made no progress");
    data = data.subspan(n);
  }
  return {};
}

Result<void> sync_all() { return vfs_instance().sync_all(); }

}  // namespace cairn::vfs
