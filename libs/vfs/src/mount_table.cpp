#include "mount_table.h"

#include <cerrno>
#include <new>

namespace cairn::vfs {

MountTable::~MountTable() {
  while (head_) {
    Mount* m = head_;
    head_ = m->next;
    delete m;
  }
}

bool MountTable::is_mount_root(const Vnode& vnode) {
  const Filesystem& fs = vnode.filesystem();
  return __atomic_load_n(&fs.mounted_, __ATOMIC_ACQUIRE) && fs.root_ino_ == vnode.ino();
}

MountTable::Mount* MountTable::find_covering(const Vnode& vnode) {
  for (Mount* m = head_; m; m = m->next)
    if (m->covered && &m->covered->filesystem() == &vnode.filesystem() &&
        m->covered->ino() == vnode.ino())
      return m;
  return nullptr;
}

Result<void> MountTable::add(RefPtr<Filesystem> fs, RefPtr<Vnode> covered, const char* type_name) {
  RefPtr<Vnode> root = fs->root();
  if (!root || !root->is_directory()) return Error(EINVAL, "filesystem has no root directory");
  Mount* m = new (std::nothrow) Mount{fs, root, covered, nullptr};
  if (!m) return Error(ENOMEM, "out of memory");
  MutexLocker lock(lock_);
  if ((!covered && root_) || (covered && find_covering(*covered))) {
    delete m;
    return Error(EBUSY, "already a mount point");
  }
  if (fs->mounted_) {
    delete m;
    return Error(EBUSY, "filesystem already mounted");
  }
  fs->device_id_ = next_device_id_++;
  fs->type_name_ = type_name;
  fs->root_ino_ = root->ino();
  __atomic_store_n(&fs->mounted_, true, __ATOMIC_RELEASE);
  if (covered) __atomic_add_fetch(&covered->filesystem().mounts_on_, 1, __ATOMIC_RELEASE);
  Mount** tail = &head_;
  while (*tail) tail = &(*tail)->next;
  *tail = m;
  if (!covered) root_ = m;
  return {};
}

void MountTable::mark_unmounted(Filesystem& fs, Vnode* covered) {
  __atomic_store_n(&fs.mounted_, false, __ATOMIC_RELEASE);
  if (covered) __atomic_sub_fetch(&covered->filesystem().mounts_on_, 1, __ATOMIC_RELEASE);
}

Result<RefPtr<Filesystem>> MountTable::remove(const Vnode& root) {
  Mount* found = nullptr;
  {
    MutexLocker lock(lock_);
    Mount** link = &head_;
    for (; *link; link = &(*link)->next)
      if ((*link)->fs.get() == &root.filesystem() && (*link)->root->ino() == root.ino()) break;
    if (!*link) return Error(EINVAL, "not a mount point");
    found = *link;
    if (found->fs->mounts_on_ != 0) return Error(EBUSY, "filesystems are mounted below it");
    *link = found->next;
    if (found == root_) root_ = nullptr;
    mark_unmounted(*found->fs, found->covered.get());
  }
  RefPtr<Filesystem> fs = found->fs;
  delete found;
  return fs;
}

RefPtr<Filesystem> MountTable::remove_last() {
  Mount* last = nullptr;
  {
    MutexLocker lock(lock_);
    Mount** link = &head_;
    if (!*link) return nullptr;
    while ((*link)->next) link = &(*link)->next;
    last = *link;
    *link = nullptr;
    if (last == root_) root_ = nullptr;
    mark_unmounted(*last->fs, last->covered.get());
  }
  RefPtr<Filesystem> fs = last->fs;
  delete last;
  return fs;
}

RefPtr<Vnode> MountTable::cross_down(RefPtr<Vnode> vnode) {
  // Most directories have nothing mounted on their filesystem at all.
  if (__atomic_load_n(&vnode->filesystem().mounts_on_, __ATOMIC_ACQUIRE) == 0) return vnode;
  MutexLocker lock(lock_);
  while (Mount* m = find_covering(*vnode)) vnode = m->root;
  return vnode;
}

RefPtr<Vnode> MountTable::covered_by(const Vnode& vnode) {
  if (!is_mount_root(vnode)) return nullptr;
  MutexLocker lock(lock_);
  for (Mount* m = head_; m; m = m->next)
    if (m->fs.get() == &vnode.filesystem()) return m->covered;
  return nullptr;
}

RefPtr<Vnode> MountTable::root() {
  MutexLocker lock(lock_);
  return root_ ? root_->root : nullptr;
}

std::size_t MountTable::snapshot(RefPtr<Filesystem>* out, std::size_t capacity) {
  MutexLocker lock(lock_);
  std::size_t n = 0;
  for (Mount* m = head_; m && n < capacity; m = m->next) out[n++] = m->fs;
  return n;
}

}  // namespace cairn::vfs
