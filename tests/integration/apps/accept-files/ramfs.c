/* The ramfs root through the usual calls, and the errno of each way they can fail. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void errno_cases(void) {
  CHECK(mkdir("/work", 0755) == 0, "mkdir /work");
  CHECK_ERRNO(mkdir("/work", 0755), EEXIST);
  CHECK_ERRNO(open("/work/missing.txt", O_RDONLY), ENOENT);
  CHECK_ERRNO(stat("/nowhere/file", &(struct stat){0}), ENOENT);
  CHECK_ERRNO(unlink("/work/missing.txt"), ENOENT);

  int fd = open("/work/file.txt", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0, "create /work/file.txt");
  CHECK(write(fd, "hello ramfs\n", 12) == 12, "write file.txt");
  CHECK(close(fd) == 0, "close file.txt");
  CHECK_ERRNO(open("/work/file.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
  CHECK_ERRNO(open("/work/file.txt/inside", O_RDONLY), ENOTDIR);
  CHECK_ERRNO(mkdir("/work/file.txt/sub", 0755), ENOTDIR);
  CHECK_ERRNO(opendir("/work/file.txt") ? 0 : -1, ENOTDIR);
  CHECK_ERRNO(rmdir("/work/file.txt"), ENOTDIR);

  CHECK_ERRNO(open("/work", O_WRONLY), EISDIR);
  CHECK_ERRNO(open("/work", O_RDWR), EISDIR);
  CHECK_ERRNO(unlink("/work"), EISDIR);
  CHECK_ERRNO(rmdir("/work"), ENOTEMPTY);

  CHECK_ERRNO(read(4000, (char[4]){0}, 4), EBADF);
  CHECK_ERRNO(write(-1, "x", 1), EBADF);
  CHECK_ERRNO(close(4000), EBADF);
  CHECK_ERRNO(fstat(4000, &(struct stat){0}), EBADF);
  CHECK_ERRNO(dup(4000), EBADF);
  fd = open("/work/file.txt", O_RDONLY);
  CHECK_ERRNO(write(fd, "x", 1), EBADF);
  CHECK_ERRNO(ftruncate(fd, 0), EINVAL); /* not open for writing: Linux says EINVAL */
  CHECK_ERRNO(lseek(fd, 0, 42), EINVAL);
  CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
  CHECK(close(fd) == 0, "close");
  CHECK_ERRNO(close(fd), EBADF);
  CHECK_ERRNO(rmdir("/work/."), EINVAL);
  CHECK_ERRNO(rename("/work", "/work/inside"), EINVAL);
  CHECK_ERRNO(fcntl(0, 9999), EINVAL);
  printf("ramfs: errno cases done\n");
}

static void working_calls(void) {
  CHECK(mkdir("/work/dir", 0700) == 0, "mkdir /work/dir");
  int fd = open("/work/dir/data.bin", O_CREAT | O_RDWR | O_TRUNC, 0600);
  CHECK(fd >= 0, "create data.bin");
  /* A sparse file: 1 MiB hole, then data; the hole reads as zeros. */
  CHECK(pwrite(fd, "end", 3, 1 << 20) == 3, "pwrite after a hole");
  char buffer[16];
  CHECK(pread(fd, buffer, 4, 4096) == 4 && memcmp(buffer, "\0\0\0\0", 4) == 0, "hole reads zeros");
  CHECK(ftruncate(fd, 10) == 0, "ftruncate");
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 10, "size after ftruncate");
  CHECK(close(fd) == 0, "close data.bin");

  fd = open("/work/dir/log.txt", O_CREAT | O_WRONLY | O_APPEND, 0644);
  CHECK(write(fd, "one\n", 4) == 4 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "two\n", 4) == 4,
        "O_APPEND writes");
  close(fd);
  fd = open("/work/dir/log.txt", O_RDONLY);
  memset(buffer, 0, sizeof buffer);
  CHECK(read(fd, buffer, sizeof buffer) == 8 && strcmp(buffer, "one\ntwo\n") == 0, "appended");
  close(fd);

  CHECK(rename("/work/dir/log.txt", "/work/log.txt") == 0, "rename across directories");
  CHECK(symlink("log.txt", "/work/log-link") == 0, "symlink");
  CHECK(lstat("/work/log-link", &st) == 0 && S_ISLNK(st.st_mode), "lstat the symlink");
  CHECK(link("/work/log.txt", "/work/log-hard") == 0, "link");
  CHECK(stat("/work/log.txt", &st) == 0 && st.st_nlink == 2, "nlink 2");
  CHECK(chdir("/work/dir") == 0, "chdir");
  char cwd[64];
  CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/work/dir") == 0, "getcwd");
  CHECK(access("data.bin", R_OK | W_OK) == 0, "access relative to the cwd");
  CHECK(unlink("data.bin") == 0 && chdir("/") == 0 && rmdir("/work/dir") == 0, "unlink, rmdir");
  DIR* dir = opendir("/work");
  int entries = 0;
  struct dirent* entry;
  while (dir && (entry = readdir(dir)) != NULL) entries += entry->d_name[0] != '.';
  if (dir) closedir(dir);
  printf("ramfs: /work holds %d entries after the calls\n", entries);
}

void ramfs_calls(void) {
  errno_cases();
  working_calls();
}
