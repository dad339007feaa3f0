/* The descriptor table: lowest free, dup/dup2/dup3, fcntl, CLOEXEC, stdout redirection. */
#define _GNU_SOURCE /* dup3, pipe2 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_test.h"

int test_fds(void) {
  int a = open("/tmp/fds", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(a == 3);
  int b = dup(a);
  CHECK(b == 4);
  CHECK(write(a, "abc", 3) == 3);
  CHECK(lseek(b, 0, SEEK_CUR) == 3); /* one open file, one offset */
  CHECK(close(a) == 0);
  CHECK(open("/tmp/fds", O_RDONLY) == 3); /* lowest free */
  close(3);
  CHECK(dup2(b, 10) == 10 && lseek(10, 0, SEEK_CUR) == 3);
  CHECK(dup2(b, b) == b);
  CHECK_ERRNO(dup2(b, -1), EBADF);
  CHECK_ERRNO(dup2(77, 11), EBADF);
  CHECK_ERRNO(dup3(b, b, 0), EINVAL);
  CHECK(dup3(b, 12, O_CLOEXEC) == 12 && fcntl(12, F_GETFD) == FD_CLOEXEC);
  CHECK(fcntl(10, F_GETFD) == 0);
  CHECK(fcntl(10, F_SETFD, FD_CLOEXEC) == 0 && fcntl(10, F_GETFD) == FD_CLOEXEC);
  CHECK(fcntl(b, F_DUPFD, 20) == 20);
  CHECK(fcntl(b, F_DUPFD_CLOEXEC, 20) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC);
  CHECK((fcntl(b, F_GETFL) & O_ACCMODE) == O_RDWR);
  CHECK(fcntl(b, F_SETFL, O_NONBLOCK | O_APPEND) == 0 &&
        (fcntl(20, F_GETFL) & (O_NONBLOCK | O_APPEND)) == (O_NONBLOCK | O_APPEND));
  CHECK_ERRNO(fcntl(99, F_GETFD), EBADF);
  int c = open("/tmp/cx", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  CHECK(c >= 0 && fcntl(c, F_GETFD) == FD_CLOEXEC);
  for (int fd = 3; fd < 30; ++fd) close(fd);

  /* stdout through dup/dup2: printf into a file and back. */
  fflush(stdout);
  int saved = dup(1);
  int f = open("/tmp/out", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(saved >= 0 && f >= 0 && dup2(f, 1) == 1);
  printf("redirected line\n");
  fflush(stdout);
  CHECK(dup2(saved, 1) == 1);
  close(saved);
  close(f);
  char buf[64] = {0};
  f = open("/tmp/out", O_RDONLY);
  CHECK(read(f, buf, sizeof buf) == 16 && memcmp(buf, "redirected line\n", 16) == 0);
  close(f);
  printf("stdout restored\n");

  /* The console: fds 0-2, a terminal with a window size. */
  struct stat st;
  CHECK(isatty(0) && isatty(1) && isatty(2));
  CHECK(fstat(1, &st) == 0 && S_ISCHR(st.st_mode));
  struct winsize ws;
  CHECK(ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col == 80 && ws.ws_row == 24);
  f = open("/tmp/out", O_RDONLY);
  CHECK(!isatty(f) && errno == ENOTTY);
  int avail = -1;
  CHECK(ioctl(f, FIONREAD, &avail) == 0 && avail == 16);
  CHECK_ERRNO(ioctl(f, TIOCGWINSZ, &ws), ENOTTY);
  close(f);
  CHECK(!isatty(55) && errno == EBADF);

  /* Running out of descriptors: EMFILE. */
  int last = -1, n = 0;
  for (;;) {
    int fd = open("/tmp/out", O_RDONLY);
    if (fd < 0) {
      CHECK(errno == EMFILE);
      break;
    }
    last = fd;
    ++n;
  }
  CHECK(n == 1021 && last == 1023); /* CONFIG_VFS_MAX_FDS=1024, 0-2 taken */
  for (int fd = 3; fd <= last; ++fd) close(fd);
  return 0;
}
