// The VFS core: the mount table, the current directory and umask, and every path
// operation, as one object (the image has one, vfs_instance(); unit tests make their
// own). Paths are resolved relative to `base` (a directory vnode) when given and
// relative, else to the current directory. Nothing here takes a lock while calling a
// filesystem, except the mount table's for its own lookups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/lock.h>
#include <cairn/vfs/open_file.h>
#include <cairn/vfs/ref_ptr.h>
#include <cairn/vfs/types.h>
#include <cairn/vfs/vnode.h>

#include "mount_table.h"

namespace cairn::vfs {

// Where a path leads: the directory holding its last component, that component, and
// what it names (null when it does not exist). Symlinks in the last component are
// followed when asked (then `name` is the final target's last component).
struct Walk {
  RefPtr<Vnode> parent;
  RefPtr<Vnode> child;
  char name[kNameMax + 1];
  std::size_t name_length = 0;
  bool trailing_slash = false;  // "dir/": the result must be a directory
  std::string_view last() const { return {name, name_length}; }
  bool is_dot() const { return last() == "."; }
  bool is_dot_dot() const { return last() == ".."; }
};

class Vfs {
 public:
  Vfs() = default;
  Vfs(const Vfs&) = delete;
  Vfs& operator=(const Vfs&) = delete;

  MountTable& mounts() { return mounts_; }

  // --- Mounting
  Result<void> mount(RefPtr<Filesystem> fs, std::string_view target, const char* type_name);
  Result<void> mount(std::string_view fstype, std::string_view source, std::string_view target,
                     std::string_view options);
  Result<void> unmount(std::string_view target);
  Result<void> sync_all();
  // Syncs and unmounts everything, innermost first; failures go to `report`.
  using FailureReport = void (*)(const char* step, const Filesystem& fs, const Error& error);
  void unmount_all(FailureReport report = nullptr);

  // --- Resolution
  static constexpr unsigned kFollow = 1;  // follow a symlink in the last component
  Result<void> walk(Vnode* base, std::string_view path, unsigned flags, Walk& out);
  Result<RefPtr<Vnode>> resolve(Vnode* base, std::string_view path, bool follow);
  // The directory ".." leads to from `directory`, crossing mount points.
  Result<RefPtr<Vnode>> parent_of(RefPtr<Vnode> directory);

  // --- Path operations (modes as given: callers apply the umask)
  Result<RefPtr<OpenFile>> open(Vnode* base, std::string_view path, int flags, std::uint32_t mode);
  Result<void> mkdir(Vnode* base, std::string_view path, std::uint32_t mode);
  Result<void> mknod(Vnode* base, std::string_view path, std::uint32_t mode, std::uint64_t rdev);
  Result<void> symlink(std::string_view target, Vnode* base, std::string_view path);
  Result<void> link(Vnode* old_base, std::string_view old_path, Vnode* new_base,
                    std::string_view new_path, bool follow);
  Result<void> unlink(Vnode* base, std::string_view path);
  Result<void> rmdir(Vnode* base, std::string_view path);
  Result<void> rename(Vnode* old_base, std::string_view old_path, Vnode* new_base,
                      std::string_view new_path);
  Result<std::size_t> readlink(Vnode* base, std::string_view path, std::span<char> buffer);
  Result<void> setattr(Vnode* base, std::string_view path, const AttributeChanges& changes,
                       bool follow);

  // --- The current directory and umask
  RefPtr<Vnode> cwd();
  Result<void> chdir(RefPtr<Vnode> directory);
  // Writes the absolute path of the current directory with its NUL; ERANGE when it does
  // not fit, ENOENT when the directory was removed.
  Result<std::size_t> getcwd(std::span<char> buffer);
  std::uint32_t umask() const { return __atomic_load_n(&umask_, __ATOMIC_RELAXED); }
  std::uint32_t set_umask(std::uint32_t mask) {
    return __atomic_exchange_n(&umask_, mask & 0777, __ATOMIC_RELAXED);
  }

 private:
  Result<RefPtr<Vnode>> start_for(Vnode* base, std::string_view path);
  Result<bool> is_ancestor(const Vnode& ancestor, RefPtr<Vnode> directory);

  MountTable mounts_;
  Mutex cwd_lock_;
  RefPtr<Vnode> cwd_;  // null: the root
  std::uint32_t umask_ = 022;
};

// (filesystem, ino) identity.
inline bool same_file(const Vnode& a, const Vnode& b) {
  return &a.filesystem() == &b.filesystem() && a.ino() == b.ino();
}

}  // namespace cairn::vfs
