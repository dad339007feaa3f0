// Mounting, unmounting, syncing.
#include <cerrno>

#include "vfs_core.h"

namespace cairn::vfs {

Result<void> Vfs::mount(RefPtr<Filesystem> fs, std::string_view target, const char* type_name) {
  if (target == "/" && !mounts_.root()) return mounts_.add(fs, nullptr, type_name);
  RefPtr<Vnode> directory = TRY(resolve(nullptr, target, true));
  if (!directory->is_directory()) return Error(ENOTDIR, "mount point is not a directory");
  if (MountTable::is_mount_root(*directory)) return Error(EBUSY, "already a mount point");
  return mounts_.add(fs, directory, type_name);
}

Result<void> Vfs::mount(std::string_view fstype, std::string_view source, std::string_view target,
                        std::string_view options) {
  const FilesystemType* type = find_filesystem_type(fstype);
  if (!type) return Error(ENODEV, "unknown filesystem type");
  // Check the mount point before the filesystem does any work.
  if (!(target == "/" && !mounts_.root())) {
    RefPtr<Vnode> directory = TRY(resolve(nullptr, target, true));
    if (!directory->is_directory()) return Error(ENOTDIR, "mount point is not a directory");
    if (MountTable::is_mount_root(*directory)) return Error(EBUSY, "already a mount point");
  }
  RefPtr<Filesystem> fs = TRY(type->mount(source, options));
  auto mounted = mount(fs, target, type->name);
  if (!mounted) {
    (void)fs->unmount();
    return mounted.error();
  }
  return {};
}

Result<void> Vfs::unmount(std::string_view target) {
  RefPtr<Vnode> root = TRY(resolve(nullptr, target, true));
  RefPtr<Filesystem> fs = TRY(mounts_.remove(*root));
  auto synced = fs->sync();
  auto unmounted = fs->unmount();
  if (!synced) return synced.error();
  return unmounted;
}

Result<void> Vfs::sync_all() {
  constexpr std::size_t kMax = 64;
  RefPtr<Filesystem> all[kMax];
  std::size_t n = mounts_.snapshot(all, kMax);
  Result<void> first;
  for (std::size_t i = 0; i < n; ++i) {
    auto r = all[i]->sync();
    if (!r && first) first = r;
  }
  return first;
}

void Vfs::unmount_all(FailureReport report) {
  while (RefPtr<Filesystem> fs = mounts_.remove_last()) {
    auto synced = fs->sync();
    if (!synced && report) report("sync", *fs, synced.error());
    auto unmounted = fs->unmount();
    if (!unmounted && report) report("unmount", *fs, unmounted.error());
  }
  MutexLocker lock(cwd_lock_);
  cwd_.reset();
}

}  // namespace cairn::vfs
