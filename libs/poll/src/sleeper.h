// A thread waiting in poll(), select() or epoll_wait() until a file it watches tells
// it something or its deadline passes. Files notify under the scheduler lock (see
// PollWaiter), so the flag and the wait queue are only touched with it held, and a
// notification between the last check and the sleep is never lost.
#pragma once

#include <cstdint>

#include <cairn/sched/sync.h>
#include <cairn/time/clock.h>

namespace cairn::poll {

// A timeout in milliseconds (negative: none) as an absolute monotonic deadline.
inline std::uint64_t deadline_after_ms(long long timeout_ms) {
  if (timeout_ms < 0) return sched::kForever;
  return time::monotonic_ns() + static_cast<std::uint64_t>(timeout_ms) * 1'000'000;
}
inline std::uint64_t deadline_after_ns(std::uint64_t timeout_ns) {
  std::uint64_t now = time::monotonic_ns();
  return timeout_ns > sched::kForever - now ? sched::kForever : now + timeout_ns;
}

class Sleeper {
 public:
  // With the scheduler lock held (a PollWaiter's notify()).
  void wake() {
    woken_ = true;
    queue_.wake_all();
  }
  // Before a pass over the files: later notifications count.
  void reset() {
    sched::SchedLock lock;
    woken_ = false;
  }
  // Until woken or the deadline; false on timeout.
  bool sleep(std::uint64_t deadline_ns) {
    sched::SchedLock lock;
    while (!woken_)
      if (!queue_.wait(deadline_ns)) return woken_;
    return true;
  }

 private:
  bool woken_ = false;
  sched::WaitQueue queue_;
};

}  // namespace cairn::poll
