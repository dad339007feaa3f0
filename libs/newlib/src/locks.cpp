// newlib's retargetable locks (built with --enable-newlib-retargetable-locking) on the
// scheduler's mutexes: stdio streams, atexit, the environment, time zones...
//
// Every lock symbol of newlib's own lock.o is defined here, functions and static
// locks alike; if one were missing, the linker would pull that object in to find it
// and fail on the others (duplicates). "_recursive" locks may be taken again by their
// owner; the others are plain.
#include <stdlib.h>
#include <sys/lock.h>

#include <new>

#include <cairn/sched/sync.h>

using cairn::sched::Mutex;
using cairn::sched::MutexKind;

struct __lock {
  Mutex mutex;
};

namespace {

// Locks that newlib creates at run time (a FILE's lock, ...). Out of memory leaves
// the object unlocked rather than failing a call that cannot report it: the calls
// below accept a null lock.
void create(_LOCK_T* lock, MutexKind kind) {
  void* memory = malloc(sizeof(__lock));
  *lock = memory ? new (memory) __lock{Mutex(kind)} : nullptr;
}

void destroy(_LOCK_T lock) {
  if (!lock) return;
  lock->~__lock();
  free(lock);
}

void acquire(_LOCK_T lock) {
  if (lock) lock->mutex.lock();
}

int try_acquire(_LOCK_T lock) { return lock ? lock->mutex.try_lock() : 0; }

void release(_LOCK_T lock) {
  if (lock) lock->mutex.unlock();
}

}  // namespace

extern "C" {

// newlib's static locks (__LOCK_INIT in its sources): constant-initialised, usable
// from the first constructor on.
struct __lock __lock___sinit_recursive_mutex {
  Mutex(MutexKind::kRecursive)
};
struct __lock __lock___sfp_recursive_mutex {
  Mutex(MutexKind::kRecursive)
};
struct __lock __lock___atexit_recursive_mutex {
  Mutex(MutexKind::kRecursive)
};
struct __lock __lock___env_recursive_mutex {
  Mutex(MutexKind::kRecursive)
};
struct __lock __lock___malloc_recursive_mutex {
  Mutex(MutexKind::kRecursive)
};
struct __lock __lock___at_quick_exit_mutex {
  Mutex(MutexKind::kNormal)
};
struct __lock __lock___tz_mutex {
  Mutex(MutexKind::kNormal)
};
struct __lock __lock___dd_hash_mutex {
  Mutex(MutexKind::kNormal)
};
struct __lock __lock___arc4random_mutex {
  Mutex(MutexKind::kNormal)
};

void __retarget_lock_init(_LOCK_T* lock) { create(lock, MutexKind::kNormal); }
void __retarget_lock_init_recursive(_LOCK_T* lock) { create(lock, MutexKind::kRecursive); }
void __retarget_lock_close(_LOCK_T lock) { destroy(lock); }
void __retarget_lock_close_recursive(_LOCK_T lock) { destroy(lock); }
void __retarget_lock_acquire(_LOCK_T lock) { acquire(lock); }
void __retarget_lock_acquire_recursive(_LOCK_T lock) { acquire(lock); }
// 0 when the lock was taken, else EBUSY: the convention of trylock and of newlib's
// RTEMS and Linux ports (nothing in newlib 3.3's portable code calls these).
int __retarget_lock_try_acquire(_LOCK_T lock) { return try_acquire(lock); }
int __retarget_lock_try_acquire_recursive(_LOCK_T lock) {
  if (lock && lock->mutex.held_by_current_thread()) return lock->mutex.lock();
  return try_acquire(lock);
}
void __retarget_lock_release(_LOCK_T lock) { release(lock); }
void __retarget_lock_release_recursive(_LOCK_T lock) { release(lock); }

}  // extern "C"
