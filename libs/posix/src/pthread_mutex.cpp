// Mutexes (normal, recursive, error-checking) and spin locks. A pthread_mutex_t is
// the scheduler's Mutex; PTHREAD_MUTEX_DEFAULT is normal, as on Linux.
#include <errno.h>
#include <string.h>

#include <new>

#include "pthread_internal.h"

namespace {

using cairn::sched::MutexKind;

bool valid_type(int type) {
  return type == PTHREAD_MUTEX_NORMAL || type == PTHREAD_MUTEX_RECURSIVE ||
         type == PTHREAD_MUTEX_ERRORCHECK;
}

int timed_lock(pthread_mutex_t* mutex, clockid_t clock, const timespec* abstime) {
  // POSIX: a mutex that is free is taken whatever the timeout says.
  if (cairn::posix::as_mutex(mutex).try_lock() == 0) return 0;
  std::uint64_t deadline;
  if (int error = cairn::posix::deadline_from(clock, abstime, &deadline)) return error;
  return cairn::posix::as_mutex(mutex).lock(deadline);
}

}  // namespace

using namespace cairn::posix;

extern "C" {

int pthread_mutexattr_init(pthread_mutexattr_t* attr) {
  memset(attr, 0, sizeof *attr);
  attr->__type = PTHREAD_MUTEX_DEFAULT;
  return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t*) { return 0; }

int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type) {
  if (!valid_type(type)) return EINVAL;
  attr->__type = type;
  return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t* attr, int* type) {
  *type = attr->__type;
  return 0;
}

// One address space: "shared between processes" changes nothing.
int pthread_mutexattr_setpshared(pthread_mutexattr_t* attr, int pshared) {
  if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED) return EINVAL;
  attr->__pshared = pshared;
  return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t* attr, int* pshared) {
  *pshared = attr->__pshared;
  return 0;
}

// One priority: no inversion to protect against.
int pthread_mutexattr_setprotocol(pthread_mutexattr_t* attr, int protocol) {
  if (protocol == PTHREAD_PRIO_INHERIT || protocol == PTHREAD_PRIO_PROTECT) return ENOTSUP;
  if (protocol != PTHREAD_PRIO_NONE) return EINVAL;
  attr->__protocol = protocol;
  return 0;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t* attr, int* protocol) {
  *protocol = attr->__protocol;
  return 0;
}

int pthread_mutex_init(pthread_mutex_t* mutex, const pthread_mutexattr_t* attr) {
  int type = attr ? attr->__type : PTHREAD_MUTEX_DEFAULT;
  if (!valid_type(type)) return EINVAL;
  new (mutex) cairn::sched::Mutex(static_cast<MutexKind>(type));
  return 0;
}

int pthread_mutex_destroy(pthread_mutex_t* mutex) { return mutex->__owner ? EBUSY : 0; }

int pthread_mutex_lock(pthread_mutex_t* mutex) { return as_mutex(mutex).lock(); }

int pthread_mutex_trylock(pthread_mutex_t* mutex) {
  cairn::sched::Mutex& m = as_mutex(mutex);
  // A recursive mutex's owner may always take it again.
  if (m.kind() == MutexKind::kRecursive && m.held_by_current_thread()) return m.lock();
  return m.try_lock();
}

int pthread_mutex_timedlock(pthread_mutex_t* mutex, const timespec* abstime) {
  return timed_lock(mutex, CLOCK_REALTIME, abstime);
}

int pthread_mutex_clocklock(pthread_mutex_t* mutex, clockid_t clock, const timespec* abstime) {
  return timed_lock(mutex, clock, abstime);
}

int pthread_mutex_unlock(pthread_mutex_t* mutex) { return as_mutex(mutex).unlock(); }

// Spin locks. With one CPU a spinner would only keep the holder from running, so a
// busy lock yields.
int pthread_spin_init(pthread_spinlock_t* lock, int) {
  *lock = 0;
  return 0;
}

int pthread_spin_destroy(pthread_spinlock_t*) { return 0; }

int pthread_spin_lock(pthread_spinlock_t* lock) {
  while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) cairn::sched::yield();
  return 0;
}

int pthread_spin_trylock(pthread_spinlock_t* lock) {
  return __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}

int pthread_spin_unlock(pthread_spinlock_t* lock) {
  __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
  return 0;
}

}  // extern "C"
