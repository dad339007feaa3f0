/* open/read/write/lseek/pread/pwrite/truncate/stat and their errno cases. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vfs_test.h"

int test_files(void) {
  CHECK(mkdir("/work", 0755) == 0);
  CHECK(chdir("/work") == 0);
  int fd = open("a.txt", O_RDWR | O_CREAT | O_EXCL, 0640);
  CHECK(fd >= 3);
  CHECK(write(fd, "hello world", 11) == 11);
  CHECK(lseek(fd, 0, SEEK_CUR) == 11);
  CHECK(lseek(fd, 6, SEEK_SET) == 6);
  char buf[64] = {0};
  CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "world", 5) == 0);
  CHECK(read(fd, buf, sizeof buf) == 0);
  CHECK(pwrite(fd, "W", 1, 6) == 1);
  CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
  CHECK(lseek(fd, 0, SEEK_END) == 11);
  CHECK_ERRNO(lseek(fd, -20, SEEK_CUR), EINVAL);
  CHECK_ERRNO(lseek(fd, 0, 42), EINVAL);
  CHECK_ERRNO(pread(fd, buf, 1, -1), EINVAL);

  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0640 &&
        st.st_size == 11 && st.st_nlink == 1);
  /* umask applies at creation. */
  mode_t old = umask(077);
  int fd2 = open("masked", O_WRONLY | O_CREAT, 0666);
  CHECK(fd2 >= 0 && fstat(fd2, &st) == 0 && (st.st_mode & 0777) == 0600);
  umask(old);
  CHECK(close(fd2) == 0);
  CHECK_ERRNO(close(fd2), EBADF);

  /* Holes read as zeros; ftruncate shrinks and grows. */
  CHECK(pwrite(fd, "x", 1, 100000) == 1);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 100001);
  CHECK(pread(fd, buf, 10, 50000) == 10 && buf[0] == 0 && buf[9] == 0);
  CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
  CHECK(ftruncate(fd, 20) == 0 && pread(fd, buf, 20, 0) == 20 && buf[5] == 0 && buf[19] == 0);
  CHECK(truncate("a.txt", 3) == 0 && stat("a.txt", &st) == 0 && st.st_size == 3);
  CHECK_ERRNO(ftruncate(fd, -1), EINVAL);
  CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);
  CHECK(close(fd) == 0);

  /* O_APPEND, O_TRUNC, access modes. */
  fd = open("a.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "++", 2) == 2);
  CHECK(stat("a.txt", &st) == 0 && st.st_size == 5);
  CHECK_ERRNO(read(fd, buf, 1), EBADF);
  CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0);
  close(fd);
  fd = open("a.txt", O_RDONLY);
  CHECK_ERRNO(write(fd, "x", 1), EBADF);
  CHECK_ERRNO(ftruncate(fd, 0), EINVAL);
  close(fd);
  fd = open("a.txt", O_RDWR | O_TRUNC);
  CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
  close(fd);

  /* readv/writev. */
  fd = open("v", O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct iovec out[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
  CHECK(writev(fd, out, 3) == 6);
  char p1[3] = {0}, p2[4] = {0};
  struct iovec in[2] = {{p1, 2}, {p2, 3}};
  CHECK(lseek(fd, 0, SEEK_SET) == 0 && readv(fd, in, 2) == 5 && memcmp(p1, "ab", 2) == 0 &&
        memcmp(p2, "cde", 3) == 0);
  CHECK_ERRNO(readv(fd, in, -1), EINVAL);
  close(fd);

  /* errno cases of open. */
  CHECK_ERRNO(open("missing", O_RDONLY), ENOENT);
  CHECK_ERRNO(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
  CHECK_ERRNO(open("a.txt/x", O_RDONLY), ENOTDIR);
  CHECK_ERRNO(open("a.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
  CHECK_ERRNO(open("/work", O_WRONLY), EISDIR);
  CHECK_ERRNO(open("nodir/x", O_CREAT | O_WRONLY, 0644), ENOENT);
  CHECK_ERRNO(open("", O_RDONLY), ENOENT);
  char longname[300];
  memset(longname, 'n', 299);
  longname[299] = 0;
  CHECK_ERRNO(open(longname, O_RDONLY), ENAMETOOLONG);
  CHECK_ERRNO(read(99, buf, 1), EBADF);
  CHECK_ERRNO(read(-1, buf, 1), EBADF);
  CHECK(creat("c", 0600) >= 0);

  /* access, chmod, utimes/utimensat. */
  CHECK(access("a.txt", R_OK | W_OK) == 0);
  CHECK_ERRNO(access("a.txt", X_OK), EACCES);
  CHECK_ERRNO(access("nope", F_OK), ENOENT);
  CHECK(chmod("a.txt", 0755) == 0 && access("a.txt", X_OK) == 0);
  CHECK(stat("a.txt", &st) == 0 && (st.st_mode & 07777) == 0755);
  struct timeval tv[2] = {{1000000000, 0}, {1234567890, 500000}};
  CHECK(utimes("a.txt", tv) == 0);
  CHECK(stat("a.txt", &st) == 0 && st.st_mtime == 1234567890 && st.st_atime == 1000000000 &&
        st.st_mtim.tv_nsec == 500000000);
  struct timespec ts[2] = {{0, UTIME_OMIT}, {42, 0}};
  CHECK(utimensat(AT_FDCWD, "a.txt", ts, 0) == 0);
  CHECK(stat("a.txt", &st) == 0 && st.st_mtime == 42 && st.st_atime == 1000000000);
  CHECK(utimensat(AT_FDCWD, "a.txt", NULL, 0) == 0);
  CHECK(stat("a.txt", &st) == 0 && st.st_mtime > 1600000000); /* now: the wall clock */

  /* openat/fstatat relative to a directory fd. */
  int dfd = open("/work", O_RDONLY | O_DIRECTORY);
  CHECK(dfd >= 0);
  fd = openat(dfd, "at.txt", O_WRONLY | O_CREAT, 0644);
  CHECK(fd >= 0 && close(fd) == 0);
  CHECK(fstatat(dfd, "at.txt", &st, 0) == 0 && S_ISREG(st.st_mode));
  CHECK(faccessat(dfd, "at.txt", F_OK, 0) == 0);
  CHECK(unlinkat(dfd, "at.txt", 0) == 0);
  CHECK_ERRNO(openat(fd, "x", O_RDONLY), EBADF);
  close(dfd);
  return 0;
}
