// The CMOS real-time clock (ports 0x70/0x71): whole seconds of UTC, and an interrupt
// as each second ends.
#pragma once

#include <cstdint>

#include <cairn/kernel/result.h>

namespace cairn::time {

struct RtcReading {
  std::int64_t seconds;     // Unix time
  std::uint64_t read_ns;    // monotonic time of the read
  bool at_second_boundary;  // the read waited out an update, so the second just began
};

// Reads the RTC, waiting out an update in progress (at most ~2 ms). ENODEV without an
// RTC, EINVAL when it holds an impossible time. Interrupts must be off.
Result<RtcReading> read_rtc();

// Finds the monotonic time of RTC second boundaries with the update-ended interrupt
// (ISA IRQ 8): calls on_second(unix_seconds, monotonic_ns, confirmed) from interrupt
// context at each boundary until one is confirmed, that is, arrived a second (+/- 2 ms)
// after the previous one, so that it was not delivered late (interrupts off at the
// boundary). Then, or after ten tries, the interrupt is turned off and its vector
// released.
using RtcSecondHandler = void (*)(std::int64_t seconds, std::uint64_t monotonic_ns, bool confirmed);
Result<void> find_rtc_second_boundary(RtcSecondHandler on_second);

}  // namespace cairn::time
