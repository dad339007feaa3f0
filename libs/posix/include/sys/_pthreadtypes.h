/* Cairn's POSIX thread types. This file replaces newlib's <sys/_pthreadtypes.h>
 * (libs/posix/include comes before newlib's headers on the include path): newlib's
 * types are 32-bit handles, while Cairn's objects live in place, so that static
 * initialisers need no allocation and the C++ library's constexpr std::mutex works.
 *
 * Each lock type has exactly the layout of the scheduler object it holds
 * (kernel/sched/include/cairn/sched/sync.h); libs/posix/src/pthread_layout.h checks
 * sizes and alignments at compile time. The members are private: use the functions
 * in <pthread.h>. Plain C, no kernel headers. */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/sched.h> /* struct sched_param */

/* A thread: the address of its record in the pthreads library. */
typedef unsigned long pthread_t;

typedef struct {
  int __detachstate;
  int __inheritsched;
  int __schedpolicy;
  int __scope;
  struct sched_param __schedparam;
  void* __stackaddr;
  __SIZE_TYPE__ __stacksize; /* 0: the default (CONFIG_THREAD_STACK_SIZE) */
  __SIZE_TYPE__ __guardsize;
} pthread_attr_t;

/* A scheduler wait queue: first and last waiting thread. */
struct __cairn_wait_queue {
  void* __head;
  void* __tail;
};

typedef struct {
  void* __owner;
  unsigned int __depth;
  unsigned int __kind; /* PTHREAD_MUTEX_NORMAL, _RECURSIVE, _ERRORCHECK */
  struct __cairn_wait_queue __waiters;
} pthread_mutex_t;

typedef struct {
  int __type;
  int __pshared;
  int __protocol;
} pthread_mutexattr_t;

typedef struct {
  struct __cairn_wait_queue __waiters;
  int __monotonic; /* timed waits measure CLOCK_MONOTONIC (else CLOCK_REALTIME) */
} pthread_cond_t;

typedef struct {
  int __clock;
  int __pshared;
} pthread_condattr_t;

typedef struct {
  void* __writer;
  unsigned int __readers;
  unsigned int __writers_waiting;
  struct __cairn_wait_queue __read_waiters;
  struct __cairn_wait_queue __write_waiters;
} pthread_rwlock_t;

typedef struct {
  int __pshared;
} pthread_rwlockattr_t;

typedef unsigned int pthread_key_t;

typedef struct {
  unsigned int __state;
  struct __cairn_wait_queue __waiters;
} pthread_once_t;

typedef struct {
  pthread_mutex_t __mutex;
  pthread_cond_t __cond;
  unsigned int __count;
  unsigned int __waiting;
  unsigned int __generation;
} pthread_barrier_t;

typedef struct {
  int __pshared;
} pthread_barrierattr_t;

typedef volatile int pthread_spinlock_t;

#endif /* _SYS__PTHREADTYPES_H_ */
