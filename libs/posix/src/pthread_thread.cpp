// Thread lifecycle: create, join, detach, exit, identity and names.
//
// A pthread_t is the address of the thread's record (pthread_internal.h). The record
// outlives the scheduler's thread just long enough for the one party that frees it:
// pthread_join() for a joinable thread, the exit hook (or pthread_detach() of an
// exited thread) for a detached one.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <new>

#include <cairn/kernel/panic.h>

#include "pthread_internal.h"

namespace cairn::posix {

// main()'s thread: its record exists without allocation and is never freed.
static constinit Pthread boot_record;

namespace {

Pthread* new_record() {
  void* memory = calloc(1, sizeof(Pthread));
  return memory ? new (memory) Pthread : nullptr;
}

void free_record(Pthread* record) {
  if (record == &boot_record) return;
  record->~Pthread();
  free(record);
}

// Runs on the exiting thread, after its start routine returned or pthread_exit().
void on_exit(sched::Thread* thread) {
  auto* self = static_cast<Pthread*>(sched::thread_user_data(thread));
  if (!self) return;
  release_keys(self);
  bool free_now;
  {
    // The last touch of the record here: once `exited` is set, pthread_detach() may
    // free it.
    sched::SchedLock lock;
    self->exited = true;
    free_now = self->detached || (self->adopted && self != &boot_record);
  }
  if (free_now) free_record(self);
}

void run(void* argument) {
  auto* self = static_cast<Pthread*>(argument);
  self->result = self->start(self->argument);
}

Pthread* adopt(sched::Thread* thread) {
  Pthread* record = sched::thread_id(thread) <= 1 ? &boot_record : new_record();
  if (!record)
    panic("pthreads: out of memory for the record of thread '%s'", sched::thread_name(thread));
  install_exit_hook();
  record->thread = thread;
  record->adopted = true;
  strncpy(record->name, sched::thread_name(thread), sizeof record->name - 1);
  sched::thread_user_data(thread) = record;
  return record;
}

}  // namespace

void install_exit_hook() {
  static sched::Once once;
  once.call([](void*) { sched::on_thread_exit(on_exit, sched::ExitHookStage::kApplication); },
            nullptr);
}

Pthread* current() {
  sched::Thread* thread = sched::current_thread();
  if (void* record = sched::thread_user_data(thread)) return static_cast<Pthread*>(record);
  return adopt(thread);
}

[[noreturn]] void exit_current(Pthread* self, void* value) {
  // Handlers may push or pop others; take them one at a time.
  while (__cairn_pthread_cleanup* frame = self->cleanup) {
    self->cleanup = frame->__previous;
    frame->__routine(frame->__arg);
  }
  self->result = value;
  sched::exit_thread();
}

}  // namespace cairn::posix

using namespace cairn;
using namespace cairn::posix;

extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                   void* argument) {
  if (attr && attr->__detachstate != PTHREAD_CREATE_JOINABLE &&
      attr->__detachstate != PTHREAD_CREATE_DETACHED)
    return EINVAL;
  install_exit_hook();
  Pthread* record = new_record();
  if (!record) return EAGAIN;
  record->start = start;
  record->argument = argument;
  record->detached = attr && attr->__detachstate == PTHREAD_CREATE_DETACHED;
  record->stack_size = attr ? attr->__stacksize : 0;
  if (attr && attr->__inheritsched == PTHREAD_EXPLICIT_SCHED) {
    record->sched_policy = attr->__schedpolicy;
    record->sched_priority = attr->__schedparam.sched_priority;
  }
  strcpy(record->name, "pthread");
  const bool detached = record->detached;
  sched::Thread* created;
  {
    // The new thread must not run (and, detached, exit and free its record) before
    // its record knows it.
    sched::PreemptGuard no_switch;
    Result<sched::Thread*> t =
        sched::create_thread(run, record, {.name = record->name, .stack_size = record->stack_size});
    if (!t) {
      free_record(record);
      return t.error().code() == EINVAL ? EINVAL : EAGAIN;
    }
    created = t.value();
    record->thread = created;
    sched::thread_user_data(created) = record;
  }
  *thread = to_handle(record);
  // From here a detached thread's record may already be gone.
  if (detached) (void)sched::detach_thread(created);
  return 0;
}

int pthread_join(pthread_t thread, void** value) {
  Pthread* target = from_handle(thread);
  if (target == current()) return EDEADLK;
  // Of the threads pthread_create() did not start, only main's can be joined: the
  // others' records go away when they exit.
  if (target->detached || (target->adopted && target != &boot_record)) return EINVAL;
  Result<void> joined = sched::join_thread(target->thread);
  if (!joined) return joined.error().code();
  if (value) *value = target->result;
  free_record(target);
  return 0;
}

int pthread_detach(pthread_t thread) {
  Pthread* target = from_handle(thread);
  if (target->detached || target->adopted) return EINVAL;
  Result<void> detached = sched::detach_thread(target->thread);
  if (!detached) return detached.error().code();
  bool exited;
  {
    sched::SchedLock lock;
    target->detached = true;
    exited = target->exited;
  }
  if (exited) free_record(target);
  return 0;
}

void pthread_exit(void* value) { exit_current(current(), value); }

pthread_t pthread_self(void) { return to_handle(current()); }

int pthread_equal(pthread_t t1, pthread_t t2) { return t1 == t2; }

int pthread_setname_np(pthread_t thread, const char* name) {
  if (strlen(name) >= sizeof Pthread::name) return ERANGE;
  char* buffer = from_handle(thread)->name;
  // Readers see the old or the new name, never a torn one, only with a thread that
  // does not switch in between.
  sched::PreemptGuard no_switch;
  strcpy(buffer, name);
  return 0;
}

int pthread_getname_np(pthread_t thread, char* name, size_t size) {
  const char* own = from_handle(thread)->name;
  if (strlen(own) >= size) return ERANGE;
  strcpy(name, own);
  return 0;
}

void __cairn_pthread_cleanup_push(__cairn_pthread_cleanup* frame, void (*routine)(void*),
                                  void* arg) {
  Pthread* self = current();
  frame->__routine = routine;
  frame->__arg = arg;
  frame->__previous = self->cleanup;
  self->cleanup = frame;
}

void __cairn_pthread_cleanup_pop(__cairn_pthread_cleanup* frame, int execute) {
  current()->cleanup = frame->__previous;
  if (execute) frame->__routine(frame->__arg);
}

}  // extern "C"
