// poll() and ppoll() (the signal mask is ignored: there are no signals).
#include <poll.h>

#include <cairn/vfs/fd_table.h>

#include "errno_result.h"
#include "poll_files.h"
#include "sleeper.h"

using namespace cairn;
using namespace cairn::poll;

namespace {

int poll_until(struct pollfd* fds, nfds_t count, std::uint64_t deadline_ns) {
  if (count > static_cast<nfds_t>(vfs::fd_table().max_fds()))
    return fail(Error(EINVAL, "more pollfds than descriptors"));
  // The same small-call optimisation as poll_files: no allocation up to 8 entries.
  constexpr nfds_t kOnStack = 8;
  PollRequest stack_requests[kOnStack];
  PollRequest* requests = stack_requests;
  if (count > kOnStack) {
    requests = new (std::nothrow) PollRequest[count];
    if (!requests) return fail(Error(ENOMEM, "out of memory for poll"));
  }
  for (nfds_t i = 0; i < count; ++i)
    requests[i] = {fds[i].fd, static_cast<std::uint16_t>(fds[i].events)};
  auto ready = poll_files({requests, count}, deadline_ns);
  if (ready)
    for (nfds_t i = 0; i < count; ++i) fds[i].revents = static_cast<short>(requests[i].revents);
  if (requests != stack_requests) delete[] requests;
  return static_cast<int>(value_or_fail(ready));
}

}  // namespace

extern "C" {

int poll(struct pollfd* fds, nfds_t count, int timeout_ms) {
  return poll_until(fds, count, timeout_ms == 0 ? 0 : deadline_after_ms(timeout_ms));
}

int ppoll(struct pollfd* fds, nfds_t count, const struct timespec* timeout, const sigset_t*) {
  if (!timeout) return poll_until(fds, count, sched::kForever);
  if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1'000'000'000)
    return fail(Error(EINVAL, "bad timeout"));
  std::uint64_t ns = static_cast<std::uint64_t>(timeout->tv_sec) * 1'000'000'000 +
                     static_cast<std::uint64_t>(timeout->tv_nsec);
  return poll_until(fds, count, ns == 0 ? 0 : deadline_after_ns(ns));
}

}  // extern "C"
