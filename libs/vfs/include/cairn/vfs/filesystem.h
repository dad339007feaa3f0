// Filesystem types and mounted filesystems (implementer-facing).
//
// A filesystem type registers itself by name with CAIRN_FILESYSTEM; vfs::mount() finds
// it in the linker-section table and calls its mount function, which returns the
// mounted instance: a Filesystem with a root vnode.
//
//   Result<RefPtr<Filesystem>> mount_ramfs(std::string_view source, std::string_view options);
//   CAIRN_FILESYSTEM(ramfs, "ramfs", mount_ramfs);
//
// Lifetime: the mount table holds the Filesystem while it is mounted, and every vnode
// holds it too. unmount() is called once, when it leaves the mount table (vfs::unmount
// or the clean exit), after sync(); the filesystem should drop its root and any cache
// there (cycles through the root vnode end then) but must keep serving vnodes that open
// files still hold.
#pragma once

#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/vfs/ref_ptr.h>
#include <cairn/vfs/types.h>
#include <cairn/vfs/vnode.h>

namespace cairn::vfs {

class Filesystem : public RefCounted {
 public:
  // The root directory. Called once at mount time and whenever needed afterwards.
  virtual RefPtr<Vnode> root() = 0;
  // Writes everything that is not yet durable (sync(), and at exit before unmount()).
  virtual Result<void> sync() { return {}; }
  // Leaves the mount table (after sync()). Errors are reported and otherwise ignored.
  virtual Result<void> unmount() { return {}; }
  virtual Result<FilesystemStats> statfs() { return FilesystemStats{}; }

  // Read-only filesystems make every modifying call fail with EROFS in the VFS.
  bool read_only() const { return read_only_; }
  // The st_dev of its files, given by the VFS at mount time.
  std::uint64_t device_id() const { return device_id_; }
  // The name it was registered under ("ramfs", "9p", ...).
  const char* type_name() const { return type_name_; }

 protected:
  Filesystem() = default;
  ~Filesystem() override = default;
  void set_read_only(bool read_only) { read_only_ = read_only; }

 private:
  friend class MountTable;
  bool read_only_ = false;
  std::uint64_t device_id_ = 0;
  const char* type_name_ = "";
  // Kept by the mount table: whether it is mounted, its root's ino, and how many
  // filesystems are mounted on its directories (path resolution skips the mount
  // table's lock for the common case of none).
  bool mounted_ = false;
  std::uint64_t root_ino_ = 0;
  std::uint32_t mounts_on_ = 0;
};

struct FilesystemType {
  const char* name;
  // Mounts `source` (a 9P tag, a device path, or ignored) with the comma-separated
  // `options` of mount(8) style ("ro", "msize=65536", ...).
  Result<RefPtr<Filesystem>> (*mount)(std::string_view source, std::string_view options);
};

// The registered type called `name`, or null.
const FilesystemType* find_filesystem_type(std::string_view name);

// Whether the comma-separated `options` contain `option` ("ro") or `option=value`;
// `value` receives what follows '=' (empty when absent).
bool find_mount_option(std::string_view options, std::string_view option,
                       std::string_view* value = nullptr);

}  // namespace cairn::vfs

// The section name is a C identifier, so the linker provides __start_/__stop_ symbols.
#define CAIRN_FILESYSTEM(identifier, fs_name, mount_function)                     \
  [[gnu::used, gnu::retain, gnu::aligned(8),                                      \
    gnu::section("cairn_filesystems")]] static const ::cairn::vfs::FilesystemType \
      cairn_filesystem_##identifier = {fs_name, mount_function}
