/* The 9p share mounted on /mnt: a file from the host, 5000 lines written with stdio and
 * fsynced, and the initrd's binary copied there (the host compares both). */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define LINES 5000

void share_lines(void) {
  char text[128] = {0};
  FILE* from_host = fopen("/mnt/from-host.txt", "r");
  CHECK(from_host && fgets(text, sizeof text, from_host), "reading /mnt/from-host.txt");
  if (from_host) fclose(from_host);
  printf("from the host: %s", text);

  FILE* out = fopen("/mnt/lines.txt", "w");
  CHECK(out != NULL, "fopen /mnt/lines.txt");
  if (!out) return;
  long bytes = 0;
  for (int i = 1; i <= LINES; ++i) {
    int n = fprintf(out, "line %04d of %d: written by the guest through 9p\n", i, LINES);
    CHECK(n > 0, "fprintf line %d", i);
    bytes += n;
  }
  CHECK(fflush(out) == 0, "fflush");
  CHECK(fsync(fileno(out)) == 0, "fsync");
  struct stat st;
  CHECK(fstat(fileno(out), &st) == 0 && st.st_size == bytes, "size on the share");
  CHECK(fclose(out) == 0, "fclose");
  printf("share: %d lines, %ld bytes, fsynced\n", LINES, bytes);

  int fd = open("/mnt/blob-copy.bin", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, blob, sizeof blob) == (ssize_t)sizeof blob, "writing blob-copy.bin");
  CHECK(fdatasync(fd) == 0 && close(fd) == 0, "fdatasync, close");
}
