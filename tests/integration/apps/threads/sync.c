// Mutexes, condition variables, read-write locks, once, semaphores and barriers.
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>

#include "threads_test.h"

// --- 64 threads, one mutex: the read-modify-write below gives the scheduler every
// chance to interleave (it yields while holding the lock); the total must be exact.
enum { kMutexThreads = 64, kIncrements = 500 };
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int inside;  // threads inside the critical section: must never exceed 1

static void* increment(void* argument) {
  (void)argument;
  for (int i = 0; i < kIncrements; ++i) {
    THREAD_CHECK(pthread_mutex_lock(&counter_lock) == 0);
    THREAD_CHECK(++inside == 1);
    long value = counter;
    if (i % 16 == 0) sched_yield();
    counter = value + 1;
    --inside;
    THREAD_CHECK(pthread_mutex_unlock(&counter_lock) == 0);
    if (i % 5 == 0) sched_yield();
  }
  return NULL;
}

int test_mutex(void) {
  if (run_threads(kMutexThreads, increment)) return 1;
  CHECK(counter == (long)kMutexThreads * kIncrements);
  printf("mutex: %d threads, counter=%ld expected=%ld\n", kMutexThreads, counter,
         (long)kMutexThreads * kIncrements);
  return 0;
}

// --- Mutex types and their errors, from static initialisers and attributes.
static pthread_mutex_t recursive_static = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t errorcheck_static = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_mutex_t normal_static = PTHREAD_MUTEX_INITIALIZER;

static pthread_mutex_t* other_thread_target;
static int other_thread_unlock, other_thread_trylock;

static void* poke_from_other_thread(void* argument) {
  (void)argument;
  other_thread_unlock = pthread_mutex_unlock(other_thread_target);
  other_thread_trylock = pthread_mutex_trylock(other_thread_target);
  return NULL;
}

static int from_other_thread(pthread_mutex_t* mutex) {
  other_thread_target = mutex;
  pthread_t t;
  CHECK_RESULT(pthread_create(&t, NULL, poke_from_other_thread, NULL), 0);
  CHECK_RESULT(pthread_join(t, NULL), 0);
  return 0;
}

static int check_recursive(pthread_mutex_t* m) {
  CHECK_RESULT(pthread_mutex_lock(m), 0);
  CHECK_RESULT(pthread_mutex_lock(m), 0);
  CHECK_RESULT(pthread_mutex_trylock(m), 0);
  if (from_other_thread(m)) return 1;
  CHECK(other_thread_unlock == EPERM && other_thread_trylock == EBUSY);
  CHECK_RESULT(pthread_mutex_unlock(m), 0);
  CHECK_RESULT(pthread_mutex_unlock(m), 0);
  CHECK_RESULT(pthread_mutex_destroy(m), EBUSY);
  CHECK_RESULT(pthread_mutex_unlock(m), 0);
  CHECK_RESULT(pthread_mutex_unlock(m), EPERM);
  CHECK_RESULT(pthread_mutex_destroy(m), 0);
  return 0;
}

static int check_errorcheck(pthread_mutex_t* m) {
  CHECK_RESULT(pthread_mutex_unlock(m), EPERM);
  CHECK_RESULT(pthread_mutex_lock(m), 0);
  CHECK_RESULT(pthread_mutex_lock(m), EDEADLK);
  CHECK_RESULT(pthread_mutex_trylock(m), EBUSY);
  if (from_other_thread(m)) return 1;
  CHECK(other_thread_unlock == EPERM && other_thread_trylock == EBUSY);
  CHECK_RESULT(pthread_mutex_unlock(m), 0);
  CHECK_RESULT(pthread_mutex_unlock(m), EPERM);
  return 0;
}

int test_mutex_types(void) {
  if (check_recursive(&recursive_static)) return 1;
  if (check_errorcheck(&errorcheck_static)) return 1;

  pthread_mutexattr_t attr;
  int type = -1;
  CHECK_RESULT(pthread_mutexattr_init(&attr), 0);
  CHECK_RESULT(pthread_mutexattr_gettype(&attr, &type), 0);
  CHECK(type == PTHREAD_MUTEX_DEFAULT);
  CHECK_RESULT(pthread_mutexattr_settype(&attr, 42), EINVAL);
  CHECK_RESULT(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE), 0);
  pthread_mutex_t recursive;
  CHECK_RESULT(pthread_mutex_init(&recursive, &attr), 0);
  if (check_recursive(&recursive)) return 1;
  CHECK_RESULT(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK), 0);
  pthread_mutex_t errorcheck;
  CHECK_RESULT(pthread_mutex_init(&errorcheck, &attr), 0);
  if (check_errorcheck(&errorcheck)) return 1;
  CHECK_RESULT(pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT), ENOTSUP);
  CHECK_RESULT(pthread_mutexattr_destroy(&attr), 0);

  // A normal (default) mutex: trylock by its owner is EBUSY, unlock by another EPERM.
  CHECK_RESULT(pthread_mutex_lock(&normal_static), 0);
  CHECK_RESULT(pthread_mutex_trylock(&normal_static), EBUSY);
  if (from_other_thread(&normal_static)) return 1;
  CHECK(other_thread_unlock == EPERM && other_thread_trylock == EBUSY);
  CHECK_RESULT(pthread_mutex_unlock(&normal_static), 0);
  printf("mutex-types: recursive ok, errorcheck ok, normal ok\n");
  return 0;
}

