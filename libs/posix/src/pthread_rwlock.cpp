// Reader-writer locks: a pthread_rwlock_t is the scheduler's RwLock (waiting writers
// go first, so readers cannot starve them).
#include <errno.h>

#include <new>

#include "pthread_internal.h"

namespace {

using cairn::posix::as_rwlock;

int timed_read_lock(pthread_rwlock_t* lock, clockid_t clock, const timespec* abstime) {
  if (as_rwlock(lock).try_read_lock() == 0) return 0;
  std::uint64_t deadline;
  if (int error = cairn::posix::deadline_from(clock, abstime, &deadline)) return error;
  return as_rwlock(lock).read_lock(deadline);
}

int timed_write_lock(pthread_rwlock_t* lock, clockid_t clock, const timespec* abstime) {
  if (as_rwlock(lock).try_write_lock() == 0) return 0;
  std::uint64_t deadline;
  if (int error = cairn::posix::deadline_from(clock, abstime, &deadline)) return error;
  return as_rwlock(lock).write_lock(deadline);
}

}  // namespace

extern "C" {

int pthread_rwlockattr_init(pthread_rwlockattr_t* attr) {
  attr->__pshared = PTHREAD_PROCESS_PRIVATE;
  return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t*) { return 0; }

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t* attr, int pshared) {
  if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED) return EINVAL;
  attr->__pshared = pshared;
  return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t* attr, int* pshared) {
  *pshared = attr->__pshared;
  return 0;
}

int pthread_rwlock_init(pthread_rwlock_t* lock, const pthread_rwlockattr_t*) {
  new (lock) cairn::sched::RwLock;
  return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t* lock) {
  return lock->__writer || lock->__readers ? EBUSY : 0;
}

int pthread_rwlock_rdlock(pthread_rwlock_t* lock) { return as_rwlock(lock).read_lock(); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t* lock) { return as_rwlock(lock).try_read_lock(); }
int pthread_rwlock_wrlock(pthread_rwlock_t* lock) { return as_rwlock(lock).write_lock(); }
int pthread_rwlock_trywrlock(pthread_rwlock_t* lock) { return as_rwlock(lock).try_write_lock(); }
int pthread_rwlock_unlock(pthread_rwlock_t* lock) { return as_rwlock(lock).unlock(); }

int pthread_rwlock_timedrdlock(pthread_rwlock_t* lock, const timespec* abstime) {
  return timed_read_lock(lock, CLOCK_REALTIME, abstime);
}
int pthread_rwlock_clockrdlock(pthread_rwlock_t* lock, clockid_t clock, const timespec* abstime) {
  return timed_read_lock(lock, clock, abstime);
}
int pthread_rwlock_timedwrlock(pthread_rwlock_t* lock, const timespec* abstime) {
  return timed_write_lock(lock, CLOCK_REALTIME, abstime);
}
int pthread_rwlock_clockwrlock(pthread_rwlock_t* lock, clockid_t clock, const timespec* abstime) {
  return timed_write_lock(lock, clock, abstime);
}

}  // extern "C"
