/* Big and sparse files: 64 MiB written and read back, a 1 TiB sparse file. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_test.h"

int test_big(void) {
  enum { kChunk = 1 << 16, kChunks = 1024 }; /* 64 MiB */
  unsigned* chunk = malloc(kChunk);
  int fd = open("/tmp/big", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(fd >= 0 && chunk);
  for (unsigned c = 0; c < kChunks; ++c) {
    for (unsigned i = 0; i < kChunk / 4; ++i) chunk[i] = c * (kChunk / 4) + i;
    if (write(fd, chunk, kChunk) != kChunk) {
      CHECK(!"write");
      break;
    }
  }
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)kChunk * kChunks);
  int bad = 0;
  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  for (unsigned c = 0; c < kChunks && !bad; ++c) {
    if (read(fd, chunk, kChunk) != kChunk) bad = 1;
    for (unsigned i = 0; i < kChunk / 4; ++i)
      if (chunk[i] != c * (kChunk / 4) + i) bad = 1;
  }
  CHECK(!bad);
  close(fd);
  CHECK(unlink("/tmp/big") == 0);
  free(chunk);

  fd = open("/tmp/sparse", O_CREAT | O_RDWR, 0644);
  off_t far = (off_t)1 << 40;
  CHECK(pwrite(fd, "end", 3, far) == 3);
  CHECK(fstat(fd, &st) == 0 && st.st_size == far + 3 && st.st_blocks <= 16);
  char buf[8] = {1, 1, 1};
  CHECK(pread(fd, buf, 3, far / 2) == 3 && buf[0] == 0 && buf[2] == 0);
  CHECK(pread(fd, buf, 8, far) == 3 && memcmp(buf, "end", 3) == 0);
  close(fd);
  unlink("/tmp/sparse");
  printf("big: 64 MiB file and 1 TiB sparse file\n");
  return 0;
}