// --- Condition variable: a bounded buffer between producers and consumers.
enum { kSlots = 8, kProducers = 4, kConsumers = 4, kItemsPerProducer = 3000 };
static pthread_mutex_t buffer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static unsigned buffer[kSlots];
static int head, count, producers_left = kProducers;
static uint64_t produced_sum, consumed_sum, consumed_items;
static int max_fill;

static void* produce(void* argument) {
  unsigned id = (unsigned)(intptr_t)argument;
  for (unsigned i = 0; i < kItemsPerProducer; ++i) {
    unsigned item = id * 100000 + i * 7 + 1;
    pthread_mutex_lock(&buffer_lock);
    while (count == kSlots) pthread_cond_wait(&not_full, &buffer_lock);
    buffer[(head + count) % kSlots] = item;
    if (++count > max_fill) max_fill = count;
    produced_sum += item;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&buffer_lock);
    if (i % 3 == 0) sched_yield();
  }
  pthread_mutex_lock(&buffer_lock);
  if (--producers_left == 0) pthread_cond_broadcast(&not_empty);
  pthread_mutex_unlock(&buffer_lock);
  return NULL;
}

static void* consume(void* argument) {
  (void)argument;
  for (;;) {
    pthread_mutex_lock(&buffer_lock);
    while (count == 0 && producers_left > 0) pthread_cond_wait(&not_empty, &buffer_lock);
    if (count == 0) {
      pthread_mutex_unlock(&buffer_lock);
      return NULL;
    }
    unsigned item = buffer[head];
    head = (head + 1) % kSlots;
    --count;
    consumed_sum += item;
    ++consumed_items;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&buffer_lock);
  }
}

int test_condvar(void) {
  pthread_t producers[kProducers], consumers[kConsumers];
  for (int i = 0; i < kConsumers; ++i)
    CHECK_RESULT(pthread_create(&consumers[i], NULL, consume, NULL), 0);
  for (int i = 0; i < kProducers; ++i)
    CHECK_RESULT(pthread_create(&producers[i], NULL, produce, (void*)(intptr_t)i), 0);
  for (int i = 0; i < kProducers; ++i) CHECK_RESULT(pthread_join(producers[i], NULL), 0);
  for (int i = 0; i < kConsumers; ++i) CHECK_RESULT(pthread_join(consumers[i], NULL), 0);
  CHECK(consumed_items == (uint64_t)kProducers * kItemsPerProducer);
  CHECK(consumed_sum == produced_sum);
  CHECK(max_fill <= kSlots);
  printf("condvar: items=%llu produced-sum=%llu consumed-sum=%llu\n",
         (unsigned long long)consumed_items, (unsigned long long)produced_sum,
         (unsigned long long)consumed_sum);
  return 0;
}

// --- Read-write lock: writers alone, readers together.
enum { kReaders = 12, kWriters = 4, kRounds = 200 };
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, writers_in, max_readers_in;
static long shared_a, shared_b;  // writers keep a == b

static void* reader(void* argument) {
  (void)argument;
  for (int i = 0; i < kRounds; ++i) {
    THREAD_CHECK(pthread_rwlock_rdlock(&rwlock) == 0);
    int now = __atomic_add_fetch(&readers_in, 1, __ATOMIC_RELAXED);
    if (now > max_readers_in) max_readers_in = now;
    THREAD_CHECK(writers_in == 0);
    long a = shared_a;
    sched_yield();
    THREAD_CHECK(a == shared_b);
    __atomic_sub_fetch(&readers_in, 1, __ATOMIC_RELAXED);
    THREAD_CHECK(pthread_rwlock_unlock(&rwlock) == 0);
  }
  return NULL;
}

static void* writer(void* argument) {
  (void)argument;
  for (int i = 0; i < kRounds; ++i) {
    THREAD_CHECK(pthread_rwlock_wrlock(&rwlock) == 0);
    THREAD_CHECK(++writers_in == 1 && readers_in == 0);
    ++shared_a;
    sched_yield();
    ++shared_b;
    --writers_in;
    THREAD_CHECK(pthread_rwlock_unlock(&rwlock) == 0);
    sched_yield();
  }
  return NULL;
}

static void* rw_mix(void* argument) {
  return (intptr_t)argument < kWriters ? writer(argument) : reader(argument);
}

