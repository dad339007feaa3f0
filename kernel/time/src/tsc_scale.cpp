#include "tsc_scale.h"

namespace cairn::time {
namespace {

using u128 = unsigned __int128;
constexpr std::uint64_t kNs = 1'000'000'000;

// The largest shift s (<= 127 - bits(numerator)) for which numerator * 2^s / denominator
// still fits in 64 bits, and that quotient: the multiplier with the most precision.
void best_multiplier(std::uint64_t numerator, std::uint64_t denominator, std::uint64_t* mult,
                     unsigned* shift) {
  unsigned headroom = static_cast<unsigned>(__builtin_clzll(numerator)) + 64;
  for (unsigned s = headroom;; --s) {
    u128 q = (u128{numerator} << s) / denominator;
    if (q >> 64 == 0 || s == 0) {
      *mult = static_cast<std::uint64_t>(q);
      *shift = s;
      return;
    }
  }
}

std::uint64_t scaled(std::uint64_t value, std::uint64_t mult, unsigned shift) {
  u128 r = (u128{value} * mult) >> shift;
  return r >> 64 ? UINT64_MAX : static_cast<std::uint64_t>(r);
}

}  // namespace

TscScale TscScale::for_hz(std::uint64_t hz) {
  TscScale s;
  s.hz_ = hz;
  best_multiplier(kNs, hz, &s.mult_, &s.shift_);
  best_multiplier(hz, kNs, &s.inverse_mult_, &s.inverse_shift_);
  return s;
}

std::uint64_t TscScale::ns(std::uint64_t ticks) const { return scaled(ticks, mult_, shift_); }

std::uint64_t TscScale::ticks(std::uint64_t target) const {
  // The inverse multiplier lands within a tick or two of the answer; step to it. The
  // bound only matters past the clock's range, where ns() saturates.
  std::uint64_t t = scaled(target, inverse_mult_, inverse_shift_);
  for (int i = 0; i < 16 && t > 0 && ns(t - 1) >= target; ++i) --t;
  for (int i = 0; i < 16 && ns(t) < target; ++i) {
    if (t == UINT64_MAX) return t;
    ++t;
  }
  return t;
}

}  // namespace cairn::time
