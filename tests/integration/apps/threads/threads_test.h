// Shared by the threads test image's files: checks, timing, thread helpers.
#pragma once

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

// A failed check prints what and where, and the subcommand ends with status 1.
#define CHECK(condition)                                           \
  do {                                                             \
    if (!(condition)) {                                            \
      printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      return 1;                                                    \
    }                                                              \
  } while (0)
// For pthread calls: they return 0 or an errno value.
#define CHECK_RESULT(call, expected)                                                  \
  do {                                                                                \
    int result_ = (call);                                                             \
    if (result_ != (expected)) {                                                      \
      printf("FAIL: %s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__, #call, \
             errno_name(result_), errno_name(expected));                              \
      return 1;                                                                       \
    }                                                                                 \
  } while (0)
// Inside thread functions, which return void*: count the failure instead.
#define THREAD_CHECK(condition)                                    \
  do {                                                             \
    if (!(condition)) {                                            \
      printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);   \
    }                                                              \
  } while (0)

extern int thread_failures;

const char* errno_name(int error);
uint64_t now_ns(void);  // CLOCK_MONOTONIC
// Starts `count` threads running `start` with arguments 0..count-1 and joins them.
int run_threads(int count, void* (*start)(void*));

// Subcommands: each returns 0 on success after printing its result line.
int test_mutex(void);
int test_mutex_types(void);
int test_condvar(void);
int test_rwlock(void);
int test_once(void);
int test_timeouts(void);
int test_semaphore(void);
int test_barrier(void);
int test_join(void);
int test_detach(void);
int test_keys(void);
int test_main_exit(void);
int test_names(void);
int test_tls(void);
int test_sleep_spin(void);
int test_printf(void);
int test_malloc(void);
int test_cxx_tls(void);
int test_cxx_mutex(void);
int test_cxx_static_init(void);

#ifdef __cplusplus
}
#endif
