/* Files from the initrd and a 9p host share, through the POSIX calls. fs_test.py builds
 * the initrd and the share, boots this image with them and checks the host's side
 * afterwards. Subcommands: initrd, share DIR. Each check that fails prints "FAIL: ..."
 * and the program ends with status 1. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)            \
  do {                              \
    if (!(cond)) {                  \
      printf("FAIL: " __VA_ARGS__); \
      printf("\n");                 \
      ++failures;                   \
    }                               \
  } while (0)

static uint64_t fnv1a(uint64_t h, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

/* The whole file's FNV-1a 64 and size; -1 when it cannot be read. */
static long long hash_file(const char* path, uint64_t* hash) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  static unsigned char buffer[4096];
  uint64_t h = 0xcbf29ce484222325ull;
  long long total = 0;
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) {
    h = fnv1a(h, buffer, (size_t)n);
    total += n;
  }
  close(fd);
  *hash = h;
  return n < 0 ? -1 : total;
}

static int read_text(const char* path, char* out, size_t size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, out, size - 1);
  close(fd);
  if (n < 0) return -1;
  out[n] = '\0';
  return (int)n;
}

static int write_text(const char* path, const char* text, int flags) {
  int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int compare_names(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

/* "name name ..." of a directory, sorted, without . and .. */
static void list(const char* path, const char* label) {
  DIR* dir = opendir(path);
  CHECK(dir, "opendir %s: %s", path, strerror(errno));
  if (!dir) return;
  char* names[64];
  int count = 0;
  struct dirent* entry;
  while ((entry = readdir(dir)) && count < 64)
    if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
      names[count++] = strdup(entry->d_name);
  closedir(dir);
  qsort(names, count, sizeof names[0], compare_names);
  printf("%s:", label);
  for (int i = 0; i < count; ++i) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static int initrd(void) {
  char text[256];
  struct stat st;
  CHECK(read_text("/initrd/hello.txt", text, sizeof text) > 0, "read hello.txt: %s",
        strerror(errno));
  printf("hello: %s", text);
  CHECK(stat("/initrd/hello.txt", &st) == 0, "stat hello.txt");
  printf("hello.txt: mode %o size %ld mtime %lld\n", (unsigned)st.st_mode, (long)st.st_size,
         (long long)st.st_mtime);

  uint64_t hash = 0;
  long long size = hash_file("/initrd/data/blob.bin", &hash);
  printf("blob: %lld bytes fnv1a64 %016llx\n", size, (unsigned long long)hash);

  CHECK(lstat("/initrd/link", &st) == 0 && S_ISLNK(st.st_mode), "lstat link");
  ssize_t n = readlink("/initrd/link", text, sizeof text - 1);
  CHECK(n > 0, "readlink: %s", strerror(errno));
  text[n > 0 ? n : 0] = '\0';
  printf("link -> %s\n", text);
  CHECK(read_text("/initrd/link", text, sizeof text) > 0 && !strncmp(text, "Hello", 5),
        "read through the link");

  CHECK(stat("/initrd/private", &st) == 0 && S_ISDIR(st.st_mode), "stat private");
  printf("private: mode %o\n", (unsigned)st.st_mode);
  CHECK(stat("/initrd/bin/tool", &st) == 0, "stat tool");
  printf("tool: mode %o\n", (unsigned)st.st_mode);
  CHECK(read_text("/initrd/deep/a/b/c/file.txt", text, sizeof text) > 0, "deep file");
  printf("deep: %s", text);
  CHECK(read_text("/initrd/abs.txt", text, sizeof text) > 0, "absolute name");

  struct stat h1, h2;
  CHECK(stat("/initrd/hard1", &h1) == 0 && stat("/initrd/hard2", &h2) == 0, "hard links");
  printf("hard links: same inode %d nlink %u\n", h1.st_ino == h2.st_ino, (unsigned)h1.st_nlink);
  CHECK(read_text("/initrd/hard1", text, sizeof text) > 0 && !strcmp(text, "linked\n"),
        "hard link contents");

  /* Entries that tried to leave the root, or to write through a symlink they planted. */
  CHECK(stat("/escape.txt", &st) != 0 && errno == ENOENT, "../escape.txt landed");
  CHECK(stat("/tmp/through-link", &st) != 0, "wrote through a planted symlink");
  CHECK(stat("/initrd/evil/through-link", &st) != 0, "wrote through a planted symlink");
  CHECK(stat("/initrd/fifo", &st) != 0, "fifo unpacked");
  list("/initrd", "initrd");
  if (failures) return 1;
  printf("initrd ok\n");
  return 0;
}

static const char kLine[] = "the quick brown fox jumps over the lazy dog";

/* Several threads with requests in flight at once: each writes its own file in 4 KiB
 * pieces, reads it back and compares. */
enum { kThreads = 4, kThreadBytes = 256 * 1024 };
static const char* thread_dir;

static void* thread_io(void* arg) {
  const int id = (int)(intptr_t)arg;
  char path[256];
  snprintf(path, sizeof path, "%s/thread-%d.bin", thread_dir, id);
  static unsigned char buffers[kThreads][4096];
  unsigned char* buffer = buffers[id];
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return (void*)1;
  for (int off = 0; off < kThreadBytes; off += 4096) {
    for (int i = 0; i < 4096; ++i) buffer[i] = (unsigned char)(id * 31 + (off + i) * 7);
    if (write(fd, buffer, 4096) != 4096) return (void*)2;
  }
  for (int off = 0; off < kThreadBytes; off += 4096) {
    if (pread(fd, buffer, 4096, off) != 4096) return (void*)3;
    for (int i = 0; i < 4096; ++i)
      if (buffer[i] != (unsigned char)(id * 31 + (off + i) * 7)) return (void*)4;
  }
  close(fd);
  return unlink(path) == 0 ? (void*)0 : (void*)5;
}

static void threads(const char* dir) {
  pthread_t t[kThreads];
  thread_dir = dir;
  for (int i = 0; i < kThreads; ++i)
    CHECK(pthread_create(&t[i], NULL, thread_io, (void*)(intptr_t)i) == 0, "pthread_create");
  int ok = 0;
  for (int i = 0; i < kThreads; ++i) {
    void* result = (void*)1;
    pthread_join(t[i], &result);
    CHECK(result == NULL, "thread %d failed at step %d", i, (int)(intptr_t)result);
    ok += result == NULL;
  }
  printf("threads: %d of %d wrote and read back %d bytes each\n", ok, kThreads, kThreadBytes);
}

static int share(const char* dir) {
  char path[256], other[256], text[256];
  struct stat st;

  /* 5000 lines through stdio, then fsync: the host checks every one. */
  snprintf(path, sizeof path, "%s/lines.txt", dir);
  FILE* f = fopen(path, "w");
  CHECK(f, "fopen %s: %s", path, strerror(errno));
  if (!f) return 1;
  for (int i = 0; i < 5000; ++i) fprintf(f, "line %04d: %s\n", i, kLine);
  CHECK(fflush(f) == 0, "fflush");
  CHECK(fsync(fileno(f)) == 0, "fsync: %s", strerror(errno));
  CHECK(fclose(f) == 0, "fclose");
  CHECK(stat(path, &st) == 0, "stat lines.txt");
  printf("wrote 5000 lines, %ld bytes, fsynced\n", (long)st.st_size);

  /* Files the host made. */
  snprintf(path, sizeof path, "%s/from-host.txt", dir);
  CHECK(read_text(path, text, sizeof text) > 0, "read from-host.txt: %s", strerror(errno));
  printf("from host: %s", text);
  uint64_t hash = 0;
  snprintf(path, sizeof path, "%s/big.bin", dir);
  long long size = hash_file(path, &hash);
  printf("big.bin: %lld bytes fnv1a64 %016llx\n", size, (unsigned long long)hash);

  /* Changes the host must see. */
  snprintf(path, sizeof path, "%s/made-by-guest", dir);
  CHECK(mkdir(path, 0750) == 0, "mkdir: %s", strerror(errno));
  snprintf(path, sizeof path, "%s/made-by-guest/note.txt", dir);
  CHECK(write_text(path, "written in the guest\n", O_TRUNC) == 0, "write note: %s",
        strerror(errno));
  CHECK(chmod(path, 0600) == 0, "chmod: %s", strerror(errno));
  struct timeval times[2] = {{1234567890, 0}, {1234567890, 0}};
  CHECK(utimes(path, times) == 0, "utimes: %s", strerror(errno));
  snprintf(path, sizeof path, "%s/renameme", dir);
  snprintf(other, sizeof other, "%s/renamed", dir);
  CHECK(rename(path, other) == 0, "rename: %s", strerror(errno));
  snprintf(path, sizeof path, "%s/deleteme", dir);
  CHECK(unlink(path) == 0, "unlink: %s", strerror(errno));
  CHECK(unlink(path) != 0 && errno == ENOENT, "unlink twice: errno %d", errno);
  snprintf(path, sizeof path, "%s/emptydir", dir);
  CHECK(rmdir(path) == 0, "rmdir: %s", strerror(errno));
  snprintf(path, sizeof path, "%s/fulldir", dir);
  CHECK(rmdir(path) != 0 && errno == ENOTEMPTY, "rmdir of a full directory: errno %d", errno);
  snprintf(path, sizeof path, "%s/guest-link", dir);
  CHECK(symlink("lines.txt", path) == 0, "symlink: %s", strerror(errno));
  ssize_t n = readlink(path, text, sizeof text - 1);
  CHECK(n == 9, "readlink of the guest's link");
  snprintf(path, sizeof path, "%s/host-link", dir);
  n = readlink(path, text, sizeof text - 1);
  CHECK(n > 0, "readlink of the host's link: %s", strerror(errno));
  text[n > 0 ? n : 0] = '\0';
  printf("host-link -> %s\n", text);
  snprintf(path, sizeof path, "%s/append.txt", dir);
  CHECK(write_text(path, "guest\n", O_APPEND) == 0, "append: %s", strerror(errno));
  snprintf(path, sizeof path, "%s/trunc.txt", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0, "create trunc.txt: %s", strerror(errno));
  CHECK(write(fd, kLine, sizeof kLine - 1) == sizeof kLine - 1, "write trunc.txt");
  CHECK(ftruncate(fd, 9) == 0, "ftruncate: %s", strerror(errno));
  CHECK(fstat(fd, &st) == 0 && st.st_size == 9, "size after ftruncate");
  CHECK(pread(fd, text, 20, 0) == 9, "pread after ftruncate");
  close(fd);
  CHECK(open(path, O_RDWR | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST, "O_EXCL: %d", errno);
  snprintf(path, sizeof path, "%s/no-such-file", dir);
  CHECK(open(path, O_RDONLY) < 0 && errno == ENOENT, "open of a missing file: errno %d", errno);
  threads(dir);
  list(dir, "share");
  if (failures) return 1;
  printf("share ok\n");
  /* Written through stdio and never closed or synced: exit() flushes it and the clean
   * exit unmounts, so the host must find every line. */
  snprintf(path, sizeof path, "%s/unsynced.txt", dir);
  FILE* unsynced = fopen(path, "w");
  CHECK(unsynced, "fopen unsynced.txt");
  if (!unsynced) return 1;
  for (int i = 0; i < 5000; ++i) fprintf(unsynced, "line %04d: %s\n", i, kLine);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 2 && !strcmp(argv[1], "initrd")) return initrd();
  if (argc >= 3 && !strcmp(argv[1], "share")) return share(argv[2]);
  printf("usage: fs initrd | share DIR\n");
  return 2;
}
