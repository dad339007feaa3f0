// The current directory. getcwd() walks up with ".." and finds each directory's name
// in its parent by inode number, so it needs nothing from filesystems beyond lookup and
// readdir (a 9P share works like ramfs) and stays right across renames of any parent.
#include <cerrno>
#include <cstring>

#include "vfs_core.h"

namespace cairn::vfs {

RefPtr<Vnode> Vfs::cwd() {
  {
    MutexLocker lock(cwd_lock_);
    if (cwd_) return cwd_;
  }
  return mounts_.root();
}

Result<void> Vfs::chdir(RefPtr<Vnode> directory) {
  if (!directory->is_directory()) return Error(ENOTDIR, "not a directory");
  MutexLocker lock(cwd_lock_);
  cwd_ = directory;
  return {};
}

namespace {

// Finds the entry of `directory` whose inode is `ino` (not "." or "..").
class FindByIno final : public DirSink {
 public:
  explicit FindByIno(std::uint64_t ino) : ino_(ino) {}
  bool add(const DirEntry& entry) override {
    if (found_length_ == 0 && entry.ino == ino_ && entry.name != "." && entry.name != ".." &&
        entry.name.size() <= kNameMax) {
      std::memcpy(name_, entry.name.data(), entry.name.size());
      found_length_ = entry.name.size();
    }
    ++seen_;
    return true;
  }
  std::string_view name() const { return {name_, found_length_}; }
  std::size_t seen() const { return seen_; }
  void reset_seen() { seen_ = 0; }

 private:
  std::uint64_t ino_;
  char name_[kNameMax + 1];
  std::size_t found_length_ = 0;
  std::size_t seen_ = 0;
};

Result<std::string_view> name_in(Vnode& parent, FindByIno& finder) {
  std::uint64_t cookie = 0;
  for (;;) {
    finder.reset_seen();
    TRY(parent.readdir(cookie, finder));
    if (!finder.name().empty()) return finder.name();
    if (finder.seen() == 0) return Error(ENOENT, "current directory was removed");
  }
}

}  // namespace

Result<std::size_t> Vfs::getcwd(std::span<char> buffer) {
  RefPtr<Vnode> dir = cwd();
  if (!dir) return Error(ENOENT, "no root filesystem");
  if (buffer.empty()) return Error(ERANGE, "buffer too small");
  // Built from the end of the buffer backwards.
  std::size_t start = buffer.size() - 1;
  buffer[start] = '\0';
  for (int depth = 0; depth < 4096; ++depth) {
    // Find the vnode its parent lists: the covered directory when `dir` is a mount root.
    RefPtr<Vnode> named = dir;
    while (MountTable::is_mount_root(*named)) {
      RefPtr<Vnode> covered = mounts_.covered_by(*named);
      if (!covered) break;
      named = covered;
    }
    RefPtr<Vnode> parent = TRY(parent_of(dir));
    if (parent == dir || same_file(*parent, *dir)) break;  // the root
    FindByIno finder(named->ino());
    std::string_view name = TRY(name_in(*parent, finder));
    if (name.size() + 1 > start) return Error(ERANGE, "buffer too small");
    start -= name.size();
    std::memcpy(&buffer[start], name.data(), name.size());
    buffer[--start] = '/';
    dir = parent;
  }
  if (start == buffer.size() - 1) {
    if (start == 0) return Error(ERANGE, "buffer too small");
    buffer[--start] = '/';
  }
  std::size_t length = buffer.size() - start;  // with the NUL
  std::memmove(buffer.data(), &buffer[start], length);
  return length;
}

}  // namespace cairn::vfs
