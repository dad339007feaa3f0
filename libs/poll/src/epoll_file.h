// An epoll instance: the file behind an epoll descriptor. Each registered descriptor
// is an Entry, queued as a PollWaiter on its file; the file's notifications feed the
// ready list (EpollSet) and wake epoll_wait. poll() on the epoll descriptor itself
// says POLLIN while something is queued, so instances nest.
//
// A registration holds a reference to the file. Linux drops a registration when the
// file's last descriptor is closed; here wait() and ctl() drop any entry whose file
// only the entry still references, so a server that closes a connection without
// EPOLL_CTL_DEL releases it at its next epoll_wait.
#pragma once

#include <cstdint>

#include <cairn/sched/sync.h>
#include <cairn/vfs/open_file.h>

#include "epoll_set.h"

struct epoll_event;

namespace cairn::poll {

class EpollFile final : public vfs::OpenFile {
 public:
  EpollFile();
  // `file` as an epoll instance, or null (there is no RTTI: instances are listed).
  static EpollFile* from(vfs::OpenFile* file);

  Result<void> add(int fd, std::uint32_t events, std::uint64_t data);
  Result<void> modify(int fd, std::uint32_t events, std::uint64_t data);
  Result<void> remove(int fd);
  // Up to `max` events; waits until `deadline_ns` (0: do not wait) for the first.
  Result<int> wait(struct epoll_event* out, int max, std::uint64_t deadline_ns);

  std::uint32_t poll(vfs::PollWaiter* waiter) override;
  void cancel_poll(vfs::PollWaiter& waiter) override;
  Result<vfs::Attributes> stat() override;

 protected:
  ~EpollFile() override;

 private:
  class Entry;

  Result<Entry*> find(int fd, vfs::OpenFile* file);
  void drop(Entry& entry);
  void drop_closed();
  bool watches(vfs::OpenFile* file);
  int harvest(struct epoll_event* out, int max);
  void on_event(Entry& entry, std::uint32_t events);

  vfs::Mutex lock_;  // registrations and harvesting
  Entry** by_fd_ = nullptr;
  int capacity_ = 0;
  Entry* entries_ = nullptr;  // all registrations, for drop_closed()
  // Under the scheduler lock (files notify under it):
  EpollSet ready_;
  sched::WaitQueue waiters_;
  vfs::PollQueue watchers_;  // poll() on this descriptor
  EpollFile* next_instance_ = nullptr;
};

}  // namespace cairn::poll
