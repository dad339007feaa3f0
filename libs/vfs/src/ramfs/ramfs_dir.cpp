// ramfs directories: entries by name, link counts, rename.
#include <cerrno>
#include <cstring>
#include <new>

#include "ramfs.h"

namespace cairn::vfs::ramfs {

Directory::Directory(Ramfs& fs, std::uint64_t ino, std::uint32_t permissions, Directory* parent)
    : Node(fs, ino, kDirectory | (permissions & kPermissionMask), 0),
      parent_(parent ? parent : this) {
  nlink_ = 2;  // "." and its entry in the parent (the root: "." and "..")
}

void Directory::clear() {
  // Children are detached first so that a deep tree is not freed by recursion here;
  // each subdirectory frees its own entries when its last reference goes.
  {
    MutexLocker lock(fs().lock());
    for (DirTable::Entry* e = entries_.head(); e; e = e->next) {
      auto* node = static_cast<Node*>(e->node.get());
      if (node->is_directory()) {
        static_cast<Directory*>(node)->parent_ = nullptr;
        node->nlink_ = 0;
      } else {
        --node->nlink_;
      }
    }
  }
  // Collect children (outside the lock: dropping them may free whole subtrees, which
  // never takes this filesystem's lock).
  for (;;) {
    RefPtr<Vnode> child;
    {
      MutexLocker lock(fs().lock());
      DirTable::Entry* e = entries_.head();
      if (!e) break;
      child = e->node;
      entries_.erase(e);
    }
    if (child->is_directory()) static_cast<Directory*>(child.get())->clear();
  }
}

Result<RefPtr<Vnode>> Directory::lookup(std::string_view name) {
  MutexLocker lock(fs().lock());
  if (name == "..") {
    if (!parent_) return Error(ENOENT, "directory was removed");
    return RefPtr<Vnode>(parent_);
  }
  DirTable::Entry* e = entries_.find(name);
  if (!e) return Error(ENOENT, "no such file or directory");
  return e->node;
}

Result<RefPtr<Vnode>> Directory::add_locked(std::string_view name, RefPtr<Node> node,
                                            const Timestamp& t) {
  if (!parent_) return Error(ENOENT, "directory was removed");
  if (entries_.find(name)) return Error(EEXIST, "file exists");
  TRY(entries_.insert(name, node));
  ++node->nlink_;
  if (node->is_directory()) ++nlink_;
  touch_modify(t);
  return RefPtr<Vnode>(node);
}

Result<RefPtr<Vnode>> Directory::create(std::string_view name, std::uint32_t mode,
                                        std::uint64_t rdev) {
  MutexLocker lock(fs().lock());
  std::uint64_t ino = fs().next_ino();
  RefPtr<Node> node;
  if ((mode & kTypeMask) == kRegular) {
    node = TRY(make_ref<File>(fs(), ino, mode));
  } else {
    node = TRY(make_ref<Node>(fs(), ino, mode, rdev));
  }
  return add_locked(name, node, node->mtime_);
}

Result<RefPtr<Vnode>> Directory::mkdir(std::string_view name, std::uint32_t permissions) {
  MutexLocker lock(fs().lock());
  RefPtr<Directory> dir = TRY(make_ref<Directory>(fs(), fs().next_ino(), permissions, this));
  dir->nlink_ = 1;  // add_locked counts the parent's entry
  return add_locked(name, dir, dir->mtime_);
}

Result<RefPtr<Vnode>> Directory::symlink(std::string_view name, std::string_view target) {
  char* copy = new (std::nothrow) char[target.size()];
  if (!copy) return Error(ENOSPC, "out of memory");
  std::memcpy(copy, target.data(), target.size());
  MutexLocker lock(fs().lock());
  auto link = make_ref<Symlink>(fs(), fs().next_ino(), copy, target.size());
  if (!link) {
    delete[] copy;
    return link.error();
  }
  return add_locked(name, link.value(), link.value()->mtime_);
}

Result<void> Directory::link(std::string_view name, Vnode& target) {
  MutexLocker lock(fs().lock());
  auto& node = static_cast<Node&>(target);
  if (node.nlink_ == 0) return Error(ENOENT, "file was removed");
  Timestamp t = now();
  TRY(add_locked(name, RefPtr<Node>(&node), t));
  node.touch_change(t);
  return {};
}

Result<void> Directory::unlink(std::string_view name) {
  RefPtr<Vnode> doomed;  // dropped after the lock: it may be the last reference
  MutexLocker lock(fs().lock());
  DirTable::Entry* e = entries_.find(name);
  if (!e) return Error(ENOENT, "no such file or directory");
  auto* node = static_cast<Node*>(e->node.get());
  if (node->is_directory()) return Error(EISDIR, "is a directory");
  doomed = e->node;
  entries_.erase(e);
  --node->nlink_;
  Timestamp t = now();
  node->touch_change(t);
  touch_modify(t);
  return {};
}

Result<void> Directory::rmdir(std::string_view name) {
  RefPtr<Vnode> doomed;
  MutexLocker lock(fs().lock());
  DirTable::Entry* e = entries_.find(name);
  if (!e) return Error(ENOENT, "no such file or directory");
  auto* node = static_cast<Node*>(e->node.get());
  if (!node->is_directory()) return Error(ENOTDIR, "not a directory");
  auto* dir = static_cast<Directory*>(node);
  if (dir->entries_.size() != 0) return Error(ENOTEMPTY, "directory not empty");
  doomed = e->node;
  entries_.erase(e);
  dir->parent_ = nullptr;
  dir->nlink_ = 0;
  --nlink_;
  touch_modify(now());
  return {};
}

bool Directory::is_self_or_ancestor_of(const Directory* d) const {
  for (; d; d = d->parent_ == d ? nullptr : d->parent_)
    if (d == this) return true;
  return false;
}

Result<void> Directory::rename(std::string_view old_name, Vnode& new_directory,
                               std::string_view new_name) {
  auto& to_dir = static_cast<Directory&>(new_directory);
  RefPtr<Vnode> replaced;  // dropped after the lock
  MutexLocker lock(fs().lock());
  DirTable::Entry* from = entries_.find(old_name);
  if (!from) return Error(ENOENT, "no such file or directory");
  if (!to_dir.parent_) return Error(ENOENT, "target directory was removed");
  RefPtr<Vnode> moving = from->node;
  auto* node = static_cast<Node*>(moving.get());
  bool is_dir = node->is_directory();
  if (is_dir && static_cast<Directory*>(node)->is_self_or_ancestor_of(&to_dir))
    return Error(EINVAL, "cannot move a directory into itself");
  DirTable::Entry* to = to_dir.entries_.find(new_name);
  Timestamp t = now();
  if (to) {
    if (to->node == moving) return {};  // two names of one file: nothing to do
    auto* old = static_cast<Node*>(to->node.get());
    if (is_dir) {
      if (!old->is_directory()) return Error(ENOTDIR, "not a directory");
      if (static_cast<Directory*>(old)->entries_.size() != 0)
        return Error(ENOTEMPTY, "directory not empty");
      static_cast<Directory*>(old)->parent_ = nullptr;
      old->nlink_ = 0;
      --to_dir.nlink_;
    } else {
      if (old->is_directory()) return Error(EISDIR, "is a directory");
      --old->nlink_;
    }
    old->touch_change(t);
    // Replace in place: nothing to allocate, so nothing can fail half-way.
    replaced = to->node;
    to->node = moving;
  } else {
    TRY(to_dir.entries_.insert(new_name, moving));
  }
  entries_.erase(from);
  if (is_dir && &to_dir != this) {
    --nlink_;
    ++to_dir.nlink_;
    static_cast<Directory*>(node)->parent_ = &to_dir;
  }
  node->touch_change(t);
  touch_modify(t);
  to_dir.touch_modify(t);
  return {};
}

Result<void> Directory::readdir(std::uint64_t& cookie, DirSink& sink) {
  MutexLocker lock(fs().lock());
  if (cookie == 0) {
    if (!sink.add({".", ino(), kDirectory, 1})) return {};
    cookie = 1;
  }
  if (cookie == 1) {
    std::uint64_t up = parent_ ? parent_->ino() : ino();
    if (!sink.add({"..", up, kDirectory, DirTable::kFirstCookie})) return {};
    cookie = DirTable::kFirstCookie;
  }
  for (DirTable::Entry* e = entries_.first_from(cookie); e; e = e->next) {
    if (!sink.add({e->key(), e->node->ino(), e->node->type(), e->cookie + 1})) {
      entries_.set_hint(cookie, e);
      return {};
    }
    cookie = e->cookie + 1;
  }
  return {};
}

}  // namespace cairn::vfs::ramfs
