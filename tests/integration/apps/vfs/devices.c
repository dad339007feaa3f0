/* /dev/null, zero, full, urandom, random, console, tty. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_test.h"

int test_devices(void) {
  char buf[512];
  int fd = open("/dev/null", O_RDWR);
  CHECK(fd >= 0 && write(fd, "gone", 4) == 4 && read(fd, buf, sizeof buf) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
  CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == ((1 << 8) | 3));
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  memset(buf, 1, sizeof buf);
  CHECK(fd >= 0 && read(fd, buf, sizeof buf) == (ssize_t)sizeof buf && buf[0] == 0 &&
        buf[511] == 0);
  close(fd);
  fd = open("/dev/full", O_WRONLY);
  CHECK_ERRNO(write(fd, "x", 1), ENOSPC);
  close(fd);
  unsigned char r1[64], r2[64];
  fd = open("/dev/urandom", O_RDONLY);
  CHECK(fd >= 0 && read(fd, r1, 64) == 64 && read(fd, r2, 64) == 64 && memcmp(r1, r2, 64) != 0);
  close(fd);
  fd = open("/dev/random", O_RDONLY);
  CHECK(fd >= 0 && read(fd, r1, 16) == 16);
  close(fd);
  fd = open("/dev/tty", O_WRONLY);
  CHECK(fd >= 0 && isatty(fd) && write(fd, "tty line\n", 9) == 9);
  close(fd);
  fd = open("/dev/console", O_WRONLY);
  CHECK(fd >= 0 && write(fd, "console line\n", 13) == 13);
  close(fd);
  /* devfs is read-only as a directory; the devices listed. */
  CHECK_ERRNO(open("/dev/newfile", O_CREAT | O_WRONLY, 0644), EROFS);
  CHECK_ERRNO(unlink("/dev/null"), EROFS);
  CHECK_ERRNO(open("/dev/nosuch", O_RDONLY), ENOENT);
  int found = 0;
  DIR* d = opendir("/dev");
  struct dirent* e;
  while (d && (e = readdir(d)) != NULL)
    if (!strcmp(e->d_name, "null") || !strcmp(e->d_name, "urandom")) found += e->d_type == DT_CHR;
  closedir(d);
  CHECK(found == 2);
  /* Shell-style: stdout to /dev/null and back. */
  fflush(stdout);
  int saved = dup(1);
  fd = open("/dev/null", O_WRONLY);
  dup2(fd, 1);
  printf("this line goes nowhere\n");
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  close(fd);
  return 0;
}
