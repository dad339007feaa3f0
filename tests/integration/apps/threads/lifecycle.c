// Thread lifecycle: join values, detach, cancellation, keys, names, and main's thread
// ending with pthread_exit().
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <unistd.h>

#include "threads_test.h"

// --- Join: return values, pthread_exit values, cleanup handlers, errors.
static char cleanup_order[8];
static int cleanup_count;

static void note_cleanup(void* tag) { cleanup_order[cleanup_count++] = *(const char*)tag; }

static void exit_from_deep(int depth) {
  if (depth == 0) pthread_exit((void*)(intptr_t)1234);
  exit_from_deep(depth - 1);
}

static void* returns_argument(void* argument) { return argument; }

static void* exits_with_cleanup(void* argument) {
  (void)argument;
  pthread_cleanup_push(note_cleanup, "a");
  pthread_cleanup_push(note_cleanup, "b");
  pthread_cleanup_push(note_cleanup, "x");
  pthread_cleanup_pop(0);  // popped without running
  exit_from_deep(5);
  pthread_cleanup_pop(1);
  pthread_cleanup_pop(1);
  return NULL;
}

static sem_t cancel_ready;
static void* cancellable(void* argument) {
  (void)argument;
  sem_post(&cancel_ready);
  for (;;) {
    pthread_testcancel();
    sched_yield();
  }
}

static void* joins_itself(void* argument) {
  (void)argument;
  return (void*)(intptr_t)pthread_join(pthread_self(), NULL);
}

int test_join(void) {
  void* value = NULL;
  pthread_t t;
  for (int i = 0; i < 300; ++i) {
    CHECK_RESULT(pthread_create(&t, NULL, returns_argument, (void*)(intptr_t)(i + 1)), 0);
    CHECK_RESULT(pthread_join(t, &value), 0);
    CHECK((intptr_t)value == i + 1);
  }
  CHECK_RESULT(pthread_create(&t, NULL, exits_with_cleanup, NULL), 0);
  CHECK_RESULT(pthread_join(t, &value), 0);
  CHECK((intptr_t)value == 1234);
  CHECK(cleanup_count == 2 && cleanup_order[0] == 'b' && cleanup_order[1] == 'a');

  CHECK_RESULT(pthread_join(pthread_self(), NULL), EDEADLK);
  CHECK_RESULT(pthread_create(&t, NULL, joins_itself, NULL), 0);
  CHECK_RESULT(pthread_join(t, &value), 0);
  CHECK((intptr_t)value == EDEADLK);
  CHECK(pthread_equal(pthread_self(), pthread_self()) && !pthread_equal(pthread_self(), t));

  // Stack sizes: the minimum, a large one, and one too small.
  pthread_attr_t attr;
  size_t size = 0;
  CHECK_RESULT(pthread_attr_init(&attr), 0);
  CHECK_RESULT(pthread_attr_getstacksize(&attr, &size), 0);
  CHECK(size >= PTHREAD_STACK_MIN);
  CHECK_RESULT(pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN - 1), EINVAL);
  CHECK_RESULT(pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN), 0);
  CHECK_RESULT(pthread_create(&t, &attr, returns_argument, (void*)1), 0);
  CHECK_RESULT(pthread_join(t, &value), 0);
  CHECK_RESULT(pthread_attr_setstacksize(&attr, 1 << 20), 0);
  CHECK_RESULT(pthread_create(&t, &attr, returns_argument, (void*)2), 0);
  pthread_attr_t actual;
  CHECK_RESULT(pthread_getattr_np(t, &actual), 0);
  CHECK_RESULT(pthread_attr_getstacksize(&actual, &size), 0);
  CHECK(size == 1 << 20);
  CHECK_RESULT(pthread_join(t, &value), 0);
  CHECK((intptr_t)value == 2);
  CHECK_RESULT(pthread_attr_setdetachstate(&attr, 7), EINVAL);
  CHECK_RESULT(pthread_attr_setscope(&attr, PTHREAD_SCOPE_PROCESS), ENOTSUP);
  CHECK_RESULT(pthread_attr_destroy(&attr), 0);

  // Deferred cancellation at pthread_testcancel().
  sem_init(&cancel_ready, 0, 0);
  CHECK_RESULT(pthread_create(&t, NULL, cancellable, NULL), 0);
  sem_wait(&cancel_ready);
  CHECK_RESULT(pthread_cancel(t), 0);
  CHECK_RESULT(pthread_join(t, &value), 0);
  CHECK(value == PTHREAD_CANCELED);
  printf("join: 300 values, pthread_exit=1234 cleanup=%c%c self=EDEADLK canceled ok\n",
         cleanup_order[0], cleanup_order[1]);
  return 0;
}

