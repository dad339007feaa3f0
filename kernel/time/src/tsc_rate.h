// Where the TSC rate comes from, best first: kvmclock, the CPUID leaves, then a
// measurement against the HPET or, without one, the PIT.
#pragma once

#include <cstdint>

namespace cairn::time {

struct TscRate {
  std::uint64_t hz;     // 0 when nothing worked
  const char* source;   // as ClockInfo::tsc_source
  std::uint64_t ticks;  // TSC ticks spent finding it (the measurement, mostly)
};

// Interrupts must be off.
TscRate find_tsc_rate();

}  // namespace cairn::time
