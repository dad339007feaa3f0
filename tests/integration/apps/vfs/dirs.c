/* mkdir/rmdir/rename/opendir/getcwd and their errno cases. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_test.h"

static int count_entries(const char* path, int* saw_dots) {
  DIR* d = opendir(path);
  if (!d) return -1;
  int n = 0, dots = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
      ++dots;
      if (e->d_type != DT_DIR) return -2;
      continue;
    }
    ++n;
  }
  closedir(d);
  if (saw_dots) *saw_dots = dots;
  return n;
}

int test_dirs(void) {
  CHECK(mkdir("/d", 0755) == 0);
  CHECK_ERRNO(mkdir("/d", 0755), EEXIST);
  CHECK_ERRNO(mkdir("/nope/x", 0755), ENOENT);
  CHECK_ERRNO(mkdir("/", 0755), EEXIST);
  CHECK(mkdir("/d/sub", 0700) == 0);
  struct stat st;
  CHECK(stat("/d", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 3);

  /* 100 files, listed with readdir across several refills. */
  char name[64];
  for (int i = 0; i < 100; ++i) {
    snprintf(name, sizeof name, "/d/f%03d", i);
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);
    close(fd);
  }
  int dots = 0;
  CHECK(count_entries("/d", &dots) == 101 && dots == 2);
  DIR* d = opendir("/d");
  CHECK(d != NULL);
  struct dirent* first = readdir(d);
  char first_name[256];
  strcpy(first_name, first->d_name);
  long where = telldir(d);
  struct dirent* second = readdir(d);
  char second_name[256];
  strcpy(second_name, second->d_name);
  while (readdir(d)) {
  }
  seekdir(d, where);
  CHECK(strcmp(readdir(d)->d_name, second_name) == 0);
  rewinddir(d);
  CHECK(strcmp(readdir(d)->d_name, first_name) == 0);
  CHECK(dirfd(d) >= 0);
  closedir(d);
  CHECK(opendir("/d/f000") == NULL && errno == ENOTDIR);
  CHECK(opendir("/missing") == NULL && errno == ENOENT);

  /* rmdir rules. */
  CHECK_ERRNO(rmdir("/d"), ENOTEMPTY);
  CHECK_ERRNO(rmdir("/d/f000"), ENOTDIR);
  CHECK_ERRNO(rmdir("/d/sub/."), EINVAL);
  CHECK_ERRNO(unlink("/d/sub"), EISDIR);
  CHECK_ERRNO(rmdir("/d/missing"), ENOENT);

  /* rename: files, replacing, directories. */
  CHECK(rename("/d/f000", "/d/renamed") == 0);
  CHECK_ERRNO(stat("/d/f000", &st), ENOENT);
  CHECK(rename("/d/renamed", "/d/f001") == 0); /* replaces */
  CHECK(count_entries("/d", NULL) == 100);
  CHECK_ERRNO(rename("/d/f002", "/d/sub"), EISDIR);
  CHECK_ERRNO(rename("/d/sub", "/d/f002"), ENOTDIR);
  CHECK_ERRNO(rename("/d", "/d/sub/inside"), EINVAL);
  CHECK_ERRNO(rename("/d/missing", "/d/x"), ENOENT);
  CHECK(mkdir("/d/empty", 0755) == 0);
  CHECK(rename("/d/sub", "/d/empty") == 0); /* an empty directory is replaced */
  CHECK(mkdir("/d/sub", 0755) == 0 && mkdir("/d/sub/full", 0755) == 0);
  CHECK_ERRNO(rename("/d/empty", "/d/sub"), ENOTEMPTY);
  CHECK(rename("/d/empty", "/moved") == 0 && stat("/moved", &st) == 0 && S_ISDIR(st.st_mode));
  CHECK_ERRNO(rename("/moved", "/dev/moved"), EXDEV);

  /* getcwd / chdir / fchdir. */
  char cwd[256];
  CHECK(chdir("/d/sub/full") == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/d/sub/full") == 0);
  CHECK(chdir("..") == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/d/sub") == 0);
  CHECK(getcwd(cwd, 3) == NULL && errno == ERANGE);
  int fd = open("/d", O_RDONLY | O_DIRECTORY);
  CHECK(fchdir(fd) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/d") == 0);
  close(fd);
  CHECK_ERRNO(chdir("/d/f001"), ENOTDIR);
  CHECK_ERRNO(chdir("/none"), ENOENT);
  char* dynamic = getcwd(NULL, 0);
  CHECK(dynamic && strcmp(dynamic, "/d") == 0);
  free(dynamic);
  CHECK(chdir("/") == 0);
  /* unlinkat with AT_REMOVEDIR, mkdirat. */
  CHECK(mkdirat(AT_FDCWD, "tmp/x", 0755) == 0 && unlinkat(AT_FDCWD, "tmp/x", AT_REMOVEDIR) == 0);
  return 0;
}
