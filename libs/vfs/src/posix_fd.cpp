// POSIX calls on file descriptors: I/O, dup, fcntl, pipes, ioctl, fstat.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <cstdarg>
#include <cstddef>

#include <cairn/config.h>

#include "pipe.h"
#include "posix.h"

using namespace cairn;
using namespace cairn::vfs;
using namespace cairn::vfs::posix;

namespace {

std::span<std::byte> out_span(void* buffer, std::size_t length) {
  return {static_cast<std::byte*>(buffer), length};
}
std::span<const std::byte> in_span(const void* buffer, std::size_t length) {
  return {static_cast<const std::byte*>(buffer), length};
}

// Linux caps a single read or write at 0x7ffff000 bytes.
constexpr std::size_t kMaxIo = 0x7ffff000;
std::size_t cap(std::size_t n) { return n > kMaxIo ? kMaxIo : n; }

Result<std::size_t> check_iov(const struct iovec* iov, int count) {
  if (count < 0 || count > UIO_MAXIOV) return Error(EINVAL, "bad iovec count");
  std::size_t total = 0;
  for (int i = 0; i < count; ++i) {
    if (iov[i].iov_len > static_cast<std::size_t>(INT64_MAX) - total)
      return Error(EINVAL, "iovec too long");
    total += iov[i].iov_len;
  }
  return total;
}

// readv/writev through the file one buffer at a time; a short transfer ends the call.
template <bool kWrite>
ssize_t vector_io(int fd, const struct iovec* iov, int count, bool positioned, off_t offset) {
  if (auto r = check_iov(iov, count); !r) return fail(r.error());
  if (positioned && offset < 0) return fail(Error(EINVAL, "negative offset"));
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  if (!positioned) {
    // The file decides (a socket moves the whole vector in one transfer).
    static_assert(sizeof(IoBuffer) == sizeof(struct iovec) &&
                  offsetof(IoBuffer, length) == offsetof(struct iovec, iov_len));
    std::span<const IoBuffer> buffers{reinterpret_cast<const IoBuffer*>(iov),
                                      static_cast<std::size_t>(count)};
    if constexpr (kWrite)
      return value_or_fail(file.value()->write_vector(buffers));
    else
      return value_or_fail(file.value()->read_vector(buffers));
  }
  std::size_t total = 0;
  for (int i = 0; i < count; ++i) {
    if (iov[i].iov_len == 0) continue;
    std::uint64_t at = static_cast<std::uint64_t>(offset) + total;
    OpenFile& f = *file.value();
    Result<std::size_t> n = [&]() -> Result<std::size_t> {
      if constexpr (kWrite) {
        auto data = in_span(iov[i].iov_base, iov[i].iov_len);
        return positioned ? f.pwrite(data, at) : f.write(data);
      } else {
        auto buffer = out_span(iov[i].iov_base, iov[i].iov_len);
        return positioned ? f.pread(buffer, at) : f.read(buffer);
      }
    }();
    if (!n) {
      if (total) break;
      return fail(n.error());
    }
    total += n.value();
    if (n.value() < iov[i].iov_len) break;
  }
  return static_cast<ssize_t>(total);
}

Result<int> dup_to(int fd, int new_fd, int flags, bool same_fd_error) {
  if ((flags & ~O_CLOEXEC) != 0) return Error(EINVAL, "bad dup3 flags");
  RefPtr<OpenFile> file = TRY(get_fd(fd));
  if (fd == new_fd) {
    if (same_fd_error) return Error(EINVAL, "dup3 to the same descriptor");
    return new_fd;
  }
  TRY(fd_table().install_at(new_fd, file, flags & O_CLOEXEC));
  return new_fd;
}

}  // namespace

extern "C" {

_READ_WRITE_RETURN_TYPE read(int fd, void* buffer, size_t length) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return value_or_fail(file.value()->read(out_span(buffer, cap(length))));
}

_READ_WRITE_RETURN_TYPE write(int fd, const void* buffer, size_t length) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return value_or_fail(file.value()->write(in_span(buffer, cap(length))));
}

ssize_t pread(int fd, void* buffer, size_t length, off_t offset) {
  if (offset < 0) return fail(Error(EINVAL, "negative offset"));
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return value_or_fail(file.value()->pread(out_span(buffer, cap(length)), offset));
}

ssize_t pwrite(int fd, const void* buffer, size_t length, off_t offset) {
  if (offset < 0) return fail(Error(EINVAL, "negative offset"));
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return value_or_fail(file.value()->pwrite(in_span(buffer, cap(length)), offset));
}

ssize_t readv(int fd, const struct iovec* iov, int count) {
  return vector_io<false>(fd, iov, count, false, 0);
}
ssize_t writev(int fd, const struct iovec* iov, int count) {
  return vector_io<true>(fd, iov, count, false, 0);
}
ssize_t preadv(int fd, const struct iovec* iov, int count, off_t offset) {
  return vector_io<false>(fd, iov, count, true, offset);
}
ssize_t pwritev(int fd, const struct iovec* iov, int count, off_t offset) {
  return vector_io<true>(fd, iov, count, true, offset);
}

