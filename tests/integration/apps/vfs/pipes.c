/* Pipes: between threads (blocking, large transfers), O_NONBLOCK, EOF, EPIPE, FIONREAD. */
#define _GNU_SOURCE /* dup3, pipe2 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_test.h"

enum { kTotal = 1 << 20 };

static void* writer(void* arg) {
  int fd = *(int*)arg;
  static unsigned char chunk[3001];
  size_t sent = 0;
  while (sent < kTotal) {
    size_t n = kTotal - sent < sizeof chunk ? kTotal - sent : sizeof chunk;
    for (size_t i = 0; i < n; ++i) chunk[i] = (unsigned char)((sent + i) * 7);
    ssize_t w = write(fd, chunk, n);
    if (w <= 0) return (void*)1;
    sent += (size_t)w;
  }
  close(fd);
  return NULL;
}

int test_pipes(void) {
  int p[2];
  CHECK(pipe(p) == 0 && p[0] >= 3 && p[1] == p[0] + 1);
  struct stat st;
  CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
  CHECK_ERRNO(lseek(p[0], 0, SEEK_SET), ESPIPE);
  CHECK_ERRNO(write(p[0], "x", 1), EBADF);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, writer, &p[1]) == 0);
  static unsigned char buf[4096];
  size_t got = 0;
  int bad = 0;
  for (;;) {
    ssize_t r = read(p[0], buf, sizeof buf);
    if (r < 0) {
      bad = 1;
      break;
    }
    if (r == 0) break;
    for (ssize_t i = 0; i < r; ++i)
      if (buf[i] != (unsigned char)((got + (size_t)i) * 7)) bad = 1;
    got += (size_t)r;
  }
  void* result;
  CHECK(pthread_join(t, &result) == 0 && result == NULL);
  CHECK(!bad && got == kTotal);
  close(p[0]);

  /* Non-blocking: EAGAIN on empty and on full. */
  CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0 && fcntl(p[0], F_GETFD) == FD_CLOEXEC);
  CHECK_ERRNO(read(p[0], buf, 1), EAGAIN);
  size_t filled = 0;
  for (;;) {
    ssize_t w = write(p[1], buf, sizeof buf);
    if (w < 0) {
      CHECK(errno == EAGAIN);
      break;
    }
    filled += (size_t)w;
  }
  CHECK(filled == 65536);
  int avail = 0;
  CHECK(ioctl(p[0], FIONREAD, &avail) == 0 && avail == 65536);
  CHECK(read(p[0], buf, 100) == 100);
  CHECK_ERRNO(write(p[1], buf, 200), EAGAIN); /* <= PIPE_BUF: all or nothing */
  close(p[1]);
  size_t drained = 0;
  ssize_t r;
  while ((r = read(p[0], buf, sizeof buf)) > 0) drained += (size_t)r;
  CHECK(r == 0 && drained == 65436); /* then end of file */
  close(p[0]);

  /* No reader: EPIPE. */
  CHECK(pipe(p) == 0);
  close(p[0]);
  CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
  close(p[1]);
  printf("pipes: %d bytes between threads\n", kTotal);
  return 0;
}
