/* Entropy as a program sees it: /dev/urandom, /dev/random, getentropy and getrandom.
 *   accept-entropy        every source works and its bytes are not constant; prints
 *                         samples that accept_entropy.py compares across boots
 *   accept-entropy none   no source at all (no device, a CPU without RDRAND): EIO
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)              \
  do {                                \
    if (!(cond)) {                    \
      printf("FAIL: " __VA_ARGS__);   \
      printf(" (errno %d)\n", errno); \
      ++failures;                     \
    }                                 \
  } while (0)

static int distinct_values(const unsigned char* data, size_t length) {
  int seen[256] = {0}, distinct = 0;
  for (size_t i = 0; i < length; ++i) distinct += !seen[data[i]]++;
  return distinct;
}

static void print_sample(const char* source, const unsigned char* data) {
  printf("sample %s ", source);
  for (int i = 0; i < 16; ++i) printf("%02x", data[i]);
  printf("\n");
}

/* Reads `length` bytes of a device twice: both full, not constant, not equal. */
static void check_device(const char* path, size_t length) {
  static unsigned char a[8192], b[8192];
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0, "open %s", path);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "%s is not a character device", path);
  memset(a, 0, length);
  memset(b, 0, length);
  CHECK(read(fd, a, length) == (ssize_t)length, "read %zu bytes of %s", length, path);
  CHECK(read(fd, b, length) == (ssize_t)length, "second read of %s", path);
  int distinct = distinct_values(a, length);
  int differ = memcmp(a, b, length) != 0;
  printf("%s: %zu bytes, %d distinct values, second read %s\n", path, length, distinct,
         differ ? "different" : "SAME");
  CHECK(distinct >= (length >= 4096 ? 200 : 20) && differ, "%s looks constant", path);
  print_sample(path, a);
  close(fd);
}

static int random_sources(void) {
  check_device("/dev/urandom", 4096);
  check_device("/dev/random", 64);

  unsigned char a[256], b[256];
  CHECK(getentropy(a, sizeof a) == 0 && getentropy(b, sizeof b) == 0, "getentropy");
  int distinct = distinct_values(a, sizeof a);
  printf("getentropy: 256 bytes, %d distinct values, second call %s\n", distinct,
         memcmp(a, b, sizeof a) ? "different" : "SAME");
  CHECK(distinct >= 100 && memcmp(a, b, sizeof a) != 0, "getentropy looks constant");
  print_sample("getentropy", a);

  static unsigned char big[65536];
  ssize_t got = getrandom(big, sizeof big, GRND_NONBLOCK);
  printf("getrandom: %zd bytes, %d distinct values\n", got, distinct_values(big, sizeof big));
  CHECK(got == (ssize_t)sizeof big && distinct_values(big, sizeof big) == 256, "getrandom");
  return failures;
}

static int no_source(void) {
  unsigned char buffer[16];
  int fd = open("/dev/urandom", O_RDONLY);
  CHECK(fd >= 0, "open /dev/urandom");
  errno = 0;
  ssize_t got = read(fd, buffer, sizeof buffer);
  int read_errno = errno;
  errno = 0;
  int entropy = getentropy(buffer, sizeof buffer);
  printf("no source: read /dev/urandom %zd %s, getentropy %d %s\n", got,
         read_errno == EIO ? "EIO" : "?", entropy, errno == EIO ? "EIO" : "?");
  CHECK(got == -1 && read_errno == EIO && entropy == -1 && errno == EIO, "no source");
  close(fd);
  return failures;
}

int main(int argc, char** argv) {
  int bad = argc > 1 && strcmp(argv[1], "none") == 0 ? no_source() : random_sources();
  printf(bad ? "entropy FAILED\n" : "entropy ok\n");
  return bad ? 1 : 0;
}