int test_rwlock(void) {
  if (run_threads(kReaders + kWriters, rw_mix)) return 1;
  CHECK(shared_a == (long)kWriters * kRounds && shared_b == shared_a);
  CHECK(max_readers_in > 1);
  // Errors: a writer that asks again deadlocks; try-locks see the writer.
  CHECK_RESULT(pthread_rwlock_wrlock(&rwlock), 0);
  CHECK_RESULT(pthread_rwlock_wrlock(&rwlock), EDEADLK);
  CHECK_RESULT(pthread_rwlock_tryrdlock(&rwlock), EBUSY);
  CHECK_RESULT(pthread_rwlock_destroy(&rwlock), EBUSY);
  CHECK_RESULT(pthread_rwlock_unlock(&rwlock), 0);
  CHECK_RESULT(pthread_rwlock_rdlock(&rwlock), 0);
  CHECK_RESULT(pthread_rwlock_tryrdlock(&rwlock), 0);
  CHECK_RESULT(pthread_rwlock_trywrlock(&rwlock), EBUSY);
  CHECK_RESULT(pthread_rwlock_unlock(&rwlock), 0);
  CHECK_RESULT(pthread_rwlock_unlock(&rwlock), 0);
  printf("rwlock: writes=%ld consistent, up to %d readers at once\n", shared_a, max_readers_in);
  return 0;
}

// --- pthread_once: many threads arrive while the first one initialises.
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, once_value;

static void init_once(void) {
  ++once_runs;
  for (int i = 0; i < 10; ++i) sched_yield();  // let the others arrive and wait
  once_value = 42;
}

static void* call_once(void* argument) {
  (void)argument;
  THREAD_CHECK(pthread_once(&once, init_once) == 0);
  THREAD_CHECK(once_value == 42);
  return NULL;
}

int test_once(void) {
  if (run_threads(16, call_once)) return 1;
  CHECK_RESULT(pthread_once(&once, init_once), 0);
  CHECK(once_runs == 1);
  printf("once: ran %d time, value %d\n", once_runs, once_value);
  return 0;
}

// --- Semaphores: a hand-off through two semaphores, then the errors.
static sem_t items, spaces;
static long sem_total;

static void* sem_producer(void* argument) {
  (void)argument;
  for (int i = 1; i <= 1000; ++i) {
    THREAD_CHECK(sem_wait(&spaces) == 0);
    sem_total += i;
    THREAD_CHECK(sem_post(&items) == 0);
  }
  return NULL;
}

int test_semaphore(void) {
  CHECK(sem_init(&items, 0, 0) == 0);
  CHECK(sem_init(&spaces, 0, 1) == 0);
  pthread_t t;
  CHECK_RESULT(pthread_create(&t, NULL, sem_producer, NULL), 0);
  for (int i = 0; i < 1000; ++i) {
    CHECK(sem_wait(&items) == 0);
    CHECK(sem_post(&spaces) == 0);
  }
  CHECK_RESULT(pthread_join(t, NULL), 0);
  CHECK(sem_total == 500500);
  int value = -1;
  CHECK(sem_getvalue(&items, &value) == 0 && value == 0);
  CHECK(sem_trywait(&items) == -1 && errno == EAGAIN);
  CHECK(sem_post(&items) == 0 && sem_getvalue(&items, &value) == 0 && value == 1);
  CHECK(sem_trywait(&items) == 0);
  CHECK(sem_init(&items, 0, (unsigned)SEM_VALUE_MAX + 1) == -1 && errno == EINVAL);
  CHECK(sem_destroy(&spaces) == 0);
  printf("semaphore: total=%ld trywait=EAGAIN\n", sem_total);
  return 0;
}

// --- Barrier: every round, everyone arrives before anyone leaves; one is "serial".
enum { kBarrierThreads = 8, kBarrierRounds = 50 };
static pthread_barrier_t barrier;
static int arrived[kBarrierRounds], serial[kBarrierRounds];

static void* barrier_worker(void* argument) {
  (void)argument;
  for (int round = 0; round < kBarrierRounds; ++round) {
    __atomic_add_fetch(&arrived[round], 1, __ATOMIC_RELAXED);
    int result = pthread_barrier_wait(&barrier);
    THREAD_CHECK(result == 0 || result == PTHREAD_BARRIER_SERIAL_THREAD);
    if (result == PTHREAD_BARRIER_SERIAL_THREAD) ++serial[round];
    THREAD_CHECK(arrived[round] == kBarrierThreads);
  }
  return NULL;
}

int test_barrier(void) {
  CHECK_RESULT(pthread_barrier_init(&barrier, NULL, 0), EINVAL);
  CHECK_RESULT(pthread_barrier_init(&barrier, NULL, kBarrierThreads), 0);
  if (run_threads(kBarrierThreads, barrier_worker)) return 1;
  for (int round = 0; round < kBarrierRounds; ++round) CHECK(serial[round] == 1);
  CHECK_RESULT(pthread_barrier_destroy(&barrier), 0);
  printf("barrier: %d rounds of %d threads, one serial thread each\n", kBarrierRounds,
         kBarrierThreads);
  return 0;
}