// --- Detach: by attribute, before and after the thread ends; the memory comes back.
enum { kDetached = 200 };
static sem_t detached_done;
static int detached_ran;

static void* detached_worker(void* argument) {
  (void)argument;
  __atomic_add_fetch(&detached_ran, 1, __ATOMIC_RELAXED);
  sem_post(&detached_done);
  return NULL;
}

static sem_t gate;
static void* waits_at_gate(void* argument) {
  (void)argument;
  sem_wait(&gate);
  return NULL;
}

static int detach_round(void) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  // Large stacks: 800 threads leaking theirs would need far more than the guest's RAM.
  CHECK_RESULT(pthread_attr_setstacksize(&attr, 1 << 20), 0);
  CHECK_RESULT(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
  int state = -1;
  CHECK_RESULT(pthread_attr_getdetachstate(&attr, &state), 0);
  CHECK(state == PTHREAD_CREATE_DETACHED);
  pthread_t t;
  for (int i = 0; i < kDetached; ++i) {
    CHECK_RESULT(pthread_create(&t, &attr, detached_worker, NULL), 0);
    if (i % 10 == 0) sched_yield();
  }
  for (int i = 0; i < kDetached; ++i) sem_wait(&detached_done);
  // Detached while running, then released.
  CHECK_RESULT(pthread_create(&t, NULL, waits_at_gate, NULL), 0);
  CHECK_RESULT(pthread_detach(t), 0);
  CHECK_RESULT(pthread_detach(t), EINVAL);
  CHECK_RESULT(pthread_join(t, NULL), EINVAL);
  sem_post(&gate);
  // Detached after it ended.
  CHECK_RESULT(pthread_create(&t, NULL, detached_worker, NULL), 0);
  sem_wait(&detached_done);
  usleep(1000);
  CHECK_RESULT(pthread_detach(t), 0);
  usleep(5000);  // every detached thread has ended and freed itself
  return 0;
}

int test_detach(void) {
  sem_init(&detached_done, 0, 0);
  sem_init(&gate, 0, 0);
  for (int round = 0; round < 4; ++round)
    if (detach_round()) return 1;
  CHECK(detached_ran == 4 * (kDetached + 1));
  printf("detach: %d threads with 1 MiB stacks ran in a 64 MiB guest\n", detached_ran);
  return 0;
}

// --- Keys: destructors at thread exit, repeated while they set values again.
static pthread_key_t key, rearming_key;
static int destructor_calls, rearm_calls;

static void destroy_value(void* value) {
  THREAD_CHECK(*(int*)value >= 100);
  free(value);
  __atomic_add_fetch(&destructor_calls, 1, __ATOMIC_RELAXED);
  THREAD_CHECK(pthread_getspecific(key) == NULL);
}

// Sets its value again every time: runs PTHREAD_DESTRUCTOR_ITERATIONS times per thread.
static void rearm(void* value) {
  __atomic_add_fetch(&rearm_calls, 1, __ATOMIC_RELAXED);
  pthread_setspecific(rearming_key, value);
}

static void* key_user(void* argument) {
  int id = (int)(intptr_t)argument;
  THREAD_CHECK(pthread_getspecific(key) == NULL);
  int* value = malloc(sizeof *value);
  *value = 100 + id;
  THREAD_CHECK(pthread_setspecific(key, value) == 0);
  sched_yield();
  THREAD_CHECK(pthread_getspecific(key) == value && *value == 100 + id);
  if (id == 0) THREAD_CHECK(pthread_setspecific(rearming_key, (void*)1) == 0);
  return NULL;
}

