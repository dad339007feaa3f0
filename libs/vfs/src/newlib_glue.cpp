// newlib's own wrappers and stdio end in these underscore names (fopen -> _open_r ->
// _open, printf -> _write_r -> _write, ...); with the VFS they are the POSIX calls.
// The console-only versions (libs/newlib/src/console_fds.cpp) are built without it.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdarg>

extern "C" {

int _open(const char* path, int flags, int mode) { return open(path, flags, mode); }
_READ_WRITE_RETURN_TYPE _read(int fd, void* buffer, size_t length) {
  return read(fd, buffer, length);
}
_READ_WRITE_RETURN_TYPE _write(int fd, const void* buffer, size_t length) {
  return write(fd, buffer, length);
}
int _close(int fd) { return close(fd); }
_off_t _lseek(int fd, _off_t offset, int whence) { return lseek(fd, offset, whence); }
int _fstat(int fd, struct stat* st) { return fstat(fd, st); }
int _stat(const char* path, struct stat* st) { return stat(path, st); }
int _isatty(int fd) { return isatty(fd); }
int _link(const char* old_path, const char* new_path) { return link(old_path, new_path); }
int _unlink(const char* path) { return unlink(path); }
int _mkdir(const char* path, int mode) { return mkdir(path, mode); }
int _rename(const char* old_path, const char* new_path) { return rename(old_path, new_path); }
int _fcntl(int fd, int command, int argument) { return fcntl(fd, command, argument); }

}  // extern "C"
