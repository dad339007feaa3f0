// The epoll calls (the signal mask of epoll_pwait is ignored: there are no signals).
#include <fcntl.h>
#include <sys/epoll.h>

#include <cairn/vfs/fd_table.h>

#include "epoll_file.h"
#include "errno_result.h"
#include "sleeper.h"

using namespace cairn;
using namespace cairn::poll;

namespace {

// Linux caps maxevents so the output array's size cannot overflow.
constexpr int kMaxEvents = 0x7fffffff / sizeof(struct epoll_event);

Result<int> create(int flags) {
  if (flags & ~EPOLL_CLOEXEC) return Error(EINVAL, "bad epoll_create1 flags");
  vfs::RefPtr<EpollFile> epoll = TRY(vfs::make_ref<EpollFile>());
  return vfs::install_fd(epoll, flags & EPOLL_CLOEXEC);
}

Result<void> control(int epfd, int op, int fd, struct epoll_event* event) {
  vfs::RefPtr<vfs::OpenFile> holder = TRY(vfs::get_fd(epfd));
  EpollFile* epoll = EpollFile::from(holder.get());
  if (!epoll) return Error(EINVAL, "not an epoll descriptor");
  if (epfd == fd) return Error(EINVAL, "an epoll instance cannot watch itself");
  if ((op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) && !event)
    return Error(EFAULT, "no epoll_event");
  switch (op) {
    case EPOLL_CTL_ADD:
      return epoll->add(fd, event->events, event->data.u64);
    case EPOLL_CTL_MOD:
      return epoll->modify(fd, event->events, event->data.u64);
    case EPOLL_CTL_DEL:
      return epoll->remove(fd);
    default:
      return Error(EINVAL, "bad epoll_ctl operation");
  }
}

Result<int> wait(int epfd, struct epoll_event* events, int max, int timeout_ms) {
  if (max <= 0 || max > kMaxEvents) return Error(EINVAL, "bad maxevents");
  vfs::RefPtr<vfs::OpenFile> holder = TRY(vfs::get_fd(epfd));
  EpollFile* epoll = EpollFile::from(holder.get());
  if (!epoll) return Error(EINVAL, "not an epoll descriptor");
  return epoll->wait(events, max, timeout_ms == 0 ? 0 : deadline_after_ms(timeout_ms));
}

}  // namespace

extern "C" {

int epoll_create(int size) {
  if (size <= 0) return fail(Error(EINVAL, "epoll_create size must be positive"));
  return static_cast<int>(value_or_fail(create(0)));
}

int epoll_create1(int flags) { return static_cast<int>(value_or_fail(create(flags))); }

int epoll_ctl(int epfd, int op, int fd, struct epoll_event* event) {
  return done_or_fail(control(epfd, op, fd, event));
}

int epoll_wait(int epfd, struct epoll_event* events, int max, int timeout_ms) {
  return static_cast<int>(value_or_fail(wait(epfd, events, max, timeout_ms)));
}

int epoll_pwait(int epfd, struct epoll_event* events, int max, int timeout_ms, const sigset_t*) {
  return epoll_wait(epfd, events, max, timeout_ms);
}

}  // extern "C"
