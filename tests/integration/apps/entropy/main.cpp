// Boot-test program for getentropy(3) and getrandom(2) (<sys/random.h>).
//   entropy random   both calls work and look random; their error cases
//   entropy none     no source at all (no virtio-rng, a CPU without RDRAND/RDSEED): EIO
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <cairn/virtio/rng.h>

namespace {

int distinct_values(const unsigned char* data, size_t length) {
  bool seen[256] = {};
  int distinct = 0;
  for (size_t i = 0; i < length; ++i) {
    if (!seen[data[i]]) ++distinct;
    seen[data[i]] = true;
  }
  return distinct;
}

const char* errno_name(int e) {
  return e == EIO ? "EIO" : e == EINVAL ? "EINVAL" : e == EFAULT ? "EFAULT" : "other";
}

int test_random() {
  std::printf("entropy: virtio-rng %s\n", cairn::virtio::rng_available() ? "present" : "absent");
  int failures = 0;
  static unsigned char big[8192];
  const ssize_t got = getrandom(big, sizeof big, 0);
  const int distinct = distinct_values(big, sizeof big);
  std::printf("entropy: getrandom %zd bytes, %d distinct values\n", got, distinct);
  if (got != static_cast<ssize_t>(sizeof big) || distinct < 200) ++failures;

  unsigned char a[256], b[256];
  std::memset(a, 0, sizeof a);
  std::memset(b, 0, sizeof b);
  const int first = getentropy(a, sizeof a);
  const int second = getentropy(b, sizeof b);
  const bool differ = std::memcmp(a, b, sizeof a) != 0;
  std::printf("entropy: getentropy(256) %d %d, %s\n", first, second, differ ? "different" : "SAME");
  if (first != 0 || second != 0 || !differ) ++failures;

  errno = 0;
  const int too_long = getentropy(big, 257);
  std::printf("entropy: getentropy(257) %d %s\n", too_long, errno_name(errno));
  if (too_long != -1 || errno != EIO) ++failures;

  const ssize_t nonblock = getrandom(a, 16, GRND_NONBLOCK);
  const ssize_t random = getrandom(a, 16, GRND_RANDOM | GRND_NONBLOCK);
  errno = 0;
  const ssize_t bad = getrandom(a, 16, 0x100);
  const int bad_errno = errno;
  std::printf("entropy: flags NONBLOCK %zd, RANDOM %zd, unknown %zd %s\n", nonblock, random, bad,
              errno_name(bad_errno));
  if (nonblock != 16 || random != 16 || bad != -1 || bad_errno != EINVAL) ++failures;

  // newlib's arc4random seeds itself through getentropy.
  const unsigned x = arc4random(), y = arc4random();
  std::printf("entropy: arc4random %s\n", x != y ? "ok" : "repeats");
  if (x == y) ++failures;
  std::printf("entropy: %s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}

int test_none() {
  unsigned char buffer[32];
  errno = 0;
  const int e = getentropy(buffer, sizeof buffer);
  const int e_errno = errno;
  errno = 0;
  const ssize_t r = getrandom(buffer, sizeof buffer, 0);
  std::printf("entropy: no source: getentropy %d %s, getrandom %zd %s\n", e, errno_name(e_errno), r,
              errno_name(errno));
  return e == -1 && e_errno == EIO && r == -1 && errno == EIO ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "random") == 0) return test_random();
  if (argc > 1 && std::strcmp(argv[1], "none") == 0) return test_none();
  std::printf("usage: entropy random|none\n");
  return 2;
}
