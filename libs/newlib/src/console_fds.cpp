// Files without the VFS (CONFIG_VFS off): fds 0-2 are the console and every other
// descriptor is EBADF. With the VFS, libs/vfs/src/newlib_glue.cpp defines these.
#include <errno.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cstring>

#include <cairn/kernel/console.h>

namespace {

bool is_console(int fd) { return fd >= 0 && fd <= 2; }

int fail(int error) {
  errno = error;
  return -1;
}

}  // namespace

extern "C" {

int _write(int fd, const void* buffer, std::size_t length) {
  if (!is_console(fd)) return fail(EBADF);
  cairn::console_write(static_cast<const char*>(buffer), length);
  return static_cast<int>(length);
}

int _read(int fd, void* buffer, std::size_t length) {
  if (!is_console(fd)) return fail(EBADF);
  return static_cast<int>(cairn::console_read(static_cast<char*>(buffer), length));
}

int _close(int fd) { return is_console(fd) ? 0 : fail(EBADF); }

off_t _lseek(int fd, off_t, int) { return is_console(fd) ? fail(ESPIPE) : fail(EBADF); }

int _fstat(int fd, struct stat* st) {
  if (!is_console(fd)) return fail(EBADF);
  std::memset(st, 0, sizeof *st);
  st->st_mode = S_IFCHR | 0620;
  st->st_blksize = 1024;
  return 0;
}

int _isatty(int fd) {
  if (is_console(fd)) return 1;
  errno = EBADF;
  return 0;
}

}  // extern "C"
