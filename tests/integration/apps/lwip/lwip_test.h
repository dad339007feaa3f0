// Shared by the lwIP test image's files: checks and the tests' entry points.
#pragma once

#include <stdio.h>

#include "lwip/api.h"

// A failed check prints what and where, and the subcommand ends with status 1.
#define CHECK(condition)                                           \
  do {                                                             \
    if (!(condition)) {                                            \
      printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      return 1;                                                    \
    }                                                              \
  } while (0)
// For lwIP calls, which return an err_t.
#define CHECK_ERR(call)                                                            \
  do {                                                                             \
    err_t err_ = (call);                                                           \
    if (err_ != ERR_OK) {                                                          \
      printf("FAIL: %s:%d: %s: error %d\n", __FILE__, __LINE__, #call, (int)err_); \
      return 1;                                                                    \
    }                                                                              \
  } while (0)

// Inside thread functions: count the failure instead of returning it.
extern int thread_failures;
#define THREAD_CHECK(condition)                                    \
  do {                                                             \
    if (!(condition)) {                                            \
      printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);   \
    }                                                              \
  } while (0)

int test_loopif(void);
int test_tcp_echo(void);
int test_udp(void);
int test_udp6(void);
int test_udp_timeout(void);
// netif.c: over a network card; argv[2...] are the subcommand's arguments.
int test_addr(int argc, char** argv);
int test_ping(int argc, char** argv);
int test_udp_server(int argc, char** argv);
int test_tcp_server(int argc, char** argv);
int test_dns(int argc, char** argv);
int test_slaac(int argc, char** argv);
