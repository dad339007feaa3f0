#include "tsc_rate.h"

#include <cairn/arch/cpu.h>
#include <cairn/arch/tsc.h>

#include "kvmclock.h"
#include "reference_timers.h"

namespace cairn::time {
namespace {

TscRate first_available() {
  if (std::uint64_t hz = kvmclock_tsc_hz()) return {hz, "kvmclock", 0};
  arch::TscFrequency reported = arch::tsc_frequency_reported();
  if (reported.hz) return {reported.hz, reported.source, 0};
  if (std::uint64_t hz = measure_tsc_hz_with_hpet()) return {hz, "hpet", 0};
  if (std::uint64_t hz = measure_tsc_hz_with_pit()) return {hz, "pit", 0};
  return {0, "unknown", 0};
}

}  // namespace

TscRate find_tsc_rate() {
  std::uint64_t start = arch::rdtsc();
  TscRate rate = first_available();
  rate.ticks = arch::rdtsc() - start;
  return rate;
}

}  // namespace cairn::time
