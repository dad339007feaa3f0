// Condition variables. A pthread_cond_t is the scheduler's CondVar plus the clock its
// timed waits measure (pthread_condattr_setclock); CLOCK_REALTIME deadlines are turned
// into monotonic ones when the wait starts.
#include <errno.h>
#include <string.h>

#include <new>

#include "pthread_internal.h"

namespace {

int timed_wait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
               const timespec* abstime) {
  std::uint64_t deadline;
  if (int error = cairn::posix::deadline_from(clock, abstime, &deadline)) return error;
  return cairn::posix::as_condvar(cond).wait(cairn::posix::as_mutex(mutex), deadline);
}

}  // namespace

using namespace cairn::posix;

extern "C" {

int pthread_condattr_init(pthread_condattr_t* attr) {
  memset(attr, 0, sizeof *attr);
  attr->__clock = CLOCK_REALTIME;
  return 0;
}

int pthread_condattr_destroy(pthread_condattr_t*) { return 0; }

int pthread_condattr_setclock(pthread_condattr_t* attr, clockid_t clock) {
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) return EINVAL;
  attr->__clock = clock;
  return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t* attr, clockid_t* clock) {
  *clock = attr->__clock;
  return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t* attr, int pshared) {
  if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED) return EINVAL;
  attr->__pshared = pshared;
  return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t* attr, int* pshared) {
  *pshared = attr->__pshared;
  return 0;
}

int pthread_cond_init(pthread_cond_t* cond, const pthread_condattr_t* attr) {
  new (&cond->__waiters) cairn::sched::CondVar;
  cond->__monotonic = attr && attr->__clock == CLOCK_MONOTONIC;
  return 0;
}

int pthread_cond_destroy(pthread_cond_t* cond) { return cond->__waiters.__head ? EBUSY : 0; }

int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex) {
  return as_condvar(cond).wait(as_mutex(mutex));
}

int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const timespec* abstime) {
  return timed_wait(cond, mutex, cond->__monotonic ? CLOCK_MONOTONIC : CLOCK_REALTIME, abstime);
}

int pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
                           const timespec* abstime) {
  return timed_wait(cond, mutex, clock, abstime);
}

int pthread_cond_signal(pthread_cond_t* cond) {
  as_condvar(cond).signal();
  return 0;
}

int pthread_cond_broadcast(pthread_cond_t* cond) {
  as_condvar(cond).broadcast();
  return 0;
}

}  // extern "C"