int test_keys(void) {
  CHECK_RESULT(pthread_key_create(&key, destroy_value), 0);
  CHECK_RESULT(pthread_key_create(&rearming_key, rearm), 0);
  if (run_threads(8, key_user)) return 1;
  CHECK(destructor_calls == 8);
  CHECK(rearm_calls == PTHREAD_DESTRUCTOR_ITERATIONS);
  // main's values stay (main has not exited); a deleted key's values are gone.
  static int mine = 7;
  CHECK_RESULT(pthread_setspecific(key, &mine), 0);
  CHECK(pthread_getspecific(key) == &mine);
  CHECK_RESULT(pthread_key_delete(key), 0);
  CHECK_RESULT(pthread_key_delete(key), EINVAL);
  CHECK_RESULT(pthread_setspecific(key, &mine), EINVAL);
  pthread_key_t again;
  CHECK_RESULT(pthread_key_create(&again, NULL), 0);
  CHECK(pthread_getspecific(again) == NULL);
  // Keys run out at PTHREAD_KEYS_MAX.
  pthread_key_t k;
  int created = 2;
  while (pthread_key_create(&k, NULL) == 0) ++created;
  CHECK(created == PTHREAD_KEYS_MAX);
  printf("keys: destructors=%d rearmed=%d keys-max=%d\n", destructor_calls, rearm_calls, created);
  return 0;
}

// --- main's thread ends with pthread_exit(): the others go on; the last one to end
// ends the program with status 0 (exit(): atexit handlers and stdio flushed).
static pthread_t main_thread;
static int finished;

// No newline: exit() must flush it, whichever thread ends the program.
static void at_exit(void) { printf("main-exit: atexit ran, %d threads finished", finished); }

static void* outlive_main(void* argument) {
  int id = (int)(intptr_t)argument;
  if (id == 0) {
    void* value = NULL;
    int r = pthread_join(main_thread, &value);
    printf("main-exit: joined main: %s value=%ld\n", errno_name(r), (long)(intptr_t)value);
  }
  usleep(20000 * (id + 1));
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELAXED);
  printf("main-exit: thread %d done\n", id);
  return NULL;
}

int test_main_exit(void) {
  main_thread = pthread_self();
  atexit(at_exit);
  for (int i = 0; i < 4; ++i) {
    pthread_t t;
    CHECK_RESULT(pthread_create(&t, NULL, outlive_main, (void*)(intptr_t)i), 0);
    CHECK_RESULT(pthread_detach(t), 0);
  }
  printf("main-exit: main calls pthread_exit\n");
  pthread_exit((void*)(intptr_t)77);
}

// --- Names.
static sem_t name_set;
static void* named(void* argument) {
  (void)argument;
  sem_wait(&name_set);
  char name[16];
  THREAD_CHECK(pthread_getname_np(pthread_self(), name, sizeof name) == 0);
  THREAD_CHECK(strcmp(name, "worker-7") == 0);
  return NULL;
}

int test_names(void) {
  char name[16];
  CHECK_RESULT(pthread_getname_np(pthread_self(), name, sizeof name), 0);
  CHECK(strcmp(name, "main") == 0);
  pthread_t t;
  sem_init(&name_set, 0, 0);
  CHECK_RESULT(pthread_create(&t, NULL, named, NULL), 0);
  CHECK_RESULT(pthread_getname_np(t, name, sizeof name), 0);
  CHECK(strcmp(name, "pthread") == 0);
  CHECK_RESULT(pthread_setname_np(t, "a name that is too long"), ERANGE);
  CHECK_RESULT(pthread_setname_np(t, "worker-7"), 0);
  CHECK_RESULT(pthread_getname_np(t, name, 4), ERANGE);
  sem_post(&name_set);
  CHECK_RESULT(pthread_join(t, NULL), 0);
  printf("names: main, pthread, worker-7\n");
  return 0;
}
