// The engine under poll() and select(): ask every file for its events, queue a waiter
// on each, sleep until one notifies or the deadline passes, ask again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <cairn/kernel/result.h>

namespace cairn::poll {

struct PollRequest {
  int fd;                     // negative: ignored (revents 0)
  std::uint32_t events;       // what the caller asks for (kPollErr/kPollHup are implied)
  std::uint32_t revents = 0;  // out: ready events; kPollNval for a bad descriptor
};

// Fills revents; returns how many requests have some. `deadline_ns` 0 means do not
// wait, sched::kForever means no deadline.
Result<int> poll_files(std::span<PollRequest> requests, std::uint64_t deadline_ns);

// Called by poll, select and epoll_wait when they return without having slept (ready
// at once, or told not to wait). With the cooperative scheduler, a thread woken by
// another thread (a mutex handed over, a mailbox post) runs only once the running one
// blocks or yields, so an event loop whose descriptors are always ready (EPOLLOUT
// re-armed with EPOLLONESHOT, level-triggered writability, a timeout of 0) would keep
// lwIP's tcpip and receive threads from ever running again. These calls are where such
// a loop gives way, as Linux's are preemption points. Returns at once when nothing else
// is runnable.
void yield_if_not_slept();

}  // namespace cairn::poll
