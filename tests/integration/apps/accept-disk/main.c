/* /dev/vda through plain POSIX calls, as an unmodified program would use a disk.
 *   accept-disk          write 2 MiB, an unaligned 10-byte write and more; sync; read back
 *   accept-disk readonly the disk is read-only: reads work, writing is refused
 * accept_disk.py fills the disk image and checks it byte for byte after the VM ended;
 * it computes the same data with the same generator (xorshift64*, below). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static int failures;

#define CHECK(cond, ...)              \
  do {                                \
    if (!(cond)) {                    \
      printf("FAIL: " __VA_ARGS__);   \
      printf(" (errno %d)\n", errno); \
      ++failures;                     \
    }                                 \
  } while (0)

static void generate(unsigned char* out, size_t length, uint64_t seed) {
  uint64_t x = seed;
  for (size_t i = 0; i < length; i += 8) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    uint64_t word = x * 2685821657736338717ull;
    for (size_t k = 0; k < 8 && i + k < length; ++k) out[i + k] = (unsigned char)(word >> (8 * k));
  }
}

static uint64_t fnv1a64(const unsigned char* data, size_t length) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < length; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

/* Whole-buffer read()s of `length` bytes in pieces of `piece`. */
static int read_fully(int fd, unsigned char* out, size_t length, size_t piece) {
  for (size_t done = 0; done < length;) {
    size_t n = length - done < piece ? length - done : piece;
    ssize_t got = read(fd, out + done, n);
    if (got <= 0) return -1;
    done += (size_t)got;
  }
  return 0;
}

static off_t describe(int fd, const char* path) {
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode), "fstat %s: not a block device", path);
  uint64_t bytes = 0;
  int sector = 0;
  CHECK(ioctl(fd, BLKGETSIZE64, &bytes) == 0, "BLKGETSIZE64");
  CHECK(ioctl(fd, BLKSSZGET, &sector) == 0, "BLKSSZGET");
  off_t end = lseek(fd, 0, SEEK_END);
  CHECK((uint64_t)end == bytes && (uint64_t)st.st_size == bytes,
        "sizes differ: lseek %lld, st_size %lld, BLKGETSIZE64 %llu", (long long)end,
        (long long)st.st_size, (unsigned long long)bytes);
  printf("%s: block device, %llu bytes, sector %d, st_blksize %ld\n", path,
         (unsigned long long)bytes, sector, (long)st.st_blksize);
  CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek to 0");
  return end;
}

/* The second disk is /dev/vdb, a node of its own; a few bytes inside one sector. */
static void second_disk(void) {
  struct stat a, b;
  CHECK(stat("/dev/vda", &a) == 0 && stat("/dev/vdb", &b) == 0 && S_ISBLK(b.st_mode) &&
            a.st_rdev != b.st_rdev,
        "/dev/vdb is not a block device of its own");
  int fd = open("/dev/vdb", O_WRONLY);
  CHECK(fd >= 0 && pwrite(fd, "this is vdb", 11, 700) == 11, "pwrite to /dev/vdb");
  CHECK(fsync(fd) == 0 && close(fd) == 0, "fsync, close /dev/vdb");
  printf("/dev/vdb: written\n");
}

