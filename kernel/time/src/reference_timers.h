// Measuring the TSC rate against a timer of known rate, for when neither the hypervisor
// nor the CPU reports it. Interrupts must be off while a measurement runs.
#pragma once

#include <cstdint>

namespace cairn::time {

// Against the HPET's main counter (q35, pc). 0 when there is no HPET. About 1-2 ms.
std::uint64_t measure_tsc_hz_with_hpet();

// Against PIT channel 0, read by polling its counter: no interrupt, and no port 0x61
// (microvm has no PC speaker, whose port gates channel 2). 0 when no PIT answers.
// A few milliseconds.
std::uint64_t measure_tsc_hz_with_pit();

}  // namespace cairn::time
