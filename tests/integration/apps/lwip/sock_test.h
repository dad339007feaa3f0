// Shared by the POSIX socket tests (sock_*.c): checks, and the tests' entry points.
// These files use only POSIX headers, as an ordinary Linux program would.
#pragma once

#include <errno.h>
#include <stdio.h>
#include <string.h>

// A failed check prints what, where and errno; the subcommand ends with status 1.
#define SCHECK(condition)                                                               \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      printf("FAIL: %s:%d: %s (errno %d: %s)\n", __FILE__, __LINE__, #condition, errno, \
             strerror(errno));                                                          \
      return 1;                                                                         \
    }                                                                                   \
  } while (0)

// Inside thread functions: count the failure instead of returning it.
extern int thread_failures;
#define STHREAD_CHECK(condition)                                                     \
  do {                                                                               \
    if (!(condition)) {                                                              \
      printf("FAIL: %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #condition, errno); \
      __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);                     \
    }                                                                                \
  } while (0)

int test_sock_tcp_echo(void);
int test_sock_epoll_many(void);
int test_sock_udp(void);
int test_sock_poll(void);
int test_sock_epoll_modes(void);
int test_sock_nonblock(void);
int test_sock_options(void);
int test_sock_netdb(void);

// A connected TCP pair over 127.0.0.1:port: fds[0] the client, fds[1] the accepted
// end. 0 or -1.
int sock_tcp_pair(int port, int fds[2]);
// Milliseconds on the monotonic clock.
long long sock_now_ms(void);
