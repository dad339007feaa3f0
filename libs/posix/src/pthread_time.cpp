// Absolute timeouts (struct timespec on a clock) as the scheduler's monotonic deadlines.
#include <errno.h>

#include <cairn/time/clock.h>

#include "pthread_internal.h"

namespace cairn::posix {

namespace {

// Nanoseconds since the clock's epoch, saturating; false for a malformed timespec.
bool to_ns(const timespec* t, std::int64_t* ns) {
  if (!t || t->tv_nsec < 0 || t->tv_nsec >= static_cast<long>(time::kNsPerSecond)) return false;
  std::int64_t seconds_ns;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(t->tv_sec),
                             static_cast<std::int64_t>(time::kNsPerSecond), &seconds_ns) ||
      __builtin_add_overflow(seconds_ns, t->tv_nsec, ns))
    *ns = t->tv_sec < 0 ? INT64_MIN : INT64_MAX;
  return true;
}

// now + delta on the monotonic clock; a delta that has passed is "now" (the wait
// times out at once), one too far away is "never".
std::uint64_t monotonic_after(std::int64_t delta) {
  std::uint64_t now = time::monotonic_ns();
  if (delta <= 0) return now;
  std::uint64_t deadline;
  if (__builtin_add_overflow(now, static_cast<std::uint64_t>(delta), &deadline) ||
      deadline == sched::kForever)
    return sched::kForever - 1;
  return deadline;
}

}  // namespace

int deadline_from(clockid_t clock, const timespec* abstime, std::uint64_t* deadline_ns) {
  std::int64_t target;
  if (!to_ns(abstime, &target)) return EINVAL;
  if (clock == CLOCK_MONOTONIC) {
    // Already a monotonic time; negative means long past.
    *deadline_ns = target <= 0                                             ? 0
                   : static_cast<std::uint64_t>(target) == sched::kForever ? sched::kForever - 1
                                                                           : target;
    return 0;
  }
  if (clock == CLOCK_REALTIME) {
    std::int64_t delta;
    if (__builtin_sub_overflow(target, time::realtime_ns(), &delta))
      delta = target < 0 ? INT64_MIN : INT64_MAX;
    *deadline_ns = monotonic_after(delta);
    return 0;
  }
  return EINVAL;
}

}  // namespace cairn::posix
