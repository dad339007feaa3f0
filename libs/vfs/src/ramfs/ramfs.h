// ramfs: a read-write filesystem in memory, the default root. Files are sparse (a page
// tree: holes cost nothing and read as zeros); directories are hash tables with stable
// readdir cookies; hard links, symlinks, device nodes and FIFOs (as names: opening one
// is ENXIO) are supported. One mutex per mount serialises everything: operations are
// memory copies, and on one CPU finer locks would buy nothing.
#pragma once

#include <cstdint>

#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/lock.h>
#include <cairn/vfs/vnode.h>

#include "dir_table.h"
#include "page_tree.h"

namespace cairn::vfs::ramfs {

class Ramfs;
class Directory;

class Node : public Vnode {
 public:
  Node(Ramfs& fs, std::uint64_t ino, std::uint32_t mode, std::uint64_t rdev);
  Result<Attributes> getattr() override;
  Result<void> setattr(const AttributeChanges& changes) override;
  Result<RefPtr<OpenFile>> open(int flags) override;

 protected:
  friend class Directory;
  Ramfs& fs() const;
  // With the filesystem's lock held:
  virtual std::uint64_t size_locked() const { return 0; }
  virtual std::uint64_t blocks_locked() const { return 0; }
  virtual Result<void> resize_locked(std::uint64_t) { return Error(EINVAL, "not a file"); }
  void touch_change(const Timestamp& t) { ctime_ = t; }
  void touch_modify(const Timestamp& t) { mtime_ = ctime_ = t; }

  std::uint32_t mode_;  // type | permissions
  std::uint32_t nlink_ = 0;
  std::uint32_t uid_ = 0;
  std::uint32_t gid_ = 0;
  std::uint64_t rdev_;
  Timestamp atime_, mtime_, ctime_;
};

class File final : public Node {
 public:
  File(Ramfs& fs, std::uint64_t ino, std::uint32_t mode);
  Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> buffer) override;
  Result<std::size_t> write(std::uint64_t offset, std::span<const std::byte> data) override;
  Result<std::size_t> append(std::span<const std::byte> data, std::uint64_t& end) override;

 protected:
  ~File() override;
  std::uint64_t size_locked() const override { return size_; }
  std::uint64_t blocks_locked() const override { return pages_.page_count() * 8; }
  Result<void> resize_locked(std::uint64_t size) override;

 private:
  Result<std::size_t> write_locked(std::uint64_t offset, std::span<const std::byte> data);
  PageTree pages_;
  std::uint64_t size_ = 0;
};

class Symlink final : public Node {
 public:
  Symlink(Ramfs& fs, std::uint64_t ino, char* target, std::size_t length);
  Result<std::size_t> readlink(std::span<char> buffer) override;

 protected:
  ~Symlink() override;
  std::uint64_t size_locked() const override { return length_; }

 private:
  char* target_;
  std::size_t length_;
};

class Directory final : public Node {
 public:
  Directory(Ramfs& fs, std::uint64_t ino, std::uint32_t permissions, Directory* parent);
  Result<RefPtr<Vnode>> lookup(std::string_view name) override;
  Result<RefPtr<Vnode>> create(std::string_view name, std::uint32_t mode,
                               std::uint64_t rdev) override;
  Result<RefPtr<Vnode>> mkdir(std::string_view name, std::uint32_t permissions) override;
  Result<RefPtr<Vnode>> symlink(std::string_view name, std::string_view target) override;
  Result<void> link(std::string_view name, Vnode& target) override;
  Result<void> unlink(std::string_view name) override;
  Result<void> rmdir(std::string_view name) override;
  Result<void> rename(std::string_view old_name, Vnode& new_directory,
                      std::string_view new_name) override;
  Result<void> readdir(std::uint64_t& cookie, DirSink& sink) override;

  // Empties the directory (unmount).
  void clear();

 protected:
  ~Directory() override = default;
  std::uint64_t size_locked() const override { return entries_.size() * 32; }

 private:
  Result<RefPtr<Vnode>> add_locked(std::string_view name, RefPtr<Node> node, const Timestamp& t);
  bool is_self_or_ancestor_of(const Directory* d) const;
  DirTable entries_;
  Directory* parent_;  // null once removed; a parent outlives its entries
};

class Ramfs final : public Filesystem {
 public:
  Ramfs();
  RefPtr<Vnode> root() override;
  Result<void> unmount() override;
  Result<FilesystemStats> statfs() override;

  Mutex& lock() { return lock_; }
  std::uint64_t next_ino() { return next_ino_++; }  // lock held
  void count_pages(std::int64_t delta) { __atomic_add_fetch(&pages_, delta, __ATOMIC_RELAXED); }
  std::uint64_t files() const { return __atomic_load_n(&files_, __ATOMIC_RELAXED); }
  void count_file(std::int64_t delta) { __atomic_add_fetch(&files_, delta, __ATOMIC_RELAXED); }

  // Makes the root (after construction: it needs a reference to this).
  Result<void> init();

 private:
  Mutex lock_;
  RefPtr<Directory> root_;
  std::uint64_t next_ino_ = 2;
  std::int64_t pages_ = 0;
  std::uint64_t files_ = 0;
};

Result<RefPtr<Filesystem>> mount(std::string_view source, std::string_view options);

}  // namespace cairn::vfs::ramfs
