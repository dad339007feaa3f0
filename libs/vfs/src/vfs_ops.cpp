// Path operations: each resolves its path(s) with walk() and checks what Linux checks
// before calling the filesystem, so filesystems see only valid requests.
#include <fcntl.h>
#include <cerrno>

#include "vfs_core.h"

namespace cairn::vfs {
namespace {

Result<void> writable_fs(const Vnode& v) {
  if (v.filesystem().read_only()) return Error(EROFS, "read-only filesystem");
  return {};
}

// The flags an open file keeps (F_GETFL): the rest only matter while opening.
constexpr int kOpenOnlyFlags = O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY;

}  // namespace

Result<RefPtr<OpenFile>> Vfs::open(Vnode* base, std::string_view path, int flags,
                                   std::uint32_t mode) {
  bool exclusive = (flags & O_CREAT) && (flags & O_EXCL);
  bool follow = !(flags & O_NOFOLLOW) && !exclusive;
  Walk w;
  TRY(walk(base, path, follow ? kFollow : 0, w));
  RefPtr<Vnode> vnode = w.child;
  bool created = false;
  int access = flags & O_ACCMODE;
  if (!vnode) {
    if (!(flags & O_CREAT)) return Error(ENOENT, "no such file or directory");
    if (w.trailing_slash) return Error(EISDIR, "is a directory");
    TRY(writable_fs(*w.parent));
    vnode = TRY(w.parent->create(w.last(), kRegular | (mode & kPermissionMask), 0));
    created = true;
  } else {
    if (exclusive) return Error(EEXIST, "file exists");
    if (vnode->is_symlink()) return Error(ELOOP, "is a symbolic link (O_NOFOLLOW)");
    if (vnode->is_directory()) {
      if (access != O_RDONLY || (flags & O_CREAT)) return Error(EISDIR, "is a directory");
    } else if ((flags & O_DIRECTORY) || w.trailing_slash) {
      return Error(ENOTDIR, "not a directory");
    }
  }
  if (vnode->is_regular() && (access != O_RDONLY || (flags & O_TRUNC))) TRY(writable_fs(*vnode));
  if ((flags & O_TRUNC) && vnode->is_regular() && !created) {
    AttributeChanges truncate;
    truncate.mask = AttributeChanges::kSize;
    truncate.size = 0;
    TRY(vnode->setattr(truncate));
  }
  return vnode->open(flags & ~kOpenOnlyFlags);
}

Result<void> Vfs::mkdir(Vnode* base, std::string_view path, std::uint32_t mode) {
  Walk w;
  TRY(walk(base, path, 0, w));
  if (w.child) return Error(EEXIST, "file exists");
  TRY(writable_fs(*w.parent));
  TRY(w.parent->mkdir(w.last(), mode & kPermissionMask));
  return {};
}

Result<void> Vfs::mknod(Vnode* base, std::string_view path, std::uint32_t mode,
                        std::uint64_t rdev) {
  std::uint32_t type = mode & kTypeMask;
  if (type == 0) type = kRegular;
  if (type == kDirectory) return Error(EPERM, "mknod cannot make directories");
  if (type != kRegular && type != kFifo && type != kCharDevice && type != kBlockDevice &&
      type != kSocket)
    return Error(EINVAL, "bad file type");
  Walk w;
  TRY(walk(base, path, 0, w));
  if (w.child) return Error(EEXIST, "file exists");
  if (w.trailing_slash) return Error(ENOENT, "no such directory");
  TRY(writable_fs(*w.parent));
  TRY(w.parent->create(w.last(), type | (mode & kPermissionMask), rdev));
  return {};
}

Result<void> Vfs::symlink(std::string_view target, Vnode* base, std::string_view path) {
  if (target.empty()) return Error(ENOENT, "empty symlink target");
  if (target.size() >= kPathMax) return Error(ENAMETOOLONG, "symlink target too long");
  Walk w;
  TRY(walk(base, path, 0, w));
  if (w.child) return Error(EEXIST, "file exists");
  if (w.trailing_slash) return Error(ENOENT, "no such directory");
  TRY(writable_fs(*w.parent));
  TRY(w.parent->symlink(w.last(), target));
  return {};
}

Result<void> Vfs::link(Vnode* old_base, std::string_view old_path, Vnode* new_base,
                       std::string_view new_path, bool follow) {
  RefPtr<Vnode> existing = TRY(resolve(old_base, old_path, follow));
  if (existing->is_directory()) return Error(EPERM, "hard links to directories are not allowed");
  Walk w;
  TRY(walk(new_base, new_path, 0, w));
  if (w.child) return Error(EEXIST, "file exists");
  if (w.trailing_slash) return Error(ENOENT, "no such directory");
  if (&w.parent->filesystem() != &existing->filesystem())
    return Error(EXDEV, "link across filesystems");
  TRY(writable_fs(*w.parent));
  return w.parent->link(w.last(), *existing);
}

Result<void> Vfs::unlink(Vnode* base, std::string_view path) {
  Walk w;
  TRY(walk(base, path, 0, w));
  if (!w.child) return Error(ENOENT, "no such file or directory");
  if (w.child->is_directory()) return Error(EISDIR, "is a directory");
  if (w.trailing_slash) return Error(ENOTDIR, "not a directory");
  TRY(writable_fs(*w.parent));
  return w.parent->unlink(w.last());
}

Result<void> Vfs::rmdir(Vnode* base, std::string_view path) {
  if (!path.empty() && path.find_first_not_of('/') == std::string_view::npos)
    return Error(EBUSY, "cannot remove the root");
  Walk w;
  TRY(walk(base, path, 0, w));
  if (w.is_dot()) return Error(EINVAL, "cannot remove '.'");
  if (w.is_dot_dot()) return Error(ENOTEMPTY, "directory not empty");
  if (!w.child) return Error(ENOENT, "no such file or directory");
  if (!w.child->is_directory()) return Error(ENOTDIR, "not a directory");
  if (MountTable::is_mount_root(*w.child)) return Error(EBUSY, "mount point");
  TRY(writable_fs(*w.parent));
  return w.parent->rmdir(w.last());
}

// Whether `ancestor` is `directory` or one of its ancestors (rename's subtree check).
Result<bool> Vfs::is_ancestor(const Vnode& ancestor, RefPtr<Vnode> directory) {
  for (int depth = 0; depth < 4096; ++depth) {
    if (same_file(ancestor, *directory)) return true;
    RefPtr<Vnode> up = TRY(parent_of(directory));
    if (up == directory) return false;
    directory = up;
  }
  return Error(ELOOP, "directory tree too deep");
}

Result<void> Vfs::rename(Vnode* old_base, std::string_view old_path, Vnode* new_base,
                         std::string_view new_path) {
  Walk from, to;
  TRY(walk(old_base, old_path, 0, from));
  TRY(walk(new_base, new_path, 0, to));
  if (!from.child) return Error(ENOENT, "no such file or directory");
  if (from.is_dot() || from.is_dot_dot() || to.is_dot() || to.is_dot_dot())
    return Error(EBUSY, "cannot rename '.' or '..'");
  if (MountTable::is_mount_root(*from.child) || (to.child && MountTable::is_mount_root(*to.child)))
    return Error(EBUSY, "mount point");
  if (&from.parent->filesystem() != &to.parent->filesystem())
    return Error(EXDEV, "rename across filesystems");
  bool directory = from.child->is_directory();
  if (!directory && (from.trailing_slash || to.trailing_slash))
    return Error(ENOTDIR, "not a directory");
  if (to.child && same_file(*from.child, *to.child)) return {};
  if (to.child) {
    if (directory && !to.child->is_directory()) return Error(ENOTDIR, "not a directory");
    if (!directory && to.child->is_directory()) return Error(EISDIR, "is a directory");
  }
  if (directory && !same_file(*from.parent, *to.parent) && TRY(is_ancestor(*from.child, to.parent)))
    return Error(EINVAL, "cannot move a directory into itself");
  TRY(writable_fs(*from.parent));
  return from.parent->rename(from.last(), *to.parent, to.last());
}

Result<std::size_t> Vfs::readlink(Vnode* base, std::string_view path, std::span<char> buffer) {
  Walk w;
  TRY(walk(base, path, 0, w));
  if (!w.child) return Error(ENOENT, "no such file or directory");
  if (!w.child->is_symlink()) return Error(EINVAL, "not a symbolic link");
  return w.child->readlink(buffer);
}

Result<void> Vfs::setattr(Vnode* base, std::string_view path, const AttributeChanges& changes,
                          bool follow) {
  RefPtr<Vnode> vnode = TRY(resolve(base, path, follow));
  if ((changes.mask & AttributeChanges::kSize)) {
    if (vnode->is_directory()) return Error(EISDIR, "is a directory");
    if (!vnode->is_regular()) return Error(EINVAL, "not a regular file");
  }
  TRY(writable_fs(*vnode));
  return vnode->setattr(changes);
}

}  // namespace cairn::vfs
