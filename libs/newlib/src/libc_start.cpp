// The hand-over to the application: constructors (Cairn's and the app's, in link
// order), then main, then newlib's exit(): atexit handlers and static destructors in
// reverse order, stdio flushed, and _exit() ends the VM with main's status.
#include <stdlib.h>

#include <cairn/kernel/app.h>
#include <cairn/kernel/boot_time.h>

extern "C" {
int main(int argc, char** argv);
extern void (*const __init_array_start[])(), (*const __init_array_end[])();
extern void (*const __fini_array_start[])(), (*const __fini_array_end[])();
}

namespace {

void run_fini_array() {
  for (auto* f = __fini_array_end; f != __fini_array_start;) (*--f)();
}

}  // namespace

extern "C" void cairn_libc_start(int argc, char** argv) {
  // Registered first, so it runs last: after the handlers constructors register.
  atexit(run_fini_array);
  for (auto* f = __init_array_start; f != __init_array_end; ++f) (*f)();
  cairn::boot_time_mark_main_start();
  int status = main(argc, argv);
  cairn::boot_time_mark_main_end();
  exit(status);
}

// When main's thread ended with pthread_exit() and the last other thread ends too, the
// program ends as if main had returned 0 (POSIX).
extern "C" [[noreturn]] void cairn_last_thread_exited() { exit(0); }
