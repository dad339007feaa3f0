// The loop shared by the HPET and PIT measurements: sample the reference at the start,
// then keep sampling until the interval is long enough for the wanted precision.
#pragma once

#include <cstdint>

#include "calibration.h"

namespace cairn::time {

// The TSC, read only after every earlier instruction (the reference read) completed.
inline std::uint64_t ordered_rdtsc() {
  std::uint32_t lo, hi;
  asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
  return (std::uint64_t{hi} << 32) | lo;
}

struct MeasurementPlan {
  std::uint64_t ref_hz;
  std::uint64_t count_error;  // see precise_enough()
  std::uint64_t ppm;          // stop once the worst-case error is this small...
  std::uint64_t min_counts;   // ...and at least this many reference ticks have passed,
  std::uint64_t max_counts;   // but never wait longer than this
};

// `sample` returns a Sample of the reference, or one with count == kNoSample when the
// reference is not counting; the measurement then gives up and returns 0.
inline constexpr std::uint64_t kNoSample = UINT64_MAX;

template <typename SampleFn>
std::uint64_t measure_tsc_hz(const MeasurementPlan& plan, SampleFn sample) {
  Sample first = sample();
  if (first.count == kNoSample) return 0;
  for (std::uint64_t stalled = 0;;) {
    Sample last = sample();
    if (last.count == kNoSample) return 0;
    std::uint64_t counts = last.count - first.count;
    if (counts == 0 && ++stalled > 100'000) return 0;  // a counter that does not count
    if ((counts >= plan.min_counts && precise_enough(first, last, plan.count_error, plan.ppm)) ||
        counts >= plan.max_counts)
      return tsc_hz_between(first, last, plan.ref_hz);
  }
}

}  // namespace cairn::time
