#include "epoll_file.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <cerrno>
#include <new>

#include <cairn/vfs/fd_table.h>

#include "poll_files.h"

namespace cairn::poll {

static_assert(O_RDWR == 2);
static_assert(EPOLLET == kEpollEt && EPOLLONESHOT == kEpollOneShot && EPOLLIN == vfs::kPollIn &&
              EPOLLRDHUP == vfs::kPollRdHup);

class EpollFile::Entry final : public vfs::PollWaiter, public EpollItem {
 public:
  Entry(EpollFile& owner, int fd, vfs::RefPtr<vfs::OpenFile> file)
      : owner(owner), fd(fd), file(static_cast<vfs::RefPtr<vfs::OpenFile>&&>(file)) {}
  void notify(std::uint32_t events) override { owner.on_event(*this, events); }

  EpollFile& owner;
  const int fd;
  vfs::RefPtr<vfs::OpenFile> file;
  Entry* next_entry = nullptr;
  Entry* prev_entry = nullptr;
};

namespace {
vfs::Mutex instances_lock;
EpollFile* instances = nullptr;
}  // namespace

EpollFile::EpollFile() : vfs::OpenFile(O_RDWR) {
  vfs::MutexLocker locked(instances_lock);
  next_instance_ = instances;
  instances = this;
}

EpollFile* EpollFile::from(vfs::OpenFile* file) {
  vfs::MutexLocker locked(instances_lock);
  for (EpollFile* e = instances; e; e = e->next_instance_)
    if (static_cast<vfs::OpenFile*>(e) == file) return e;
  return nullptr;
}

EpollFile::~EpollFile() {
  {
    vfs::MutexLocker locked(instances_lock);
    for (EpollFile** link = &instances; *link; link = &(*link)->next_instance_)
      if (*link == this) {
        *link = next_instance_;
        break;
      }
  }
  while (entries_) drop(*entries_);
  delete[] by_fd_;
}

// Under the scheduler lock, from the file's PollQueue.
void EpollFile::on_event(Entry& entry, std::uint32_t events) {
  if (!ready_.notify(entry, events)) return;
  waiters_.wake_all();
  watchers_.notify(vfs::kPollIn);
}

std::uint32_t EpollFile::poll(vfs::PollWaiter* waiter) {
  sched::SchedLock lock;
  if (waiter) watchers_.add(*waiter);
  return ready_.has_ready() ? vfs::kPollIn : 0;
}

void EpollFile::cancel_poll(vfs::PollWaiter& waiter) { watchers_.remove(waiter); }

Result<vfs::Attributes> EpollFile::stat() {
  vfs::Attributes a;
  a.mode = 0600;  // an anonymous inode, as on Linux
  return a;
}

// The entry for `fd` if it still watches `file`. An entry whose descriptor was closed
// and reused for another file is stale: it goes.
Result<EpollFile::Entry*> EpollFile::find(int fd, vfs::OpenFile* file) {
  if (fd >= capacity_ || !by_fd_[fd]) return static_cast<Entry*>(nullptr);
  Entry* entry = by_fd_[fd];
  if (entry->file.get() == file) return entry;
  drop(*entry);
  return static_cast<Entry*>(nullptr);
}

void EpollFile::drop(Entry& entry) {
  // No notification reaches the entry once it is off the file's queue.
  entry.file->cancel_poll(entry);
  {
    sched::SchedLock lock;
    ready_.remove(entry);
  }
  if (entry.prev_entry)
    entry.prev_entry->next_entry = entry.next_entry;
  else
    entries_ = entry.next_entry;
  if (entry.next_entry) entry.next_entry->prev_entry = entry.prev_entry;
  by_fd_[entry.fd] = nullptr;
  delete &entry;
}

bool EpollFile::watches(vfs::OpenFile* file) {
  vfs::MutexLocker locked(lock_);
  for (Entry* entry = entries_; entry; entry = entry->next_entry)
    if (entry->file.get() == file) return true;
  return false;
}

void EpollFile::drop_closed() {
  for (Entry* entry = entries_; entry;) {
    Entry* next = entry->next_entry;
    if (entry->file->ref_count() == 1) drop(*entry);
    entry = next;
  }
}

Result<void> EpollFile::add(int fd, std::uint32_t events, std::uint64_t data) {
  vfs::RefPtr<vfs::OpenFile> file = TRY(vfs::get_fd(fd));
  if (file.get() == this) return Error(EINVAL, "an epoll instance cannot watch itself");
  // An instance watching another that watches it would keep both alive forever.
  if (EpollFile* inner = from(file.get()); inner && inner->watches(this))
    return Error(ELOOP, "epoll instances would watch each other");
  // Regular files and directories are always ready: Linux refuses them.
  if (vfs::Vnode* vnode = file->vnode();
      vnode && (vnode->type() == vfs::kRegular || vnode->type() == vfs::kDirectory))
    return Error(EPERM, "epoll does not watch regular files");
  vfs::MutexLocker locked(lock_);
  if (TRY(find(fd, file.get()))) return Error(EEXIST, "descriptor already registered");
  if (fd >= capacity_) {
    int capacity = capacity_ ? capacity_ : 64;
    while (capacity <= fd) capacity *= 2;
    Entry** grown = new (std::nothrow) Entry*[capacity]();
    if (!grown) return Error(ENOMEM, "out of memory for epoll");
    for (int i = 0; i < capacity_; ++i) grown[i] = by_fd_[i];
    delete[] by_fd_;
    by_fd_ = grown;
    capacity_ = capacity;
  }
  Entry* entry = new (std::nothrow) Entry(*this, fd, file);
  if (!entry) return Error(ENOMEM, "out of memory for epoll");
  by_fd_[fd] = entry;
  entry->next_entry = entries_;
  if (entries_) entries_->prev_entry = entry;
  entries_ = entry;
  std::uint32_t current = file->poll(entry);
  sched::SchedLock lock;
  if (ready_.arm(*entry, events, data, current)) {
    waiters_.wake_all();
    watchers_.notify(vfs::kPollIn);
  }
  return {};
}

Result<void> EpollFile::modify(int fd, std::uint32_t events, std::uint64_t data) {
  vfs::RefPtr<vfs::OpenFile> file = TRY(vfs::get_fd(fd));
  vfs::MutexLocker locked(lock_);
  Entry* entry = TRY(find(fd, file.get()));
  if (!entry) return Error(ENOENT, "descriptor not registered");
  std::uint32_t current = file->poll(nullptr);
  sched::SchedLock lock;
  if (ready_.arm(*entry, events, data, current)) {
    waiters_.wake_all();
    watchers_.notify(vfs::kPollIn);
  }
  return {};
}

Result<void> EpollFile::remove(int fd) {
  vfs::RefPtr<vfs::OpenFile> file = TRY(vfs::get_fd(fd));
  vfs::MutexLocker locked(lock_);
  Entry* entry = TRY(find(fd, file.get()));
  if (!entry) return Error(ENOENT, "descriptor not registered");
  drop(*entry);
  return {};
}

// With lock_ held. Each queued item is taken, its file polled with no lock but ours
// (a file's poll may sleep on its own mutex), and put back as its mode says. Items
// requeued during this call wait for the next one, so a level-triggered descriptor is
// reported once per call.
int EpollFile::harvest(struct epoll_event* out, int max) {
  std::size_t budget;
  {
    sched::SchedLock lock;
    budget = ready_.ready_count();
  }
  int n = 0;
  for (; budget > 0 && n < max; --budget) {
    Entry* entry;
    {
      sched::SchedLock lock;
      entry = static_cast<Entry*>(ready_.take());
    }
    if (!entry) break;
    std::uint32_t current = entry->file->poll(nullptr);
    std::uint32_t events;
    {
      sched::SchedLock lock;
      events = ready_.finish(*entry, current);
    }
    if (events) {
      out[n].events = events;
      out[n].data.u64 = entry->data;
      ++n;
    }
  }
  return n;
}

Result<int> EpollFile::wait(struct epoll_event* out, int max, std::uint64_t deadline_ns) {
  for (bool slept = false;; slept = true) {
    int n;
    {
      vfs::MutexLocker locked(lock_);
      drop_closed();
      n = harvest(out, max);
    }
    if (n > 0 || deadline_ns == 0) {
      if (!slept) yield_if_not_slept();
      return n;
    }
    bool timed_out = false;
    {
      sched::SchedLock lock;
      while (!ready_.has_ready() && !timed_out) timed_out = !waiters_.wait(deadline_ns);
    }
    if (timed_out) deadline_ns = 0;  // one last harvest, then 0
  }
}

}  // namespace cairn::poll
