/* Hard links, symlinks, readlink, lstat, ELOOP. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_test.h"

int test_links(void) {
  CHECK(mkdir("/l", 0755) == 0);
  int fd = open("/l/file", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0 && write(fd, "data", 4) == 4);
  close(fd);
  CHECK(link("/l/file", "/l/hard") == 0);
  struct stat a, b;
  CHECK(stat("/l/file", &a) == 0 && stat("/l/hard", &b) == 0 && a.st_ino == b.st_ino &&
        a.st_nlink == 2);
  CHECK_ERRNO(link("/l/file", "/l/hard"), EEXIST);
  CHECK_ERRNO(link("/l", "/l/dirlink"), EPERM);
  CHECK_ERRNO(link("/l/missing", "/l/x"), ENOENT);
  CHECK_ERRNO(link("/l/file", "/dev/file"), EXDEV);
  CHECK(unlink("/l/file") == 0 && stat("/l/hard", &b) == 0 && b.st_nlink == 1);
  /* An unlinked file stays readable while open. */
  fd = open("/l/hard", O_RDONLY);
  CHECK(unlink("/l/hard") == 0);
  char buf[8] = {0};
  CHECK(read(fd, buf, 8) == 4 && memcmp(buf, "data", 4) == 0);
  CHECK(fstat(fd, &a) == 0 && a.st_nlink == 0);
  close(fd);

  fd = open("/l/target", O_CREAT | O_WRONLY, 0644);
  close(fd);
  CHECK(symlink("target", "/l/sym") == 0);
  CHECK(symlink("/l", "/l/dirsym") == 0);
  CHECK(lstat("/l/sym", &a) == 0 && S_ISLNK(a.st_mode) && a.st_size == 6);
  CHECK(stat("/l/sym", &b) == 0 && S_ISREG(b.st_mode));
  CHECK(stat("/l/dirsym/dirsym/dirsym/target", &b) == 0);
  char target[PATH_MAX];
  ssize_t n = readlink("/l/sym", target, sizeof target);
  CHECK(n == 6 && memcmp(target, "target", 6) == 0);
  CHECK(readlink("/l/sym", target, 3) == 3);
  CHECK_ERRNO(readlink("/l/target", target, sizeof target), EINVAL);
  CHECK_ERRNO(symlink("x", "/l/sym"), EEXIST);
  CHECK_ERRNO(open("/l/sym", O_RDONLY | O_NOFOLLOW), ELOOP);
  CHECK(symlink("loop2", "/l/loop1") == 0 && symlink("loop1", "/l/loop2") == 0);
  CHECK_ERRNO(open("/l/loop1", O_RDONLY), ELOOP);
  CHECK_ERRNO(stat("/l/loop1/x", &a), ELOOP);
  CHECK(unlink("/l/sym") == 0 && stat("/l/target", &a) == 0); /* removes the link only */
  CHECK(symlink("nowhere", "/l/dangling") == 0);
  CHECK_ERRNO(stat("/l/dangling", &a), ENOENT);
  CHECK(lstat("/l/dangling", &a) == 0);
  return 0;
}
