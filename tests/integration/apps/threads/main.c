// The pthreads test image: the first argument names what to test (see ../../threads.cmake,
// which boots it once per subcommand, under both schedulers).
#include <stdlib.h>
#include <time.h>

#include "threads_test.h"

int thread_failures;

const char* errno_name(int error) {
  switch (error) {
    case 0:
      return "0";
    case EPERM:
      return "EPERM";
    case EBUSY:
      return "EBUSY";
    case EDEADLK:
      return "EDEADLK";
    case EINVAL:
      return "EINVAL";
    case EAGAIN:
      return "EAGAIN";
    case ETIMEDOUT:
      return "ETIMEDOUT";
    case ENOTSUP:
      return "ENOTSUP";
    case ERANGE:
      return "ERANGE";
    case ENOMEM:
      return "ENOMEM";
    case ESRCH:
      return "ESRCH";
    default:
      return "other";
  }
}

uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int run_threads(int count, void* (*start)(void*)) {
  pthread_t threads[128];
  if (count > 128) return 1;
  for (int i = 0; i < count; ++i)
    CHECK_RESULT(pthread_create(&threads[i], NULL, start, (void*)(intptr_t)i), 0);
  for (int i = 0; i < count; ++i) CHECK_RESULT(pthread_join(threads[i], NULL), 0);
  return 0;
}

static const struct {
  const char* name;
  int (*run)(void);
} kTests[] = {
    {"mutex", test_mutex},
    {"mutex-types", test_mutex_types},
    {"condvar", test_condvar},
    {"rwlock", test_rwlock},
    {"once", test_once},
    {"timeouts", test_timeouts},
    {"semaphore", test_semaphore},
    {"barrier", test_barrier},
    {"join", test_join},
    {"detach", test_detach},
    {"keys", test_keys},
    {"main-exit", test_main_exit},
    {"names", test_names},
    {"tls", test_tls},
    {"sleep-spin", test_sleep_spin},
    {"printf", test_printf},
    {"malloc", test_malloc},
    {"cxx-tls", test_cxx_tls},
    {"cxx-mutex", test_cxx_mutex},
    {"cxx-static-init", test_cxx_static_init},
};

int main(int argc, char** argv) {
  const char* name = argc > 1 ? argv[1] : "";
  for (size_t i = 0; i < sizeof kTests / sizeof kTests[0]; ++i) {
    if (strcmp(name, kTests[i].name) != 0) continue;
    int status = kTests[i].run();
    if (thread_failures) {
      printf("FAIL: %d checks failed in threads\n", thread_failures);
      return 1;
    }
    return status;
  }
  printf("usage: threads TEST (unknown test '%s')\n", name);
  return 2;
}