static int read_write(void) {
  static unsigned char data[2 * MIB], back[2 * MIB], odd[100000], head[65536];
  int fd = open("/dev/vda", O_RDWR);
  if (fd < 0) {
    printf("FAIL: open /dev/vda: %s\n", strerror(errno));
    return 1;
  }
  off_t size = describe(fd, "/dev/vda");

  /* What the host put there. */
  CHECK(read_fully(fd, head, sizeof head, 4096) == 0, "reading the first 64 KiB");
  printf("host data: first 64 KiB fnv1a64 %016llx\n",
         (unsigned long long)fnv1a64(head, sizeof head));

  /* 2 MiB in one write() at 1 MiB, then the unaligned 10 bytes through lseek + write,
   * and 100000 bytes through pwrite starting and ending inside sectors. */
  generate(data, sizeof data, 1);
  generate(odd, sizeof odd, 2);
  CHECK(lseek(fd, 1 * MIB, SEEK_SET) == 1 * MIB, "lseek to 1 MiB");
  CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data, "write 2 MiB");
  CHECK(lseek(fd, 0, SEEK_CUR) == 3 * MIB, "offset after writing 2 MiB");
  CHECK(lseek(fd, 3 * MIB + 1019, SEEK_SET) == 3 * MIB + 1019, "lseek to 3 MiB + 1019");
  CHECK(write(fd, "CAIRN-10B!", 10) == 10, "unaligned 10-byte write");
  CHECK(pwrite(fd, odd, sizeof odd, 5 * MIB + 333) == (ssize_t)sizeof odd, "pwrite 100000");
  /* At the end of the disk: a write is cut short there and fails beyond it. */
  CHECK(pwrite(fd, "TAIL-AND-MORE", 13, size - 4) == 4, "pwrite across the end");
  errno = 0;
  CHECK(pwrite(fd, "X", 1, size) == -1 && errno == ENOSPC, "pwrite at the end: ENOSPC");
  CHECK(fsync(fd) == 0, "fsync");
  CHECK(fdatasync(fd) == 0, "fdatasync");
  CHECK(close(fd) == 0, "close");
  sync();
  printf("wrote 2 MiB and 10 bytes, synced\n");

  /* Read back through a new descriptor, read-only. */
  fd = open("/dev/vda", O_RDONLY);
  CHECK(fd >= 0, "reopen read-only");
  CHECK(lseek(fd, 1 * MIB, SEEK_SET) == 1 * MIB, "lseek for reading");
  CHECK(read_fully(fd, back, sizeof back, 3000) == 0 && memcmp(back, data, sizeof data) == 0,
        "2 MiB read back differ");
  char ten[11] = {0};
  CHECK(pread(fd, ten, 10, 3 * MIB + 1019) == 10 && memcmp(ten, "CAIRN-10B!", 10) == 0,
        "10 bytes read back: '%s'", ten);
  CHECK(pread(fd, back, sizeof odd, 5 * MIB + 333) == (ssize_t)sizeof odd &&
            memcmp(back, odd, sizeof odd) == 0,
        "100000 bytes read back differ");
  CHECK(pread(fd, ten, 10, size - 4) == 4 && memcmp(ten, "TAIL", 4) == 0, "short read at the end");
  CHECK(pread(fd, ten, 10, size) == 0, "read at the end is end of file");
  errno = 0;
  CHECK(write(fd, "x", 1) == -1 && errno == EBADF, "write to an O_RDONLY descriptor: EBADF");
  errno = 0;
  CHECK(lseek(fd, size + 1, SEEK_SET) == -1 && errno == EINVAL, "lseek beyond the end: EINVAL");
  CHECK(close(fd) == 0, "close");
  printf("read back ok\n");
  second_disk();
  return failures ? 1 : 0;
}

static int read_only(void) {
  static unsigned char head[65536];
  errno = 0;
  CHECK(open("/dev/vda", O_RDWR) == -1 && errno == EROFS, "open O_RDWR: EROFS");
  errno = 0;
  CHECK(open("/dev/vda", O_WRONLY) == -1 && errno == EROFS, "open O_WRONLY: EROFS");
  int fd = open("/dev/vda", O_RDONLY);
  if (fd < 0) {
    printf("FAIL: open /dev/vda read-only: %s\n", strerror(errno));
    return 1;
  }
  describe(fd, "/dev/vda");
  int ro = 0;
  CHECK(ioctl(fd, BLKROGET, &ro) == 0 && ro == 1, "BLKROGET says %d", ro);
  CHECK(read_fully(fd, head, sizeof head, 4096) == 0, "reading the first 64 KiB");
  printf("host data: first 64 KiB fnv1a64 %016llx\n",
         (unsigned long long)fnv1a64(head, sizeof head));
  errno = 0;
  CHECK(pwrite(fd, "x", 1, 0) == -1 && errno == EBADF, "pwrite: EBADF");
  CHECK(fsync(fd) == 0, "fsync of a read-only disk");
  CHECK(close(fd) == 0, "close");
  printf("read-only disk: reads ok, writes refused\n");
  return failures ? 1 : 0;
}

int main(int argc, char** argv) {
  int status = argc > 1 && strcmp(argv[1], "readonly") == 0 ? read_only() : read_write();
  printf(status ? "disk FAILED\n" : "disk ok\n");
  return status;
}
