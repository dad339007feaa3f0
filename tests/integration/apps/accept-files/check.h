/* What the parts of the test share: CHECK() prints a failure and counts it, and each
 * part is one function returning how many checks failed. */
#ifndef ACCEPT_FILES_CHECK_H
#define ACCEPT_FILES_CHECK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern int failures;

#define CHECK(cond, ...)                        \
  do {                                          \
    if (!(cond)) {                              \
      printf("FAIL: " __VA_ARGS__);             \
      printf(" (errno %s)\n", strerror(errno)); \
      ++failures;                               \
    }                                           \
  } while (0)

/* The call must fail with -1 and errno `code`. */
#define CHECK_ERRNO(call, code)                                                                  \
  do {                                                                                           \
    errno = 0;                                                                                   \
    long result_ = (long)(call);                                                                 \
    if (result_ != -1 || errno != (code)) {                                                      \
      printf("FAIL: %s gave %ld errno %s, not -1 %s\n", #call, result_, strerror(errno), #code); \
      ++failures;                                                                                \
    }                                                                                            \
  } while (0)

uint64_t fnv1a64(const void* data, size_t length);

/* The initrd's 64 KiB binary, read by initrd_files() and copied to the share. */
extern unsigned char blob[65536];

void initrd_files(void);
void ramfs_calls(void);
void pipes_dup_null(void);
void share_lines(void);

#endif
