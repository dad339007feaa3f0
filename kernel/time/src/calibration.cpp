#include "calibration.h"

namespace cairn::time {

using u128 = unsigned __int128;

std::uint64_t pvclock_scale(std::uint64_t ticks, std::uint32_t mul, std::int8_t shift) {
  if (shift < 0)
    ticks >>= -shift;
  else
    ticks <<= shift;
  return static_cast<std::uint64_t>((u128{ticks} * mul) >> 32);
}

std::uint64_t pvclock_tsc_hz(std::uint32_t mul, std::int8_t shift) {
  if (mul == 0) return 0;
  // The inverse of pvclock_scale for one second, as Linux's pvclock_tsc_khz() but in Hz.
  std::uint64_t hz = (std::uint64_t{1'000'000'000} << 32) / mul;
  return shift < 0 ? hz << -shift : hz >> shift;
}

std::uint64_t tsc_hz_between(const Sample& first, const Sample& last, std::uint64_t ref_hz) {
  std::uint64_t counts = last.count - first.count;
  if (counts == 0) return 0;
  u128 ticks = u128{last.tsc - first.tsc} * ref_hz;
  return static_cast<std::uint64_t>((ticks + counts / 2) / counts);
}

bool precise_enough(const Sample& first, const Sample& last, std::uint64_t count_error,
                    std::uint64_t ppm) {
  std::uint64_t counts = last.count - first.count;
  std::uint64_t interval = last.tsc - first.tsc;
  if (counts == 0 || interval == 0) return false;
  // Both error terms relative to the interval, compared in parts per million:
  // tsc_error / interval + 2 * count_error / counts <= ppm / 10^6.
  u128 tsc_part = (u128{first.tsc_error} + last.tsc_error) * 1'000'000 * counts;
  u128 count_part = u128{2 * count_error} * 1'000'000 * interval;
  return tsc_part + count_part <= u128{ppm} * interval * counts;
}

}  // namespace cairn::time
