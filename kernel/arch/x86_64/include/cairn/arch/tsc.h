// The TSC's frequency: from CPUID (leaf 0x15, the hypervisor timing leaf 0x40000010,
// leaf 0x16) when the CPU or hypervisor says it, else measured against PIT channel 0. The
// measurement takes 10 ms, so nothing on the boot path may ask for it.
#pragma once

#include <cstdint>

namespace cairn::arch {

struct TscFrequency {
  std::uint64_t hz;    // 0 when unknown
  const char* source;  // "cpuid 0x15", "hypervisor", "cpuid 0x16", "pit", "unknown"
};

// The frequency the CPU reports, without waiting; hz == 0 when it reports none.
TscFrequency tsc_frequency_reported();

// The reported frequency, or a 10 ms calibration against the PIT when there is
// none (PIT channel 0 is reprogrammed for it). Cached after the first call.
TscFrequency tsc_frequency();

}  // namespace cairn::arch
