// Barriers: a count, a generation and a condition variable. The last thread to
// arrive starts the next generation and wakes the others.
#include <errno.h>

#include "pthread_internal.h"

using namespace cairn::posix;

extern "C" {

int pthread_barrierattr_init(pthread_barrierattr_t* attr) {
  attr->__pshared = PTHREAD_PROCESS_PRIVATE;
  return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t*) { return 0; }

int pthread_barrierattr_setpshared(pthread_barrierattr_t* attr, int pshared) {
  if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED) return EINVAL;
  attr->__pshared = pshared;
  return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t* attr, int* pshared) {
  *pshared = attr->__pshared;
  return 0;
}

int pthread_barrier_init(pthread_barrier_t* barrier, const pthread_barrierattr_t*, unsigned count) {
  if (count == 0) return EINVAL;
  pthread_mutex_init(&barrier->__mutex, nullptr);
  pthread_cond_init(&barrier->__cond, nullptr);
  barrier->__count = count;
  barrier->__waiting = 0;
  barrier->__generation = 0;
  return 0;
}

int pthread_barrier_destroy(pthread_barrier_t* barrier) { return barrier->__waiting ? EBUSY : 0; }

int pthread_barrier_wait(pthread_barrier_t* barrier) {
  pthread_mutex_lock(&barrier->__mutex);
  unsigned generation = barrier->__generation;
  int result = 0;
  if (++barrier->__waiting == barrier->__count) {
    barrier->__waiting = 0;
    ++barrier->__generation;
    pthread_cond_broadcast(&barrier->__cond);
    result = PTHREAD_BARRIER_SERIAL_THREAD;
  } else {
    while (generation == barrier->__generation)
      pthread_cond_wait(&barrier->__cond, &barrier->__mutex);
  }
  pthread_mutex_unlock(&barrier->__mutex);
  return result;
}

}  // extern "C"
