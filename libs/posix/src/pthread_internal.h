// What the pthreads files share: the per-thread record, the views of the public
// types as the scheduler's objects, and timeout conversion.
#pragma once

#include <pthread.h>
#include <time.h>

#include <cstddef>
#include <cstdint>

#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>

namespace cairn::posix {

// One slot of a thread's keys: the value and the generation of the key it was set for,
// so that a deleted and re-created key does not see an old value.
struct KeySlot {
  std::uint64_t generation;
  void* value;
};

// The pthreads library's per-thread record, hung off sched::thread_user_data(). A
// pthread_t is its address. Threads that pthread_create() did not start (main's, a
// kernel thread's) get one when they first ask for it ("adopted").
struct Pthread {
  sched::Thread* thread = nullptr;
  void* (*start)(void*) = nullptr;
  void* argument = nullptr;
  void* result = nullptr;
  __cairn_pthread_cleanup* cleanup = nullptr;  // innermost first
  KeySlot* keys = nullptr;                     // PTHREAD_KEYS_MAX slots, allocated on first use
  std::size_t stack_size = 0;                  // as requested; 0 is the default
  int sched_policy = SCHED_OTHER;
  int sched_priority = 0;
  bool detached = false;
  bool exited = false;   // its exit hook ran (SchedLock)
  bool adopted = false;  // not started by pthread_create(); cannot be joined except main's
  bool cancel_pending = false;
  bool cancel_disabled = false;
  char name[16] = {};  // the scheduler keeps a pointer to it (thread names)
};

// The calling thread's record (adopting the thread on first use).
Pthread* current();
inline Pthread* from_handle(pthread_t handle) { return reinterpret_cast<Pthread*>(handle); }
inline pthread_t to_handle(Pthread* record) { return reinterpret_cast<pthread_t>(record); }

// Registers the thread-exit hook (once); called before any record exists.
void install_exit_hook();
// pthread_key.cpp: runs key destructors for a thread that is exiting and frees its slots.
void release_keys(Pthread* self);
// pthread_thread.cpp: runs cleanup handlers and ends the thread.
[[noreturn]] void exit_current(Pthread* self, void* value);

// The public types are the scheduler's objects (checked in pthread_layout.cpp).
inline sched::Mutex& as_mutex(pthread_mutex_t* m) { return *reinterpret_cast<sched::Mutex*>(m); }
inline sched::CondVar& as_condvar(pthread_cond_t* c) {
  return *reinterpret_cast<sched::CondVar*>(&c->__waiters);
}
inline sched::RwLock& as_rwlock(pthread_rwlock_t* l) {
  return *reinterpret_cast<sched::RwLock*>(l);
}
inline sched::Once& as_once(pthread_once_t* o) { return *reinterpret_cast<sched::Once*>(o); }

// An absolute time on `clock` as a monotonic deadline for the scheduler. CLOCK_REALTIME
// is converted at the call (a later clock step does not move the deadline). EINVAL for
// a bad timespec or clock.
int deadline_from(clockid_t clock, const timespec* abstime, std::uint64_t* deadline_ns);

}  // namespace cairn::posix
