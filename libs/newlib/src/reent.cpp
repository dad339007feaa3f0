// newlib's per-thread state (it is built with __DYNAMIC_REENT__: errno, strtok's and
// rand's state, stdio's per-call data all live in the struct _reent that
// __getreent() returns).
//
// main()'s thread uses newlib's global one (_impure_ptr). Every other thread gets its
// own the first time it asks, kept in the thread's TLS and freed (_reclaim_reent)
// when the thread exits. All threads share the global stdin, stdout and stderr, as
// on Linux: one buffer per stream (each locked by stdio), flushed by exit(). newlib
// 3.3 would otherwise give each thread private FILEs, unflushed at exit.
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <new>

#include <cairn/kernel/console.h>
#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>

extern "C" void __sinit(struct _reent*);  // newlib's stdio set-up (findfp.c)

namespace {

// Null until the thread first needs newlib. TLS, so finding it costs one load.
thread_local struct _reent* own_reent;

// A thread's struct _reent has no streams of its own to clean up (see above).
void no_streams(struct _reent*) {}

void release(cairn::sched::Thread*) {
  struct _reent* reent = own_reent;
  if (!reent || reent == _impure_ptr) return;
  own_reent = nullptr;
  _reclaim_reent(reent);
  free(reent);
}

struct _reent* share_global_streams(struct _reent* reent) {
  struct _reent* global = _impure_ptr;
  if (!global->__sdidinit) __sinit(global);
  reent->_stdin = global->_stdin;
  reent->_stdout = global->_stdout;
  reent->_stderr = global->_stderr;
  // Marked as set up, so that stdio never gives this thread streams of its own.
  reent->__sdidinit = 1;
  reent->__cleanup = no_streams;
  return reent;
}

[[gnu::noinline]] struct _reent* first_use() {
  if (cairn::sched::thread_id(cairn::sched::current_thread()) <= 1) return own_reent = _impure_ptr;
  // A failing malloc sets errno, which needs this very struct: meanwhile, and if
  // memory has run out, the thread shares main's (not thread-safe, but working).
  own_reent = _impure_ptr;
  void* memory = malloc(sizeof(struct _reent));
  if (!memory) {
    cairn::kwarn("out of memory for a thread's C library state; it shares main's");
    return own_reent;
  }
  static cairn::sched::Once hook;
  hook.call(
      [](void*) { cairn::sched::on_thread_exit(release, cairn::sched::ExitHookStage::kRuntime); },
      nullptr);
  auto* reent = static_cast<struct _reent*>(memory);
  _REENT_INIT_PTR(reent);
  return own_reent = share_global_streams(reent);
}

}  // namespace

extern "C" struct _reent* __getreent() {
  if (struct _reent* reent = own_reent) return reent;
  return first_use();
}
