// getrandom(2) and getentropy(3). The source is the hypervisor's virtio-rng device when
// the image has its driver and the VM has one (QEMU feeds it from the host's
// getrandom), else the CPU: RDSEED, whose output is fit for seeding, with RDRAND (a
// DRBG the CPU reseeds itself) when RDSEED keeps coming back empty. With neither, the
// calls fail with EIO rather than hand out something predictable.
#include <errno.h>
#include <sys/random.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include <cairn/arch/cpu_features.h>
#include <cairn/config.h>
#ifdef CONFIG_VIRTIO_RNG
#include <cairn/virtio/rng.h>
#endif

namespace {

// Linux's limit for one call (INT_MAX >> 6).
constexpr std::size_t kMaxGetrandom = 33554431;
constexpr std::size_t kMaxGetentropy = 256;
constexpr unsigned kKnownFlags = GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE;

// Intel's guidance: RDRAND fails only when many callers drain it; ten retries make a
// failure vanishingly rare. RDSEED runs dry more easily, so it gets more tries and then
// gives way to RDRAND.
constexpr int kRdrandRetries = 10;
constexpr int kRdseedRetries = 100;

bool rdseed64(std::uint64_t& value) {
  for (int i = 0; i < kRdseedRetries; ++i) {
    unsigned char ok;
    asm volatile("rdseed %0; setc %1" : "=r"(value), "=qm"(ok)::"cc");
    if (ok) return true;
    asm volatile("pause");
  }
  return false;
}

bool rdrand64(std::uint64_t& value) {
  for (int i = 0; i < kRdrandRetries; ++i) {
    unsigned char ok;
    asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok)::"cc");
    if (ok) return true;
  }
  return false;
}

bool fill_from_cpu(std::byte* out, std::size_t length) {
  const auto& cpu = cairn::arch::cpu_features();
  if (!cpu.rdseed && !cpu.rdrand) return false;
  while (length > 0) {
    std::uint64_t word;
    const bool got = (cpu.rdseed && rdseed64(word)) || (cpu.rdrand && rdrand64(word));
    if (!got) return false;
    const std::size_t n = length < sizeof word ? length : sizeof word;
    std::memcpy(out, &word, n);
    out += n;
    length -= n;
  }
  return true;
}

// 0 or an errno value.
int fill(void* buffer, std::size_t length) {
  auto* out = static_cast<std::byte*>(buffer);
#ifdef CONFIG_VIRTIO_RNG
  if (cairn::virtio::rng_available() && cairn::virtio::rng_fill({out, length}).ok()) return 0;
    // A device that failed (ETIMEDOUT, EIO) leaves the CPU as the source.
#endif
  return fill_from_cpu(out, length) ? 0 : EIO;
}

}  // namespace

extern "C" ssize_t getrandom(void* buffer, size_t length, unsigned int flags) {
  if (flags & ~kKnownFlags) {
    errno = EINVAL;
    return -1;
  }
  if (length == 0) return 0;
  if (!buffer) {
    errno = EFAULT;
    return -1;
  }
  if (length > kMaxGetrandom) length = kMaxGetrandom;
  if (int error = fill(buffer, length); error != 0) {
    errno = error;
    return -1;
  }
  return static_cast<ssize_t>(length);
}

extern "C" int getentropy(void* buffer, size_t length) {
  if (length > kMaxGetentropy) {
    errno = EIO;
    return -1;
  }
  if (length == 0) return 0;
  if (!buffer) {
    errno = EFAULT;
    return -1;
  }
  if (int error = fill(buffer, length); error != 0) {
    errno = error;
    return -1;
  }
  return 0;
}
