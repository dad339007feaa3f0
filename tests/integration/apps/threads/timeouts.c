// Timed waits on both clocks: they end with ETIMEDOUT, never before the deadline.
#include <semaphore.h>
#include <time.h>

#include "threads_test.h"

enum { kTimeoutMs = 50 };
static const uint64_t kTimeoutNs = kTimeoutMs * 1000000ull;

// The absolute time kTimeoutMs from now on `clock`.
static struct timespec deadline_on(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  ts.tv_nsec += kTimeoutNs;
  while (ts.tv_nsec >= 1000000000) {
    ts.tv_nsec -= 1000000000;
    ++ts.tv_sec;
  }
  return ts;
}

// A helper thread holds `held` (a mutex, or a write lock) until released.
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t held_rw = PTHREAD_RWLOCK_INITIALIZER;
static sem_t holding, release_now;

static void* holder(void* argument) {
  (void)argument;
  THREAD_CHECK(pthread_mutex_lock(&held) == 0);
  THREAD_CHECK(pthread_rwlock_wrlock(&held_rw) == 0);
  sem_post(&holding);
  sem_wait(&release_now);
  THREAD_CHECK(pthread_rwlock_unlock(&held_rw) == 0);
  THREAD_CHECK(pthread_mutex_unlock(&held) == 0);
  return NULL;
}

static int report(const char* what, int result, uint64_t started) {
  uint64_t elapsed = now_ns() - started;
  printf("timeouts: %s %s after %llu.%03llu ms\n", what, errno_name(result),
         (unsigned long long)(elapsed / 1000000), (unsigned long long)(elapsed / 1000 % 1000));
  CHECK(result == ETIMEDOUT);
  CHECK(elapsed >= kTimeoutNs);
  CHECK(elapsed < 5000000000ull);  // and not wildly late
  return 0;
}

// Measures from before the deadline is computed, so that a pause of the VM in
// between cannot make a correct wait look early.
#define TIMED(what, clock, call)                   \
  do {                                             \
    uint64_t started_ = now_ns();                  \
    ts = deadline_on(clock);                       \
    int result_ = (call);                          \
    if (report(what, result_, started_)) return 1; \
  } while (0)

int test_timeouts(void) {
  sem_init(&holding, 0, 0);
  sem_init(&release_now, 0, 0);
  pthread_t t;
  CHECK_RESULT(pthread_create(&t, NULL, holder, NULL), 0);
  sem_wait(&holding);

  struct timespec ts;
  TIMED("mutex_timedlock realtime", CLOCK_REALTIME, pthread_mutex_timedlock(&held, &ts));
  TIMED("mutex_clocklock monotonic", CLOCK_MONOTONIC,
        pthread_mutex_clocklock(&held, CLOCK_MONOTONIC, &ts));
  TIMED("rwlock_timedrdlock realtime", CLOCK_REALTIME, pthread_rwlock_timedrdlock(&held_rw, &ts));
  TIMED("rwlock_clockwrlock monotonic", CLOCK_MONOTONIC,
        pthread_rwlock_clockwrlock(&held_rw, CLOCK_MONOTONIC, &ts));

  // Malformed or past deadlines, on a lock that would block.
  ts.tv_nsec = 1000000000;
  CHECK_RESULT(pthread_mutex_timedlock(&held, &ts), EINVAL);
  ts.tv_sec = 0;
  ts.tv_nsec = 0;
  CHECK_RESULT(pthread_mutex_timedlock(&held, &ts), ETIMEDOUT);
  CHECK_RESULT(pthread_mutex_clocklock(&held, (clockid_t)99, &ts), EINVAL);

  sem_post(&release_now);
  CHECK_RESULT(pthread_join(t, NULL), 0);
  // A free mutex is taken whatever the deadline.
  CHECK_RESULT(pthread_mutex_timedlock(&held, &ts), 0);
  CHECK_RESULT(pthread_mutex_unlock(&held), 0);

  // Condition variables: the default clock (CLOCK_REALTIME), CLOCK_MONOTONIC through
  // the attribute, and pthread_cond_clockwait. The mutex is held again afterwards.
  pthread_mutex_t m = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
  pthread_cond_t realtime_cond = PTHREAD_COND_INITIALIZER, monotonic_cond;
  pthread_condattr_t attr;
  clockid_t clock = -1;
  CHECK_RESULT(pthread_condattr_init(&attr), 0);
  CHECK_RESULT(pthread_condattr_getclock(&attr, &clock), 0);
  CHECK(clock == CLOCK_REALTIME);
  CHECK_RESULT(pthread_condattr_setclock(&attr, (clockid_t)99), EINVAL);
  CHECK_RESULT(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), 0);
  CHECK_RESULT(pthread_cond_init(&monotonic_cond, &attr), 0);

  CHECK_RESULT(pthread_mutex_lock(&m), 0);
  TIMED("cond_timedwait realtime", CLOCK_REALTIME, pthread_cond_timedwait(&realtime_cond, &m, &ts));
  TIMED("cond_timedwait monotonic", CLOCK_MONOTONIC,
        pthread_cond_timedwait(&monotonic_cond, &m, &ts));
  TIMED("cond_clockwait monotonic", CLOCK_MONOTONIC,
        pthread_cond_clockwait(&realtime_cond, &m, CLOCK_MONOTONIC, &ts));
  CHECK_RESULT(pthread_mutex_unlock(&m), 0);

  sem_t empty;
  sem_init(&empty, 0, 0);
  uint64_t started = now_ns();
  ts = deadline_on(CLOCK_REALTIME);
  int r = sem_timedwait(&empty, &ts);
  if (report("sem_timedwait realtime", r == -1 ? errno : 0, started)) return 1;
  printf("timeouts: ok\n");
  return 0;
}
