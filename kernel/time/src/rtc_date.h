// The CMOS RTC's date and time registers to Unix time. Pure arithmetic (no port I/O),
// tested on the host.
#pragma once

#include <cstdint>

#include <cairn/kernel/result.h>

namespace cairn::time {

// Register values as read from CMOS, still in the RTC's own encoding.
struct RtcRegisters {
  std::uint8_t seconds, minutes, hours;  // hours: bit 7 is PM in 12-hour mode
  std::uint8_t day, month, year;         // year within the century
  std::uint8_t century;                  // register 0x32; 0 (or garbage) when absent
  std::uint8_t status_b;                 // register B: encoding and hour format
};

inline constexpr std::uint8_t kRtcBinary = 1 << 2;  // register B: binary, not BCD
inline constexpr std::uint8_t kRtc24Hour = 1 << 1;  // register B: 24-hour, not 12-hour

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before it).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

// Seconds since the Unix epoch, taking the RTC as UTC. A century register that is not a
// plausible value (19..99) is ignored and years 70..99 mean 19xx, 00..69 20xx.
// EINVAL for an impossible date or time or a bad BCD digit (no RTC answers 0xff).
Result<std::int64_t> rtc_to_unix_seconds(const RtcRegisters& registers);

}  // namespace cairn::time
