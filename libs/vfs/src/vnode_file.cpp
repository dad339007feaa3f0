// VnodeFile: a regular file or directory opened through the VFS. The offset belongs to
// the open file (shared by dup), so reads and writes through it hold position_lock_;
// pread/pwrite do not touch it.
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>

#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/open_file.h>

namespace cairn::vfs {

namespace {
constexpr std::uint64_t kMaxOffset = INT64_MAX;
}

VnodeFile::VnodeFile(RefPtr<Vnode> vnode, int status_flags)
    : OpenFile(status_flags), vnode_(static_cast<RefPtr<Vnode>&&>(vnode)) {}

Result<std::size_t> VnodeFile::read_at(std::uint64_t offset, std::span<std::byte> buffer) {
  return vnode_->read(offset, buffer);
}
Result<std::size_t> VnodeFile::write_at(std::uint64_t offset, std::span<const std::byte> data) {
  return vnode_->write(offset, data);
}
Result<std::size_t> VnodeFile::append_at_end(std::span<const std::byte> data, std::uint64_t& end) {
  return vnode_->append(data, end);
}

Result<std::size_t> VnodeFile::read(std::span<std::byte> buffer) {
  if (!readable()) return Error(EBADF, "file not open for reading");
  MutexLocker lock(position_lock_);
  std::size_t n = TRY(read_at(offset_, buffer));
  offset_ += n;
  return n;
}

Result<std::size_t> VnodeFile::write(std::span<const std::byte> data) {
  if (!writable()) return Error(EBADF, "file not open for writing");
  MutexLocker lock(position_lock_);
  if (status_flags() & O_APPEND) {
    std::uint64_t end = 0;
    std::size_t n = TRY(append_at_end(data, end));
    offset_ = end;
    return n;
  }
  if (offset_ + data.size() > kMaxOffset) return Error(EFBIG, "file too large");
  std::size_t n = TRY(write_at(offset_, data));
  offset_ += n;
  return n;
}

Result<std::size_t> VnodeFile::pread(std::span<std::byte> buffer, std::uint64_t offset) {
  if (!readable()) return Error(EBADF, "file not open for reading");
  return read_at(offset, buffer);
}

// Linux appends with pwrite() on an O_APPEND file, whatever the offset.
Result<std::size_t> VnodeFile::pwrite(std::span<const std::byte> data, std::uint64_t offset) {
  if (!writable()) return Error(EBADF, "file not open for writing");
  if (status_flags() & O_APPEND) {
    std::uint64_t end = 0;
    return append_at_end(data, end);
  }
  if (offset + data.size() > kMaxOffset) return Error(EFBIG, "file too large");
  return write_at(offset, data);
}

Result<std::int64_t> VnodeFile::seek(std::int64_t offset, int whence) {
  MutexLocker lock(position_lock_);
  // A directory's position is its readdir cookie (telldir/seekdir hand it around).
  std::uint64_t& position = vnode_->is_directory() ? dir_cookie_ : offset_;
  std::int64_t base = 0;
  switch (whence) {
    case SEEK_SET:
      break;
    case SEEK_CUR:
      base = static_cast<std::int64_t>(position);
      break;
    case SEEK_END: {
      if (vnode_->is_directory()) return Error(EINVAL, "cannot seek a directory from its end");
      Attributes attributes = TRY(vnode_->getattr());
      base = static_cast<std::int64_t>(attributes.size);
      break;
    }
    default:
      return Error(EINVAL, "bad whence");
  }
  if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
    return Error(EINVAL, "resulting offset out of range");
  position = static_cast<std::uint64_t>(base + offset);
  return static_cast<std::int64_t>(position);
}

Result<int> VnodeFile::ioctl(unsigned long request, void* argument) {
  if (request == kIoctlFionread && vnode_->is_regular()) {
    Attributes attributes = TRY(vnode_->getattr());
    MutexLocker lock(position_lock_);
    std::uint64_t left = attributes.size > offset_ ? attributes.size - offset_ : 0;
    *static_cast<int*>(argument) = left > INT32_MAX ? INT32_MAX : static_cast<int>(left);
    return 0;
  }
  return Error(ENOTTY, "inappropriate ioctl for this file");
}

Result<Attributes> VnodeFile::stat() { return vnode_->getattr(); }

Result<void> VnodeFile::truncate(std::uint64_t length) {
  if (!vnode_->is_regular() || !writable()) return Error(EINVAL, "not a file open for writing");
  if (length > kMaxOffset) return Error(EFBIG, "file too large");
  if (vnode_->filesystem().read_only()) return Error(EROFS, "read-only filesystem");
  AttributeChanges changes;
  changes.mask = AttributeChanges::kSize;
  changes.size = length;
  return vnode_->setattr(changes);
}

Result<void> VnodeFile::sync(bool data_only) { return vnode_->fsync(data_only); }

Result<void> VnodeFile::setattr(const AttributeChanges& changes) {
  if (vnode_->filesystem().read_only()) return Error(EROFS, "read-only filesystem");
  return vnode_->setattr(changes);
}

Result<void> VnodeFile::readdir(DirSink& sink) {
  if (!vnode_->is_directory()) return Error(ENOTDIR, "not a directory");
  MutexLocker lock(position_lock_);
  return vnode_->readdir(dir_cookie_, sink);
}

}  // namespace cairn::vfs
