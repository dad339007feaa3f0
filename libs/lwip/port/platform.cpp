// lwIP's platform hooks (arch/cc.h): diagnostics, assertions and random numbers.
#include <cstdarg>
#include <cstdint>

#include <cairn/arch/cpu.h>
#include <cairn/arch/cpu_features.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/panic.h>

#include "arch/cc.h"

namespace {

bool rdrand64(std::uint64_t& value) {
  // RDRAND may transiently fail; Intel advises ten tries.
  for (int i = 0; i < 10; ++i) {
    unsigned char ok;
    asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok)::"cc");
    if (ok) return true;
  }
  return false;
}

// splitmix64 over the TSC: only for CPUs without RDRAND, where TCP sequence numbers
// and ports are then guessable by someone who can time the boot (docs/networking.md).
std::uint64_t splitmix64() {
  static std::uint64_t state = cairn::arch::rdtsc();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

extern "C" {

void cairn_lwip_diag(const char* format, ...) {
  va_list args;
  va_start(args, format);
  cairn::vkprintf(format, args);
  va_end(args);
}

void cairn_lwip_assert_failed(const char* message, const char* file, int line) {
  cairn::panic("lwip: assertion failed: %s (%s:%d)", message, file, line);
}

unsigned int cairn_lwip_rand() {
  std::uint64_t value;
  if (!cairn::arch::cpu_features().rdrand || !rdrand64(value)) value = splitmix64();
  return static_cast<unsigned int>(value);
}

}  // extern "C"
