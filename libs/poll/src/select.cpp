// select() and pselect() over poll's engine. A descriptor is readable when poll says
// POLLIN, POLLHUP or POLLERR, writable on POLLOUT or POLLERR, exceptional on POLLPRI
// (Linux's sets). A closed descriptor in any set fails the call with EBADF.
#include <sys/select.h>
#include <sys/time.h>

#include <cstring>
#include <new>

#include <cairn/vfs/fd_table.h>

#include "errno_result.h"
#include "poll_files.h"
#include "sleeper.h"

using namespace cairn;
using namespace cairn::poll;

namespace {

constexpr std::uint32_t kReadSet = vfs::kPollIn | vfs::kPollHup | vfs::kPollErr;
constexpr std::uint32_t kWriteSet = vfs::kPollOut | vfs::kPollErr;
constexpr std::uint32_t kExceptSet = vfs::kPollPri;

constexpr int kBits = 8 * sizeof(fd_mask);
bool is_set(const fd_set* set, int fd) {
  return set && (set->fds_bits[fd / kBits] >> (fd % kBits)) & 1;
}
void set_bit(fd_set* set, int fd) { set->fds_bits[fd / kBits] |= 1ul << (fd % kBits); }
// Only the first `count` bits belong to the caller (its fd_set may be smaller than ours
// if it defined FD_SETSIZE itself).
void clear_bits(fd_set* set, int count) {
  if (set) std::memset(set, 0, (count + kBits - 1) / kBits * sizeof(fd_mask));
}

int select_until(int count, fd_set* read, fd_set* write, fd_set* except,
                 std::uint64_t deadline_ns) {
  if (count < 0 || count > vfs::fd_table().max_fds())
    return fail(Error(EINVAL, "bad descriptor count"));
  int watched = 0;
  for (int fd = 0; fd < count; ++fd)
    if (is_set(read, fd) || is_set(write, fd) || is_set(except, fd)) ++watched;
  PollRequest* requests = new (std::nothrow) PollRequest[watched ? watched : 1];
  if (!requests) return fail(Error(ENOMEM, "out of memory for select"));
  int n = 0;
  for (int fd = 0; fd < count; ++fd) {
    std::uint32_t events = (is_set(read, fd) ? vfs::kPollIn : 0) |
                           (is_set(write, fd) ? vfs::kPollOut : 0) |
                           (is_set(except, fd) ? vfs::kPollPri : 0);
    if (events) requests[n++] = {fd, events};
  }
  auto ready = poll_files({requests, static_cast<std::size_t>(n)}, deadline_ns);
  int result = -1;
  if (!ready) {
    fail(ready.error());
  } else {
    result = 0;
    for (int i = 0; i < n; ++i)
      if (requests[i].revents & vfs::kPollNval) {
        result = fail(Error(EBADF, "bad descriptor in select"));
        break;
      }
  }
  if (result == 0) {
    clear_bits(read, count);
    clear_bits(write, count);
    clear_bits(except, count);
    for (int i = 0; i < n; ++i) {
      const PollRequest& r = requests[i];
      bool readable = (r.events & vfs::kPollIn) && (r.revents & kReadSet);
      bool writable = (r.events & vfs::kPollOut) && (r.revents & kWriteSet);
      bool exceptional = (r.events & vfs::kPollPri) && (r.revents & kExceptSet);
      if (readable) set_bit(read, r.fd);
      if (writable) set_bit(write, r.fd);
      if (exceptional) set_bit(except, r.fd);
      // Linux counts each bit set, not each descriptor.
      result += readable + writable + exceptional;
    }
  }
  delete[] requests;
  return result;
}

}  // namespace

extern "C" {

int select(int count, fd_set* read, fd_set* write, fd_set* except, struct timeval* timeout) {
  std::uint64_t deadline = sched::kForever;
  if (timeout) {
    if (timeout->tv_sec < 0 || timeout->tv_usec < 0) return fail(Error(EINVAL, "bad timeout"));
    std::uint64_t ns = static_cast<std::uint64_t>(timeout->tv_sec) * 1'000'000'000 +
                       static_cast<std::uint64_t>(timeout->tv_usec) * 1000;
    deadline = ns == 0 ? 0 : deadline_after_ns(ns);
  }
  // Linux writes the time left back; programs that loop on select() rely on it.
  int result = select_until(count, read, write, except, deadline);
  if (timeout && deadline != 0) {
    std::uint64_t now = time::monotonic_ns();
    std::uint64_t left = result == 0 || now >= deadline ? 0 : deadline - now;
    timeout->tv_sec = static_cast<time_t>(left / 1'000'000'000);
    timeout->tv_usec = static_cast<suseconds_t>(left % 1'000'000'000 / 1000);
  }
  return result;
}

int pselect(int count, fd_set* read, fd_set* write, fd_set* except, const struct timespec* timeout,
            const sigset_t*) {
  std::uint64_t deadline = sched::kForever;
  if (timeout) {
    if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1'000'000'000)
      return fail(Error(EINVAL, "bad timeout"));
    std::uint64_t ns = static_cast<std::uint64_t>(timeout->tv_sec) * 1'000'000'000 +
                       static_cast<std::uint64_t>(timeout->tv_nsec);
    deadline = ns == 0 ? 0 : deadline_after_ns(ns);
  }
  return select_until(count, read, write, except, deadline);
}

}  // extern "C"
