/* The VFS test image: one subcommand per area; each prints "<area>: ok" or FAIL lines. */
#ifndef VFS_TEST_H
#define VFS_TEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

extern int failures;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      printf("FAIL %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, #cond, errno, strerror(errno)); \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

/* The call fails with -1 and errno `e`. */
#define CHECK_ERRNO(call, e)                                                                    \
  do {                                                                                          \
    errno = 0;                                                                                  \
    long _r = (long)(call);                                                                     \
    if (_r != -1 || errno != (e)) {                                                             \
      printf("FAIL %s:%d: %s = %ld errno %d (%s), want -1 %s\n", __FILE__, __LINE__, #call, _r, \
             errno, strerror(errno), #e);                                                       \
      ++failures;                                                                               \
    }                                                                                           \
  } while (0)

int test_files(void);
int test_dirs(void);
int test_links(void);
int test_fds(void);
int test_pipes(void);
int test_devices(void);
int test_stdio(void);
int test_big(void);

#endif
