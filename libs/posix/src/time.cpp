// POSIX clocks and sleeps over kernel/time and the scheduler.
//
// Clocks (newlib's ids, which are not Linux's numbers):
//   CLOCK_REALTIME(_COARSE)                 the wall clock; the only one clock_settime sets
//   CLOCK_MONOTONIC(_RAW, _COARSE), BOOTTIME the monotonic clock: nanoseconds since boot
//                                           (nothing slews it and the VM never suspends,
//                                           so all of these are the same clock)
//   CLOCK_PROCESS_CPUTIME_ID, _THREAD_       also time since boot: the image is the only
//                                           process and the CPU is its own; idle time and
//                                           other threads' time are counted too
// Nothing interrupts a sleep (there are no signals), so sleeps never end early with EINTR
// and never write the remaining time. NULL arguments behave as Linux's system calls:
// EFAULT for a NULL time to read or write, except where NULL is allowed
// (clock_getres's result, nanosleep's remainder, gettimeofday's arguments).
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>

// newlib declares these ids only for targets it knows to have them (see
// libs/posix/CMakeLists.txt); its values, so either definition may come first.
#ifndef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID ((clockid_t)2)
#endif
#ifndef CLOCK_THREAD_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID ((clockid_t)3)
#endif
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif
#ifndef CLOCK_MONOTONIC_RAW
#define CLOCK_MONOTONIC_RAW ((clockid_t)5)
#endif
#ifndef CLOCK_MONOTONIC_COARSE
#define CLOCK_MONOTONIC_COARSE ((clockid_t)6)
#endif
#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME ((clockid_t)7)
#endif
#ifndef CLOCK_REALTIME_COARSE
#define CLOCK_REALTIME_COARSE ((clockid_t)0)
#endif

namespace {

using namespace cairn;
constexpr std::int64_t kNs = time::kNsPerSecond;

enum class Clock { kRealtime, kMonotonic, kUnknown };

Clock clock_of(clockid_t id) {
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
      return Clock::kRealtime;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
      return Clock::kMonotonic;
    default:
      return Clock::kUnknown;
  }
}

std::int64_t now_ns(Clock clock) {
  return clock == Clock::kRealtime ? time::realtime_ns()
                                   : static_cast<std::int64_t>(time::monotonic_ns());
}

// Floor division, so that times before 1970 still get 0 <= tv_nsec < 10^9.
timespec to_timespec(std::int64_t ns) {
  std::int64_t seconds = ns / kNs, rest = ns % kNs;
  if (rest < 0) {
    --seconds;
    rest += kNs;
  }
  return {static_cast<time_t>(seconds), static_cast<long>(rest)};
}

bool valid(const timespec& t) { return t.tv_nsec >= 0 && t.tv_nsec < kNs; }

// Saturates rather than overflowing.
std::int64_t to_ns(const timespec& t) {
  std::int64_t ns;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(t.tv_sec), kNs, &ns) ||
      __builtin_add_overflow(ns, t.tv_nsec, &ns))
    return t.tv_sec < 0 ? INT64_MIN : INT64_MAX;
  return ns;
}

int fail(int error) {
  errno = error;
  return -1;
}

// The monotonic deadline `delta` ns from now; far enough away is "never".
std::uint64_t monotonic_after(std::int64_t delta) {
  std::uint64_t now = time::monotonic_ns();
  if (delta <= 0) return now;
  std::uint64_t deadline;
  if (__builtin_add_overflow(now, static_cast<std::uint64_t>(delta), &deadline)) return UINT64_MAX;
  return deadline;
}

void sleep_ns(std::uint64_t ns) {
  sched::sleep_until(monotonic_after(
      static_cast<std::int64_t>(ns > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : ns)));
}

}  // namespace

extern "C" {

int clock_gettime(clockid_t id, struct timespec* ts) {
  Clock clock = clock_of(id);
  if (clock == Clock::kUnknown) return fail(EINVAL);
  if (!ts) return fail(EFAULT);
  *ts = to_timespec(now_ns(clock));
  return 0;
}

int clock_getres(clockid_t id, struct timespec* res) {
  if (clock_of(id) == Clock::kUnknown) return fail(EINVAL);
  if (res) *res = to_timespec(static_cast<std::int64_t>(time::resolution_ns()));
  return 0;
}

int clock_settime(clockid_t id, const struct timespec* ts) {
  if (id != CLOCK_REALTIME) return fail(EINVAL);
  if (!ts) return fail(EFAULT);
  if (!valid(*ts) || ts->tv_sec < 0) return fail(EINVAL);
  time::set_realtime_ns(to_ns(*ts));
  return 0;
}

// Returns an error number, not -1 (POSIX).
int clock_nanosleep(clockid_t id, int flags, const struct timespec* request,
                    struct timespec* remaining) {
  (void)remaining;  // only written when a signal interrupts the sleep
  Clock clock = clock_of(id);
  if (clock == Clock::kUnknown || id == CLOCK_THREAD_CPUTIME_ID) return EINVAL;  // as Linux
  if (!request) return EFAULT;
  if (!valid(*request) || request->tv_sec < 0) return EINVAL;
  std::int64_t ns = to_ns(*request);
  if (!(flags & TIMER_ABSTIME)) {
    sched::sleep_until(monotonic_after(ns));
  } else if (clock == Clock::kMonotonic) {
    sched::sleep_until(static_cast<std::uint64_t>(ns));
  } else {
    // A wall-clock deadline, converted once: stepping the clock meanwhile does not move it.
    sched::sleep_until(monotonic_after(ns - time::realtime_ns()));
  }
  return 0;
}

int nanosleep(const struct timespec* request, struct timespec* remaining) {
  int error = clock_nanosleep(CLOCK_MONOTONIC, 0, request, remaining);
  return error ? fail(error) : 0;
}

unsigned sleep(unsigned seconds) {
  sleep_ns(std::uint64_t{seconds} * kNs);
  return 0;
}

int usleep(useconds_t microseconds) {
  sleep_ns(std::uint64_t{microseconds} * 1000);
  return 0;
}

// newlib's gettimeofday() and time() end here (through _gettimeofday_r).
int _gettimeofday(struct timeval* tv, void* tz) {
  if (tv) {
    timespec now = to_timespec(time::realtime_ns());
    tv->tv_sec = now.tv_sec;
    tv->tv_usec = static_cast<suseconds_t>(now.tv_nsec / 1000);
  }
  if (tz) *static_cast<struct timezone*>(tz) = {0, 0};  // UTC, no daylight saving
  return 0;
}

int settimeofday(const struct timeval* tv, const struct timezone* tz) {
  (void)tz;  // the kernel keeps no time zone
  if (!tv) return 0;
  if (tv->tv_usec < 0 || tv->tv_usec >= 1'000'000 || tv->tv_sec < 0) return fail(EINVAL);
  timespec ts{tv->tv_sec, static_cast<long>(tv->tv_usec) * 1000};
  time::set_realtime_ns(to_ns(ts));
  return 0;
}

// newlib's times() and clock() end here. Ticks are CLOCKS_PER_SEC (1000 on this
// target), which clock() assumes; all of the time since boot counts as user time.
clock_t _times(struct tms* buffer) {
  auto ticks = static_cast<clock_t>(time::monotonic_ns() / (kNs / CLOCKS_PER_SEC));
  if (buffer) *buffer = {ticks, 0, 0, 0};
  return ticks;
}

// C11's wall-clock read; the C++ headers expect it (libs/newlib/shim/features.h).
int timespec_get(struct timespec* ts, int base) {
  if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts) != 0) return 0;
  return base;
}

}  // extern "C"