off_t lseek(int fd, off_t offset, int whence) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return value_or_fail(file.value()->seek(offset, whence));
}

int close(int fd) { return done_or_fail(fd_table().close(fd)); }

int dup(int fd) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return value_or_fail(fd_table().install(file.value(), false));
}

int dup2(int fd, int new_fd) { return value_or_fail(dup_to(fd, new_fd, 0, false)); }
int dup3(int fd, int new_fd, int flags) { return value_or_fail(dup_to(fd, new_fd, flags, true)); }

int fcntl(int fd, int command, ...) {
  va_list args;
  va_start(args, command);
  long argument = va_arg(args, long);
  va_end(args);
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      if (argument < 0 || argument >= fd_table().max_fds())
        return fail(Error(EINVAL, "descriptor out of range"));
      return value_or_fail(
          fd_table().install(file.value(), command == F_DUPFD_CLOEXEC, static_cast<int>(argument)));
    case F_GETFD: {
      auto cloexec = fd_table().cloexec(fd);
      if (!cloexec) return fail(cloexec.error());
      return cloexec.value() ? FD_CLOEXEC : 0;
    }
    case F_SETFD:
      return done_or_fail(fd_table().set_cloexec(fd, argument & FD_CLOEXEC));
    case F_GETFL:
      return file.value()->status_flags();
    case F_SETFL:
      file.value()->set_status_flags(static_cast<int>(argument));
      return 0;
    default:
      return fail(Error(EINVAL, "unsupported fcntl command"));
  }
}

int ftruncate(int fd, off_t length) {
  if (length < 0) return fail(Error(EINVAL, "negative length"));
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return done_or_fail(file.value()->truncate(length));
}

int fsync(int fd) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return done_or_fail(file.value()->sync(false));
}

int fdatasync(int fd) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return done_or_fail(file.value()->sync(true));
}

void sync(void) { (void)the_vfs().sync_all(); }

int fstat(int fd, struct stat* st) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  auto attributes = file.value()->stat();
  if (!attributes) return fail(attributes.error());
  Vnode* vnode = file.value()->vnode();
  to_stat(attributes.value(), vnode ? vnode->filesystem().device_id() : 0, st);
  return 0;
}

int isatty(int fd) {
  auto file = get_fd(fd);
  if (!file) {
    errno = EBADF;
    return 0;
  }
  if (file.value()->is_terminal()) return 1;
  errno = ENOTTY;
  return 0;
}

int ioctl(int fd, unsigned long request, ...) {
  va_list args;
  va_start(args, request);
  void* argument = va_arg(args, void*);
  va_end(args);
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  switch (request) {
    case FIOCLEX:
    case FIONCLEX:
      return done_or_fail(fd_table().set_cloexec(fd, request == FIOCLEX));
    case FIONBIO: {
      int flags = file.value()->status_flags();
      int on = *static_cast<int*>(argument);
      file.value()->set_status_flags(on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
      // A socket learns of it through set_status_flags; others just record it.
      return 0;
    }
    default:
      return value_or_fail(file.value()->ioctl(request, argument));
  }
}

int pipe2(int fds[2], int flags) {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return fail(Error(EINVAL, "bad pipe2 flags"));
  auto ends = make_pipe(flags, CONFIG_VFS_PIPE_SIZE);
  if (!ends) return fail(ends.error());
  bool cloexec = flags & O_CLOEXEC;
  auto read_fd = fd_table().install(ends.value().read, cloexec);
  if (!read_fd) return fail(read_fd.error());
  auto write_fd = fd_table().install(ends.value().write, cloexec);
  if (!write_fd) {
    (void)fd_table().close(read_fd.value());
    return fail(write_fd.error());
  }
  fds[0] = read_fd.value();
  fds[1] = write_fd.value();
  return 0;
}

int pipe(int fds[2]) { return pipe2(fds, 0); }

int fchmod(int fd, mode_t mode) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  AttributeChanges changes;
  changes.mask = AttributeChanges::kMode;
  changes.mode = mode;
  return done_or_fail(file.value()->setattr(changes));
}

int fchown(int fd, uid_t owner, gid_t group) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  AttributeChanges changes;
  if (owner != static_cast<uid_t>(-1)) changes.mask |= AttributeChanges::kUid;
  if (group != static_cast<gid_t>(-1)) changes.mask |= AttributeChanges::kGid;
  changes.uid = owner;
  changes.gid = group;
  return done_or_fail(file.value()->setattr(changes));
}

int fchdir(int fd) {
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  Vnode* vnode = file.value()->vnode();
  if (!vnode) return fail(Error(ENOTDIR, "not a directory"));
  return done_or_fail(the_vfs().chdir(RefPtr<Vnode>(vnode)));
}

}  // extern "C"
