// 9pfs open files: whole reads and writes, split into Tread/Twrite of at most the
// negotiated payload, straight between the caller's buffer and the device.
#include <errno.h>
#include <fcntl.h>

#include "fs_9p.h"

namespace cairn::p9 {

std::uint32_t linux_open_flags(int flags) {
  std::uint32_t out = 0;
  switch (flags & O_ACCMODE) {
    case O_WRONLY:
      out = linux_flags::kWronly;
      break;
    case O_RDWR:
      out = linux_flags::kRdwr;
      break;
    default:
      out = linux_flags::kRdonly;
  }
  // O_APPEND stays in the guest (append_at_end), so the server's offsets stay exact;
  // O_CREAT/O_EXCL/O_TRUNC were handled by the VFS before open().
  if (flags & O_SYNC) out |= linux_flags::kSync;
  return out;
}

vfs::Attributes to_attributes(const Attr& a) {
  vfs::Attributes out;
  out.ino = a.qid.path;
  out.mode = a.mode;
  out.nlink = static_cast<std::uint32_t>(a.nlink);
  out.uid = a.uid;
  out.gid = a.gid;
  out.size = a.size;
  out.blocks = a.blocks;
  out.block_size = a.blksize ? static_cast<std::uint32_t>(a.blksize) : 4096;
  out.rdev = a.rdev;
  out.atime = {static_cast<std::int64_t>(a.atime_sec), static_cast<std::int64_t>(a.atime_nsec)};
  out.mtime = {static_cast<std::int64_t>(a.mtime_sec), static_cast<std::int64_t>(a.mtime_nsec)};
  out.ctime = {static_cast<std::int64_t>(a.ctime_sec), static_cast<std::int64_t>(a.ctime_nsec)};
  return out;
}

P9File::P9File(vfs::RefPtr<vfs::Vnode> vnode, int flags, P9Filesystem& filesystem,
               std::uint32_t fid)
    : VnodeFile(std::move(vnode), flags), fs_(&filesystem), fid_(fid) {}

P9File::~P9File() { (void)fs_->client().clunk(fid_); }

Result<std::size_t> P9File::read_at(std::uint64_t offset, std::span<std::byte> buffer) {
  // A regular file reads short only at its end.
  std::size_t done = 0;
  while (done < buffer.size()) {
    const std::uint32_t n = TRY(fs_->client().read(fid_, offset + done, buffer.subspan(done)));
    if (n == 0) break;
    done += n;
  }
  return done;
}

Result<std::size_t> P9File::write_at(std::uint64_t offset, std::span<const std::byte> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = fs_->client().write(fid_, offset + done, data.subspan(done));
    if (!n.ok()) {
      if (done) break;  // report what was written; the next write gets the error
      return n.error();
    }
    if (n.value() == 0)
      return done ? Result<std::size_t>(done) : Error(EIO, "9P write wrote nothing");
    done += n.value();
  }
  return done;
}

Result<std::size_t> P9File::append_at_end(std::span<const std::byte> data, std::uint64_t& end) {
  // The guest's appends are whole with respect to each other; a host process appending
  // to the same file at the same time may interleave.
  vfs::MutexLocker locker(append_lock_);
  const Attr attr = TRY(fs_->client().getattr(fid_, kGetattrBasic));
  const std::size_t written = TRY(write_at(attr.size, data));
  end = attr.size + written;
  return written;
}

Result<void> P9File::sync(bool data_only) { return fs_->client().fsync(fid_, data_only); }

}  // namespace cairn::p9
