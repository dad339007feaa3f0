/* Pipes (within one thread and between two), dup/dup2 with a shared offset, stdout
 * redirected into a file and into /dev/null and back. */
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "check.h"

#define PIPED (1024 * 1024)

static void* pipe_writer(void* argument) {
  int fd = *(int*)argument;
  static unsigned char chunk[3000];
  for (size_t sent = 0; sent < PIPED;) {
    size_t n = PIPED - sent < sizeof chunk ? PIPED - sent : sizeof chunk;
    for (size_t i = 0; i < n; ++i) chunk[i] = (unsigned char)((sent + i) * 7);
    ssize_t wrote = write(fd, chunk, n);
    if (wrote <= 0) break;
    sent += (size_t)wrote;
  }
  close(fd);
  return NULL;
}

static void pipes(void) {
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe");
  char buffer[64] = {0};
  CHECK(write(fds[1], "through the pipe", 16) == 16, "write into the pipe");
  CHECK(read(fds[0], buffer, sizeof buffer) == 16 && strcmp(buffer, "through the pipe") == 0,
        "read from the pipe");
  CHECK_ERRNO(lseek(fds[0], 0, SEEK_SET), ESPIPE);
  CHECK_ERRNO(write(fds[0], "x", 1), EBADF);

  /* 1 MiB from another thread: more than the pipe holds, so both sides block in turn. */
  pthread_t writer;
  CHECK(pthread_create(&writer, NULL, pipe_writer, &fds[1]) == 0, "pthread_create");
  static unsigned char received[4096];
  size_t total = 0;
  int intact = 1;
  ssize_t got;
  while ((got = read(fds[0], received, sizeof received)) > 0) {
    for (ssize_t i = 0; i < got; ++i) intact &= received[i] == (unsigned char)((total + i) * 7);
    total += (size_t)got;
  }
  pthread_join(writer, NULL);
  printf("pipe: %zu bytes between threads, %s, then end of file\n", total,
         intact ? "intact" : "CORRUPT");
  CHECK(total == PIPED && intact && got == 0, "pipe transfer");
  CHECK(close(fds[0]) == 0, "close the read end");

  CHECK(pipe(fds) == 0 && close(fds[0]) == 0, "a pipe without reader");
  CHECK_ERRNO(write(fds[1], "x", 1), EPIPE);
  close(fds[1]);
}

static void dups(void) {
  int fd = open("/tmp/dup.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  int copy = dup(fd);
  CHECK(copy > fd, "dup gives a new descriptor");
  CHECK(write(fd, "12345", 5) == 5 && lseek(copy, 0, SEEK_CUR) == 5, "dup shares the offset");
  CHECK(dup2(fd, 40) == 40 && write(40, "678", 3) == 3, "dup2 to 40");
  CHECK(close(fd) == 0 && close(40) == 0, "close the originals");
  char buffer[16] = {0};
  CHECK(pread(copy, buffer, sizeof buffer, 0) == 8 && strcmp(buffer, "12345678") == 0,
        "the copy still works: '%s'", buffer);
  close(copy);

  /* stdout into a file, then back. */
  fflush(stdout);
  int saved = dup(1);
  fd = open("/tmp/stdout.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(dup2(fd, 1) == 1, "dup2 onto stdout");
  printf("this line went into a file\n");
  fflush(stdout);
  CHECK(dup2(saved, 1) == 1, "stdout restored");
  close(fd);
  FILE* f = fopen("/tmp/stdout.txt", "r");
  char line[64] = {0};
  CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "this line went into a file\n") == 0,
        "stdout's file: '%s'", line);
  if (f) fclose(f);

  /* /dev/null swallows writes and reads as empty; stdout pointed at it prints nothing. */
  int null = open("/dev/null", O_RDWR);
  CHECK(null >= 0 && write(null, line, sizeof line) == (ssize_t)sizeof line, "write /dev/null");
  CHECK(read(null, line, sizeof line) == 0, "read /dev/null");
  fflush(stdout);
  CHECK(dup2(null, 1) == 1, "stdout to /dev/null");
  printf("SWALLOWED by /dev/null\n");
  fflush(stdout);
  CHECK(dup2(saved, 1) == 1, "stdout restored");
  close(null);
  close(saved);
  printf("dup: shared offsets, stdout into a file and /dev/null and back\n");
}

void pipes_dup_null(void) {
  pipes();
  dups();
}
