// The arithmetic of finding the TSC rate, apart from the hardware that feeds it, so the
// host tests can check it.
#pragma once

#include <cstdint>

namespace cairn::time {

// kvmclock's (pvclock's) scale: ns = ((ticks << shift, or >> -shift) * mul) >> 32.
std::uint64_t pvclock_scale(std::uint64_t ticks, std::uint32_t mul, std::int8_t shift);
// The TSC rate that scale stands for; 0 when mul is 0.
std::uint64_t pvclock_tsc_hz(std::uint32_t mul, std::int8_t shift);

// A reference counter's value and the TSC at (about) the moment it was read, give or
// take `tsc_error` ticks.
struct Sample {
  std::uint64_t tsc;
  std::uint64_t count;
  std::uint64_t tsc_error;
};

// Samples a counter that ticks `ref_hz` times a second, between two TSC reads, so that
// the counter read is known to lie in [before, after]. The midpoint is the estimate.
inline Sample bracketed(std::uint64_t before, std::uint64_t count, std::uint64_t after) {
  return {before + (after - before) / 2, count, (after - before + 1) / 2};
}

// The TSC rate implied by two samples of a reference counting at ref_hz; 0 when the
// reference did not advance.
std::uint64_t tsc_hz_between(const Sample& first, const Sample& last, std::uint64_t ref_hz);

// Whether the measurement's worst-case error is within `ppm` parts per million: both
// samples' TSC uncertainty plus, at each end, `count_error` reference ticks (1 for a
// counter read at an arbitrary moment, 0 for one caught as it changed).
bool precise_enough(const Sample& first, const Sample& last, std::uint64_t count_error,
                    std::uint64_t ppm);

}  // namespace cairn::time
