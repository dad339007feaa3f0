// TSC ticks to nanoseconds and back by multiply-and-shift: a 64x64->128-bit product
// shifted right, with the multiplier scaled to use all 64 bits, so the conversion is
// exact to within a nanosecond for any 64-bit tick count (centuries of uptime) and
// costs no division. Pure arithmetic, tested on the host.
#pragma once

#include <cstdint>

namespace cairn::time {

class TscScale {
 public:
  constexpr TscScale() = default;
  // hz must be non-zero.
  static TscScale for_hz(std::uint64_t hz);

  // floor(ticks * 10^9 / hz), or 1 ns less (2 for rates under 1 GHz); non-decreasing in
  // ticks. Saturates at UINT64_MAX.
  std::uint64_t ns(std::uint64_t ticks) const;
  // The smallest tick count t with ns(t) >= ns (UINT64_MAX past the clock's range).
  std::uint64_t ticks(std::uint64_t ns) const;

  std::uint64_t hz() const { return hz_; }

 private:
  std::uint64_t hz_ = 0;
  std::uint64_t mult_ = 0;  // 10^9 / hz * 2^shift_
  unsigned shift_ = 0;
  std::uint64_t inverse_mult_ = 0;  // hz / 10^9 * 2^inverse_shift_
  unsigned inverse_shift_ = 0;
};

}  // namespace cairn::time
