#include "poll_files.h"

#include <cerrno>
#include <new>

#include <cairn/sched/thread.h>
#include <cairn/vfs/fd_table.h>

#include "sleeper.h"

namespace cairn::poll {
namespace {

// One watched descriptor: the file (held for the whole call, so a close() by another
// thread cannot free it under us) and the waiter queued on it.
class Slot final : public vfs::PollWaiter {
 public:
  void notify(std::uint32_t) override { sleeper->wake(); }
  Sleeper* sleeper = nullptr;
  vfs::RefPtr<vfs::OpenFile> file;
  bool looked_up = false;
};

// What poll() reports for what the file says: POLLRDNORM/POLLWRNORM follow POLLIN and
// POLLOUT; errors and hang-ups are always reported.
constexpr std::uint32_t kRdNorm = 0x040, kWrNorm = 0x100;
std::uint32_t report(std::uint32_t ready, std::uint32_t wanted) {
  if (ready & vfs::kPollIn) ready |= kRdNorm;
  if (ready & vfs::kPollOut) ready |= kWrNorm;
  return ready & (wanted | vfs::kPollErr | vfs::kPollHup);
}

int one_pass(std::span<PollRequest> requests, Slot* slots, bool queue) {
  int ready = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    PollRequest& r = requests[i];
    r.revents = 0;
    if (r.fd < 0) continue;
    Slot& slot = slots[i];
    if (!slot.looked_up) {
      slot.looked_up = true;
      auto file = vfs::get_fd(r.fd);
      if (file) slot.file = file.value();
    }
    if (!slot.file) {
      r.revents = vfs::kPollNval;
      ++ready;
      continue;
    }
    r.revents = report(slot.file->poll(queue ? &slot : nullptr), r.events);
    if (r.revents) ++ready;
  }
  return ready;
}

}  // namespace

void yield_if_not_slept() { sched::yield(); }

Result<int> poll_files(std::span<PollRequest> requests, std::uint64_t deadline_ns) {
  // Small calls (the common case) need no allocation.
  constexpr std::size_t kOnStack = 8;
  Slot stack_slots[kOnStack];
  Slot* slots = stack_slots;
  if (requests.size() > kOnStack) {
    slots = new (std::nothrow) Slot[requests.size()];
    if (!slots) return Error(ENOMEM, "out of memory for poll");
  }
  Sleeper sleeper;
  for (std::size_t i = 0; i < requests.size(); ++i) slots[i].sleeper = &sleeper;

  bool may_wait = deadline_ns != 0;
  bool slept = false;
  int ready = 0;
  for (;;) {
    sleeper.reset();
    ready = one_pass(requests, slots, may_wait);
    if (ready || !may_wait) break;
    slept = true;
    if (!sleeper.sleep(deadline_ns)) may_wait = false;  // one last look, then 0
  }
  for (std::size_t i = 0; i < requests.size(); ++i)
    if (slots[i].file) slots[i].file->cancel_poll(slots[i]);
  if (slots != stack_slots) delete[] slots;
  if (!slept) yield_if_not_slept();
  return ready;
}

}  // namespace cairn::poll
