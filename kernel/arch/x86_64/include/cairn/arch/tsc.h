// The TSC's frequency as the CPU or hypervisor states it in CPUID: leaf 0x15, the
// hypervisor timing leaf 0x40000010, leaf 0x16. kernel/time chooses among this,
// kvmclock and a measurement (cairn/time/clock.h has the result).
#pragma once

#include <cstdint>

namespace cairn::arch {

struct TscFrequency {
  std::uint64_t hz;    // 0 when unknown
  const char* source;  // "cpuid 0x15", "hypervisor", "cpuid 0x16", "unknown"
};

// The frequency the CPU reports, without waiting; hz == 0 when it reports none.
TscFrequency tsc_frequency_reported();

}  // namespace cairn::arch
