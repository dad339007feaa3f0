#include "timer_math.h"

namespace cairn::irq {

std::uint64_t mul_div_ceil(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  auto high = static_cast<std::uint64_t>(product >> 64);
  auto low = static_cast<std::uint64_t>(product);
  if (high >= c) return UINT64_MAX;
  // divq directly: the compiler would call libgcc's __udivti3 for a 128-bit division.
  // high < c guarantees the quotient fits, so divq cannot fault.
  std::uint64_t quotient, remainder;
  asm("divq %4" : "=a"(quotient), "=d"(remainder) : "a"(low), "d"(high), "rm"(c));
  if (remainder != 0) {
    if (quotient == UINT64_MAX) return UINT64_MAX;
    ++quotient;
  }
  return quotient;
}

std::uint32_t apic_timer_count(std::uint64_t tsc_delta, ApicTimerRate rate) {
  std::uint64_t count = mul_div_ceil(tsc_delta, rate.apic_ticks, rate.tsc_ticks);
  if (count == 0) return 1;
  if (count > 0xffffffffu) return 0xffffffffu;
  return static_cast<std::uint32_t>(count);
}

}  // namespace cairn::irq
