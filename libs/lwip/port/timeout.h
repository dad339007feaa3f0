// lwIP's timeouts (milliseconds, 0 = forever) and waited times, against Cairn's
// absolute nanosecond deadlines. Pure functions: the host tests them too.
#pragma once

#include <cstdint>

#include "mailbox.h"

namespace cairn::lwip {

// SYS_ARCH_TIMEOUT in lwip/sys.h: the value no waited time may take.
inline constexpr std::uint32_t kArchTimeout = 0xffffffffu;

// The deadline `timeout_ms` after `now_ns`; kNoDeadline for 0 (lwIP's "forever").
constexpr std::uint64_t deadline_after_ms(std::uint64_t now_ns, std::uint32_t timeout_ms) {
  if (timeout_ms == 0) return kNoDeadline;
  return now_ns + std::uint64_t{timeout_ms} * 1'000'000;
}

// Whole milliseconds from `start_ns` to `end_ns`, kept below kArchTimeout so a long
// wait is never mistaken for a timeout.
constexpr std::uint32_t waited_ms(std::uint64_t start_ns, std::uint64_t end_ns) {
  std::uint64_t ms = end_ns > start_ns ? (end_ns - start_ns) / 1'000'000 : 0;
  return ms >= kArchTimeout ? kArchTimeout - 1 : static_cast<std::uint32_t>(ms);
}

}  // namespace cairn::lwip
