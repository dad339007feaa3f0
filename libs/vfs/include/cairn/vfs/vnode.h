// A vnode: one file, directory, symlink or device node of a mounted filesystem, as the
// VFS sees it (implementer-facing). A filesystem subclasses Vnode and overrides the
// operations its files support; the defaults fail with the errno Linux gives for an
// unsupported operation.
//
// Contract (what the VFS guarantees, so filesystems need not check):
// - Directory operations are called on directories only, with a name that is a single
//   component: not empty, no '/', at most kNameMax bytes, never "." (the VFS resolves
//   it) and ".." only for lookup() on a directory that is not the filesystem's root
//   (the VFS crosses mount points itself). create/mkdir/symlink/link/rename targets
//   are never "." or "..".
// - link() and rename() are called with vnodes of this same filesystem (else EXDEV).
// - The VFS applies the umask and holds no lock while calling in: every filesystem
//   serialises its own state (ramfs: one mutex per mount).
// - Permissions are not checked: the application runs as root.
//
// Identity: ino() is stable for the life of the file, and (filesystem, ino) identifies
// it: the mount table finds mount points by that pair, so a filesystem may hand out
// several Vnode objects for one file (9P: one per walked fid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/vfs/ref_ptr.h>
#include <cairn/vfs/types.h>

namespace cairn::vfs {

class Filesystem;
class OpenFile;

class Vnode : public RefCounted {
 public:
  // Holds a reference to `filesystem`: a filesystem lives until its last vnode goes,
  // even after it was unmounted (open files keep working, as after a lazy umount).
  Vnode(Filesystem& filesystem, std::uint64_t ino, std::uint32_t type);

  Filesystem& filesystem() const { return *filesystem_; }
  std::uint64_t ino() const { return ino_; }
  std::uint32_t type() const { return type_; }  // kRegular, kDirectory, ...: never changes
  bool is_directory() const { return type_ == kDirectory; }
  bool is_symlink() const { return type_ == kSymlink; }
  bool is_regular() const { return type_ == kRegular; }

  // --- Directories -------------------------------------------------------------
  // The entry `name`; ENOENT when there is none.
  virtual Result<RefPtr<Vnode>> lookup(std::string_view name);
  // A new entry. `mode` is the type (kRegular, kFifo, kSocket, kCharDevice,
  // kBlockDevice; `rdev` for devices) and the permissions. EEXIST when `name` exists.
  virtual Result<RefPtr<Vnode>> create(std::string_view name, std::uint32_t mode,
                                       std::uint64_t rdev = 0);
  virtual Result<RefPtr<Vnode>> mkdir(std::string_view name, std::uint32_t permissions);
  virtual Result<RefPtr<Vnode>> symlink(std::string_view name, std::string_view target);
  // A hard link to `target` (not a directory: the VFS checks) named `name`.
  virtual Result<void> link(std::string_view name, Vnode& target);
  // Removes a non-directory entry (EISDIR for a directory, as on Linux).
  virtual Result<void> unlink(std::string_view name);
  // Removes an empty directory: ENOTDIR, ENOTEMPTY.
  virtual Result<void> rmdir(std::string_view name);
  // POSIX rename: an existing `new_name` is replaced atomically when the types agree
  // (EISDIR, ENOTDIR, ENOTEMPTY otherwise); renaming a directory into its own subtree
  // is EINVAL (the VFS checks this too, for filesystems that cannot). Same file: no-op.
  virtual Result<void> rename(std::string_view old_name, Vnode& new_directory,
                              std::string_view new_name);
  // Hands entries, "." and ".." included, starting at `cookie` (0: the first) to
  // `sink` until it is full or the directory ends; `cookie` is left at the first entry
  // not taken. An empty round (nothing added and sink not full) means the end.
  virtual Result<void> readdir(std::uint64_t& cookie, DirSink& sink);

  // --- Symlinks ------------------------------------------------------------------
  // Copies the target (no NUL) into `buffer`, truncated to its size; returns the
  // number of bytes copied.
  virtual Result<std::size_t> readlink(std::span<char> buffer);

  // --- Everything ------------------------------------------------------------------
  virtual Result<Attributes> getattr() = 0;
  virtual Result<void> setattr(const AttributeChanges& changes);

  // --- Regular files and devices --------------------------------------------------
  // Opens the file for I/O. `flags` are the open() flags (access mode, O_APPEND,
  // O_NONBLOCK, ...); O_CREAT, O_EXCL and O_TRUNC were handled by the VFS already.
  // The default returns a VnodeFile (open_file.h) that calls read()/write() below;
  // devices return their own OpenFile; a remote filesystem may return a VnodeFile
  // subclass that owns an opened handle (a 9P fid after Tlopen).
  virtual Result<RefPtr<OpenFile>> open(int flags);
  // Reads up to buffer.size() bytes at `offset`; 0 at or past the end. Holes read as 0.
  virtual Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> buffer);
  // Writes at `offset`, extending the file (with a hole) as needed.
  virtual Result<std::size_t> write(std::uint64_t offset, std::span<const std::byte> data);
  // Writes at the end of the file (O_APPEND) and sets `end` to the offset after the
  // data. The default reads the size and writes there; filesystems that can make the
  // two one step (ramfs) override it.
  virtual Result<std::size_t> append(std::span<const std::byte> data, std::uint64_t& end);
  // Makes the file's data (and metadata unless `data_only`) durable.
  virtual Result<void> fsync(bool data_only);

 protected:
  ~Vnode() override;

 private:
  RefPtr<Filesystem> filesystem_;
  std::uint64_t ino_;
  std::uint32_t type_;
};

}  // namespace cairn::vfs
