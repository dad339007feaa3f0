// The mount table: which filesystem is mounted on which directory. Mount points are
// matched by (filesystem, ino), so filesystems that return a new Vnode per lookup work.
// Mounts are kept in the order they were made; children come after their parents, so
// the clean exit unmounts from the back.
#pragma once

#include <cairn/kernel/result.h>
#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/lock.h>
#include <cairn/vfs/ref_ptr.h>
#include <cairn/vfs/vnode.h>

namespace cairn::vfs {

class MountTable {
 public:
  MountTable() = default;
  ~MountTable();
  MountTable(const MountTable&) = delete;
  MountTable& operator=(const MountTable&) = delete;

  // Mounts `fs` on the directory `covered`, or as the root when `covered` is null
  // (EBUSY when there is one, or when `covered` is already a mount point).
  Result<void> add(RefPtr<Filesystem> fs, RefPtr<Vnode> covered, const char* type_name);
  // Takes out the filesystem whose root is `root`: EINVAL when it is not mounted,
  // EBUSY when others are mounted on it. Returns it (the caller syncs and unmounts).
  Result<RefPtr<Filesystem>> remove(const Vnode& root);
  // Takes out the most recently mounted filesystem (the clean exit), or null.
  RefPtr<Filesystem> remove_last();

  // The root of the filesystem mounted on `vnode` (following stacked mounts), or
  // `vnode` itself.
  RefPtr<Vnode> cross_down(RefPtr<Vnode> vnode);
  // When `vnode` is the root of a mounted filesystem other than "/", the directory it
  // is mounted on; else null.
  RefPtr<Vnode> covered_by(const Vnode& vnode);
  // Whether `vnode` is the root of a mounted filesystem ("/" included).
  static bool is_mount_root(const Vnode& vnode);

  RefPtr<Vnode> root();
  // Every mounted filesystem, for sync: up to `capacity` into `out`; returns the count.
  std::size_t snapshot(RefPtr<Filesystem>* out, std::size_t capacity);

 private:
  struct Mount {
    RefPtr<Filesystem> fs;
    RefPtr<Vnode> root;
    RefPtr<Vnode> covered;  // null for "/"
    Mount* next;
  };
  Mount* find_covering(const Vnode& vnode);  // the mount on vnode, with lock_ held
  static void mark_unmounted(Filesystem& fs, Vnode* covered);

  Mutex lock_;
  Mount* head_ = nullptr;  // oldest first
  Mount* root_ = nullptr;
  std::uint64_t next_device_id_ = 1;
};

}  // namespace cairn::vfs
