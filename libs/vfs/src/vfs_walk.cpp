// Path resolution. The path is consumed a component at a time from a view of the
// caller's string; only when a symlink is met is a buffer allocated, holding the link's
// target followed by what was left of the path. `.` stays, `..` goes up (crossing mount
// points back to the directory a filesystem is mounted on), and every directory entered
// is checked for a filesystem mounted on it.
#include <cerrno>
#include <cstring>
#include <new>

#include "string_view_util.h"
#include "vfs_core.h"

namespace cairn::vfs {
namespace {

// Owns the buffer of an expanded path (target of a symlink + rest).
class PathBuffer {
 public:
  PathBuffer() = default;
  ~PathBuffer() { delete[] data_; }
  PathBuffer(const PathBuffer&) = delete;
  PathBuffer& operator=(const PathBuffer&) = delete;

  // Reads `link`'s target and appends `rest`; returns the new path.
  Result<std::string_view> expand(Vnode& link, std::string_view rest) {
    char* fresh = new (std::nothrow) char[kPathMax];
    if (!fresh) return Error(ENOMEM, "out of memory");
    auto n = link.readlink({fresh, kPathMax});
    if (!n.ok() || n.value() == 0 || n.value() + rest.size() >= kPathMax) {
      delete[] fresh;
      if (!n.ok()) return n.error();
      return n.value() == 0 ? Error(ENOENT, "empty symbolic link")
                            : Error(ENAMETOOLONG, "path too long after a symbolic link");
    }
    if (!rest.empty()) std::memcpy(fresh + n.value(), rest.data(), rest.size());
    delete[] data_;  // `rest` may point into it: copied first
    data_ = fresh;
    return std::string_view(data_, n.value() + rest.size());
  }

 private:
  char* data_ = nullptr;
};

std::string_view skip_slashes(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == '/') ++i;
  return suffix(s, i);
}

}  // namespace

Result<RefPtr<Vnode>> Vfs::start_for(Vnode* base, std::string_view path) {
  if (!path.empty() && path[0] == '/') {
    RefPtr<Vnode> root = mounts_.root();
    if (!root) return Error(ENOENT, "no root filesystem");
    return root;
  }
  if (base) return RefPtr<Vnode>(base);
  RefPtr<Vnode> dir = cwd();
  if (!dir) return Error(ENOENT, "no root filesystem");
  return dir;
}

Result<RefPtr<Vnode>> Vfs::parent_of(RefPtr<Vnode> directory) {
  // At the root of a mounted filesystem, ".." is taken from the directory it covers
  // (which may itself be the root of another mount).
  while (MountTable::is_mount_root(*directory)) {
    RefPtr<Vnode> covered = mounts_.covered_by(*directory);
    if (!covered) return directory;  // "/" (or a detached filesystem): ".." is itself
    directory = covered;
  }
  RefPtr<Vnode> parent = TRY(directory->lookup(".."));
  return mounts_.cross_down(parent);
}

Result<void> Vfs::walk(Vnode* base, std::string_view path, unsigned flags, Walk& out) {
  if (path.empty()) return Error(ENOENT, "empty path");
  if (path.size() >= kPathMax) return Error(ENAMETOOLONG, "path too long");
  RefPtr<Vnode> current = TRY(start_for(base, path));
  PathBuffer buffer;
  int links = 0;
  std::string_view rest = path;
  for (;;) {
    if (!rest.empty() && rest[0] == '/') {
      // Absolute (the start, or a symlink's target): from the root.
      current = mounts_.root();
      if (!current) return Error(ENOENT, "no root filesystem");
      rest = skip_slashes(rest);
    }
    if (rest.empty()) {  // "/" itself, or a link to it
      out.parent = current;
      out.child = current;
      out.name[0] = '.';
      out.name_length = 1;
      out.trailing_slash = true;
      return {};
    }
    std::size_t end = rest.find('/');
    std::string_view component = prefix(rest, end);
    std::string_view after = suffix(rest, end);
    if (component.size() > kNameMax) return Error(ENAMETOOLONG, "file name too long");
    if (!current->is_directory()) return Error(ENOTDIR, "not a directory");
    std::string_view remaining = skip_slashes(after);
    bool last = remaining.empty();

    RefPtr<Vnode> next;
    if (component == ".") {
      next = current;
    } else if (component == "..") {
      next = TRY(parent_of(current));
    } else {
      auto found = current->lookup(component);
      if (found.ok()) {
        next = mounts_.cross_down(std::move(found).value());
      } else if (!last || found.error().code() != ENOENT) {
        return found.error();
      }
    }

    if (last) {
      bool slash = !after.empty();
      if (next && next->is_symlink() && ((flags & kFollow) || slash)) {
        if (++links > kSymlinkMax) return Error(ELOOP, "too many levels of symbolic links");
        rest = TRY(buffer.expand(*next, after));
        continue;
      }
      out.parent = current;
      out.child = next;
      std::memcpy(out.name, component.data(), component.size());
      out.name[component.size()] = '\0';
      out.name_length = component.size();
      out.trailing_slash = slash;
      return {};
    }

    if (next->is_symlink()) {
      if (++links > kSymlinkMax) return Error(ELOOP, "too many levels of symbolic links");
      rest = TRY(buffer.expand(*next, after));
      continue;  // relative targets resolve from `current`, the link's directory
    }
    if (!next->is_directory()) return Error(ENOTDIR, "not a directory");
    current = next;
    rest = remaining;
  }
}

Result<RefPtr<Vnode>> Vfs::resolve(Vnode* base, std::string_view path, bool follow) {
  Walk w;
  TRY(walk(base, path, follow ? kFollow : 0, w));
  if (!w.child) return Error(ENOENT, "no such file or directory");
  if (w.trailing_slash && !w.child->is_directory()) return Error(ENOTDIR, "not a directory");
  return w.child;
}

}  // namespace cairn::vfs
