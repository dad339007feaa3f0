// The arithmetic of the APIC timer's one-shot mode: TSC ticks to APIC timer counts at
// a measured ratio. Pure, for host unit tests.
#pragma once

#include <cstdint>

namespace cairn::irq {

// a * b / c, rounded up; UINT64_MAX when the quotient does not fit. c must not be 0.
std::uint64_t mul_div_ceil(std::uint64_t a, std::uint64_t b, std::uint64_t c);

// The APIC timer counted `apic_ticks` while the TSC counted `tsc_ticks` (both > 0).
struct ApicTimerRate {
  std::uint64_t apic_ticks;
  std::uint64_t tsc_ticks;
};

// The initial count that makes the timer expire no earlier than `tsc_delta` TSC ticks
// from now, clamped to 1..0xffffffff (0 would stop the timer; a deadline beyond the
// counter's reach expires early and is re-armed for the rest).
std::uint32_t apic_timer_count(std::uint64_t tsc_delta, ApicTimerRate rate);

}  // namespace cairn::irq
