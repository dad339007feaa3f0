// Clocks. The TSC is the clock source: its rate comes from kvmclock or the CPUID
// leaves when the hypervisor or CPU reports it, and is measured against the HPET (or
// the PIT when there is no HPET) only when neither does. The wall clock starts from
// kvmclock's wall time or the CMOS RTC and then advances with the monotonic clock.
//
// All functions are safe in interrupt context and with interrupts off. The first call
// to any of them initialises the clock (which may take a few milliseconds when the
// TSC rate has to be measured); images that never ask for the time never pay.
#pragma once

#include <cstdint>

namespace cairn::time {

inline constexpr std::uint64_t kNsPerSecond = 1'000'000'000;

// Nanoseconds since boot; never goes backwards.
std::uint64_t monotonic_ns();

// Nanoseconds since the Unix epoch (UTC).
std::int64_t realtime_ns();
// Steps the wall clock (clock_settime); the monotonic clock is unaffected.
void set_realtime_ns(std::int64_t ns);

// The TSC value at which monotonic_ns() reaches `ns` (for arming the timer), and back.
std::uint64_t tsc_at(std::uint64_t monotonic_ns);
std::uint64_t ns_at_tsc(std::uint64_t tsc);

// The clock's resolution in nanoseconds (clock_getres), at least 1.
std::uint64_t resolution_ns();

struct ClockInfo {
  std::uint64_t tsc_hz;
  const char* tsc_source;     // "kvmclock", "cpuid 0x15", "hypervisor", "cpuid 0x16", "hpet", "pit"
  const char* wall_source;    // "kvmclock", "rtc"; "none" until the wall clock is first read
                              // (or when the machine has neither)
  std::uint64_t tsc_rate_ns;  // how long finding the TSC rate took (the measurement)
  // The wall clock is as exact as its source: kvmclock's, or the RTC's read at a second
  // boundary. False while it is an RTC reading taken mid-second (+/- 0.5 s).
  bool wall_synchronised;
};
// Starts the monotonic clock if needed, never the wall clock.
ClockInfo clock_info();

}  // namespace cairn::time
