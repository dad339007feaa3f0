// ramfs: the filesystem object, attributes common to every node, symlinks.
#include "ramfs.h"

#include <cerrno>
#include <cstring>

#include <cairn/vfs/open_file.h>

namespace cairn::vfs::ramfs {

Ramfs::Ramfs() = default;

Result<void> Ramfs::init() {
  RefPtr<Directory> root = TRY(make_ref<Directory>(*this, 1, 0755, nullptr));
  root_ = root;
  return {};
}

RefPtr<Vnode> Ramfs::root() {
  MutexLocker lock(lock_);
  return root_;
}

// Frees the tree (files still open stay until closed).
Result<void> Ramfs::unmount() {
  RefPtr<Directory> root;
  {
    MutexLocker lock(lock_);
    root = root_;
    root_.reset();
  }
  if (root) root->clear();
  return {};
}

Result<FilesystemStats> Ramfs::statfs() {
  FilesystemStats stats;
  stats.block_size = PageTree::kPageSize;
  std::int64_t pages = __atomic_load_n(&pages_, __ATOMIC_RELAXED);
  stats.blocks = pages > 0 ? static_cast<std::uint64_t>(pages) : 0;
  stats.files = files();
  return stats;
}

Result<RefPtr<Filesystem>> mount(std::string_view, std::string_view options) {
  RefPtr<Ramfs> fs = TRY(make_ref<Ramfs>());
  TRY(fs->init());
  (void)options;
  return RefPtr<Filesystem>(fs);
}

CAIRN_FILESYSTEM(ramfs, "ramfs", mount);

Node::Node(Ramfs& fs, std::uint64_t ino, std::uint32_t mode, std::uint64_t rdev)
    : Vnode(fs, ino, mode), mode_(mode), rdev_(rdev) {
  atime_ = mtime_ = ctime_ = now();
}

Ramfs& Node::fs() const { return static_cast<Ramfs&>(filesystem()); }

Result<Attributes> Node::getattr() {
  MutexLocker lock(fs().lock());
  Attributes a;
  a.ino = ino();
  a.mode = mode_;
  a.nlink = nlink_;
  a.uid = uid_;
  a.gid = gid_;
  a.size = size_locked();
  a.blocks = blocks_locked();
  a.block_size = PageTree::kPageSize;
  a.rdev = rdev_;
  a.atime = atime_;
  a.mtime = mtime_;
  a.ctime = ctime_;
  return a;
}

Result<void> Node::setattr(const AttributeChanges& c) {
  Timestamp t = now();
  MutexLocker lock(fs().lock());
  if (c.mask & AttributeChanges::kSize) {
    TRY(resize_locked(c.size));
    mtime_ = t;
  }
  if (c.mask & AttributeChanges::kMode) mode_ = (mode_ & kTypeMask) | (c.mode & kPermissionMask);
  if (c.mask & AttributeChanges::kUid) uid_ = c.uid;
  if (c.mask & AttributeChanges::kGid) gid_ = c.gid;
  if (c.mask & AttributeChanges::kAtime) atime_ = c.atime;
  if (c.mask & AttributeChanges::kAtimeNow) atime_ = t;
  if (c.mask & AttributeChanges::kMtime) mtime_ = c.mtime;
  if (c.mask & AttributeChanges::kMtimeNow) mtime_ = t;
  ctime_ = t;
  return {};
}

// Device nodes, FIFOs and sockets made with mknod() are names only here.
Result<RefPtr<OpenFile>> Node::open(int flags) {
  if (is_regular() || is_directory()) return Vnode::open(flags);
  return Error(ENXIO, "no device or reader behind this node");
}

Symlink::Symlink(Ramfs& fs, std::uint64_t ino, char* target, std::size_t length)
    : Node(fs, ino, kSymlink | 0777, 0), target_(target), length_(length) {}

Symlink::~Symlink() { delete[] target_; }

Result<std::size_t> Symlink::readlink(std::span<char> buffer) {
  std::size_t n = length_ < buffer.size() ? length_ : buffer.size();
  std::memcpy(buffer.data(), target_, n);  // immutable: no lock needed
  return n;
}

}  // namespace cairn::vfs::ramfs
