// newlib's system-call layer: newlib's POSIX wrappers (getpid() -> _getpid_r() ->
// _getpid()) end here. The file calls (_read, _write, _open, ...) are the VFS's
// (libs/vfs, CONFIG_VFS), or console_fds.cpp's console-only ones without it.
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

int fail(int error) {
  errno = error;
  return -1;
}

}  // namespace

extern "C" {

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

// Defined by the VFS when it is linked: closes every file and syncs and unmounts every
// filesystem, after atexit handlers, destructors and stdio's flush have run.
[[gnu::weak]] void cairn_vfs_exit();

[[noreturn]] void _exit(int status) {
  if (cairn_vfs_exit) cairn_vfs_exit();
  cairn::shutdown(status);
}

// abort() must not depend on newlib's signal emulation: report and end.
[[noreturn]] void abort() { cairn::panic("abort() called"); }

}  // extern "C"

extern "C" void cairn_enosys_warn(const char* name) {
  cairn::kwarn("%s() is not implemented; it fails with ENOSYS", name);
}
