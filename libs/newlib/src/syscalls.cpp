// newlib's system-call layer: newlib's POSIX wrappers (write() -> _write_r() ->
// _write()) end here. Files 0-2 are the console; everything else fails with EBADF
// until the VFS ([M6]) owns the file-descriptor table.
#include <errno.h>
#include <reent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <cstring>

#include <cairn/kernel/console.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/panic.h>

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

// One process, always pid 1: a unikernel's application is its init.
int _getpid() { return 1; }

int _kill(int pid, int sig) {
  if (pid != 1 && pid != 0 && pid != -1) return fail(ESRCH);
  if (sig == 0) return 0;
  if (sig == SIGABRT) cairn::panic("abort() called");
  // The default action of every other signal a program can raise here is to end it.
  // 128 + signal would not survive QEMU's exit device (statuses are 7 bits there), so
  // it ends like any other abnormal termination.
  cairn::kprintf("cairn: terminated by signal %d\n", sig);
  cairn::shutdown(cairn::kCrashStatus);
}

// The heap is Cairn's own (kernel/mm), built on pages, not on a program break; newlib's
// malloc is replaced as a whole. A program that calls sbrk() itself gets ENOMEM.
void* _sbrk(std::intptr_t) {
  errno = ENOMEM;
  return reinterpret_cast<void*>(-1);
}

[[noreturn]] void _exit(int status) { cairn::shutdown(status); }

// abort() must not depend on newlib's signal emulation: report and end.
[[noreturn]] void abort() { cairn::panic("abort() called"); }

}  // extern "C"

extern "C" void cairn_enosys_warn(const char* name) {
  cairn::kwarn("%s() is not implemented; it fails with ENOSYS", name);
}
