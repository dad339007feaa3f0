// The HPET's main counter as the reference. Its registers are at 0xFED00000 on q35 and
// pc (and on most PCs); microvm has none, and an unassigned address reads as all zeros or
// all ones, which the capability checks reject.
#include <cairn/arch/cpu.h>

#include "measurement.h"
#include "reference_timers.h"

namespace cairn::time {
namespace {

constexpr std::uintptr_t kHpetBase = 0xFED00000;
constexpr std::uintptr_t kCapabilities = 0x00;  // revision in bits 0-7
constexpr std::uintptr_t kPeriod = 0x04;        // femtoseconds per tick
constexpr std::uintptr_t kConfiguration = 0x10;
constexpr std::uintptr_t kMainCounter = 0xF0;
constexpr std::uint32_t kEnable = 1;
constexpr std::uint32_t kMaxPeriodFs = 100'000'000;  // the specification's limit (10 MHz)

volatile std::uint32_t& reg(std::uintptr_t offset) {
  return *reinterpret_cast<volatile std::uint32_t*>(kHpetBase + offset);
}

// The main counter, widened to 64 bits from its low half (which a 32-bit HPET also has)
// by adding up differences; reads come far more often than the low half wraps.
class Counter {
 public:
  Counter() : last_(reg(kMainCounter)) {}
  std::uint64_t read() {
    std::uint32_t now = reg(kMainCounter);
    total_ += static_cast<std::uint32_t>(now - last_);
    last_ = now;
    return total_;
  }

 private:
  std::uint32_t last_;
  std::uint64_t total_ = 0;
};

// The best of three bracketed reads: the one whose TSC bracket is narrowest.
Sample sample(Counter& counter) {
  Sample best{0, 0, UINT64_MAX};
  for (int i = 0; i < 3; ++i) {
    std::uint64_t before = ordered_rdtsc();
    std::uint64_t count = counter.read();
    Sample s = bracketed(before, count, ordered_rdtsc());
    if (s.tsc_error < best.tsc_error) best = s;
  }
  return best;
}

}  // namespace

std::uint64_t measure_tsc_hz_with_hpet() {
  std::uint32_t capabilities = reg(kCapabilities);
  std::uint32_t period_fs = reg(kPeriod);
  if ((capabilities & 0xff) == 0 || capabilities == 0xffffffff || period_fs == 0 ||
      period_fs > kMaxPeriodFs)
    return 0;
  std::uint64_t hz = (1'000'000'000'000'000 + period_fs / 2) / period_fs;

  std::uint32_t configuration = reg(kConfiguration);
  if (!(configuration & kEnable)) reg(kConfiguration) = configuration | kEnable;
  Counter counter;
  // 100 ppm, in 1 to 10 ms: well within the 0.05% the clock needs, even when the host
  // delays one of the reads.
  MeasurementPlan plan{hz, 1, 100, hz / 1000, hz / 100};
  std::uint64_t tsc_hz = measure_tsc_hz(plan, [&] { return sample(counter); });
  if (!(configuration & kEnable)) reg(kConfiguration) = configuration;
  return tsc_hz;
}

}  // namespace cairn::time
