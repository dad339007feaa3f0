// The wall clock: an offset added to the monotonic clock. It starts from kvmclock's
// wall time, or from the CMOS RTC (whole seconds: the read is taken as mid-second, then
// corrected at the next second boundary the RTC's interrupt marks).
#include <atomic>

#include <cairn/config.h>
#include <cairn/irq/irq.h>
#include <cairn/kernel/console.h>
#include <cairn/time/clock.h>

#include "kvmclock.h"
#include "once.h"
#include "rtc.h"

namespace cairn::time {
namespace {

std::atomic<std::int64_t> offset_ns{0};  // realtime = monotonic + offset
const char* source = "none";
std::atomic<bool> synchronised{false};
std::atomic<bool> stepped{false};          // set_realtime_ns() overrides the RTC correction
std::atomic<bool> boundary_wanted{false};  // set once the RTC estimate is in place
Once started;

// Every boundary beats the mid-second estimate; only a confirmed one is final.
void on_rtc_second(std::int64_t seconds, std::uint64_t monotonic, bool confirmed) {
  if (stepped.load(std::memory_order_relaxed)) return;
  offset_ns.store(seconds * std::int64_t{kNsPerSecond} - static_cast<std::int64_t>(monotonic),
                  std::memory_order_relaxed);
  if (confirmed) synchronised.store(true, std::memory_order_release);
}

void start() {
  std::uint64_t tsc;
  std::int64_t wall;
  if (kvmclock_wall_time(&tsc, &wall)) {
    offset_ns.store(wall - static_cast<std::int64_t>(ns_at_tsc(tsc)), std::memory_order_relaxed);
    source = "kvmclock";
    synchronised.store(true, std::memory_order_release);
    return;
  }
  Result<RtcReading> rtc = read_rtc();
  if (!rtc) {
    kwarn("time: no wall clock (%s): CLOCK_REALTIME counts from 1970", rtc.error().message());
    return;
  }
  const RtcReading& r = rtc.value();
  // Without a boundary, the read fell anywhere in the second: take the middle.
  std::int64_t at_read = r.seconds * std::int64_t{kNsPerSecond} +
                         (r.at_second_boundary ? 0 : std::int64_t{kNsPerSecond} / 2);
  offset_ns.store(at_read - static_cast<std::int64_t>(r.read_ns), std::memory_order_relaxed);
  source = "rtc";
  if (r.at_second_boundary)
    synchronised.store(true, std::memory_order_release);
  else
    boundary_wanted.store(true, std::memory_order_relaxed);
}

void ensure_started() {
  started.run(start);
  // Routing an interrupt is for thread context: a handler leaves it to the next caller.
  if (boundary_wanted.load(std::memory_order_relaxed) && !irq::in_interrupt() &&
      boundary_wanted.exchange(false, std::memory_order_relaxed)) {
    Result<void> found = find_rtc_second_boundary(on_rtc_second);
#ifdef CONFIG_BOOT_LOG
    if (!found) kprintf("cairn: clock: no RTC interrupt (%s)\n", found.error().message());
#else
    (void)found;
#endif
  }
}

}  // namespace

std::int64_t realtime_ns() {
  ensure_started();
  return static_cast<std::int64_t>(monotonic_ns()) + offset_ns.load(std::memory_order_relaxed);
}

void set_realtime_ns(std::int64_t ns) {
  ensure_started();
  stepped.store(true, std::memory_order_relaxed);
  offset_ns.store(ns - static_cast<std::int64_t>(monotonic_ns()), std::memory_order_relaxed);
}

const char* wall_source() { return started.done() ? source : "none"; }
bool wall_synchronised() { return synchronised.load(std::memory_order_acquire); }

}  // namespace cairn::time
