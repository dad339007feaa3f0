// OpenFile's defaults and the poll queue.
#include <fcntl.h>
#include <cerrno>

#include <cairn/vfs/open_file.h>

namespace cairn::vfs {

OpenFile::OpenFile(int status_flags) : status_flags_(status_flags) {}

Result<std::size_t> OpenFile::read(std::span<std::byte>) {
  return Error(EINVAL, "file cannot be read");
}
Result<std::size_t> OpenFile::write(std::span<const std::byte>) {
  return Error(EINVAL, "file cannot be written");
}
Result<std::size_t> OpenFile::read_vector(std::span<const IoBuffer> buffers) {
  std::size_t total = 0;
  for (const IoBuffer& b : buffers) {
    if (b.length == 0) continue;
    auto n = read({static_cast<std::byte*>(b.base), b.length});
    if (!n) {
      if (total) break;
      return n.error();
    }
    total += n.value();
    if (n.value() < b.length) break;
  }
  return total;
}
Result<std::size_t> OpenFile::write_vector(std::span<const IoBuffer> buffers) {
  std::size_t total = 0;
  for (const IoBuffer& b : buffers) {
    if (b.length == 0) continue;
    auto n = write({static_cast<const std::byte*>(b.base), b.length});
    if (!n) {
      if (total) break;
      return n.error();
    }
    total += n.value();
    if (n.value() < b.length) break;
  }
  return total;
}
Result<std::size_t> OpenFile::pread(std::span<std::byte>, std::uint64_t) {
  return Error(ESPIPE, "file is not seekable");
}
Result<std::size_t> OpenFile::pwrite(std::span<const std::byte>, std::uint64_t) {
  return Error(ESPIPE, "file is not seekable");
}
Result<std::int64_t> OpenFile::seek(std::int64_t, int) {
  return Error(ESPIPE, "file is not seekable");
}
Result<int> OpenFile::ioctl(unsigned long, void*) {
  return Error(ENOTTY, "inappropriate ioctl for this file");
}
std::uint32_t OpenFile::poll(PollWaiter*) { return kPollIn | kPollOut; }
void OpenFile::cancel_poll(PollWaiter&) {}
Result<Attributes> OpenFile::stat() { return Attributes{}; }
Result<void> OpenFile::truncate(std::uint64_t) { return Error(EINVAL, "not a regular file"); }
Result<void> OpenFile::sync(bool) { return Error(EINVAL, "file cannot be synced"); }
// Linux lets fchmod() change a pipe's or socket's inode; there is none here to keep.
Result<void> OpenFile::setattr(const AttributeChanges&) { return {}; }
Result<void> OpenFile::readdir(DirSink&) { return Error(ENOTDIR, "not a directory"); }

void OpenFile::set_status_flags(int flags) {
  constexpr int kChangeable = O_APPEND | O_NONBLOCK;
  int current = status_flags();
  __atomic_store_n(&status_flags_, (current & ~kChangeable) | (flags & kChangeable),
                   __ATOMIC_RELAXED);
}

bool OpenFile::readable() const { return (status_flags() & O_ACCMODE) != O_WRONLY; }
bool OpenFile::writable() const { return (status_flags() & O_ACCMODE) != O_RDONLY; }
bool OpenFile::nonblocking() const { return (status_flags() & O_NONBLOCK) != 0; }

PollQueue::~PollQueue() {
  IrqLock lock;
  while (head_) {
    PollWaiter* w = head_;
    head_ = w->next_;
    w->next_ = w->prev_ = nullptr;
    w->queue_ = nullptr;
  }
}

void PollQueue::add(PollWaiter& waiter) {
  IrqLock lock;
  if (waiter.queue_ == this) return;
  waiter.queue_ = this;
  waiter.prev_ = nullptr;
  waiter.next_ = head_;
  if (head_) head_->prev_ = &waiter;
  head_ = &waiter;
}

void PollQueue::remove(PollWaiter& waiter) {
  IrqLock lock;
  if (waiter.queue_ != this) return;
  if (waiter.prev_)
    waiter.prev_->next_ = waiter.next_;
  else
    head_ = waiter.next_;
  if (waiter.next_) waiter.next_->prev_ = waiter.prev_;
  waiter.next_ = waiter.prev_ = nullptr;
  waiter.queue_ = nullptr;
}

void PollQueue::notify(std::uint32_t events) {
  IrqLock lock;
  for (PollWaiter* w = head_; w; w = w->next_) w->notify(events);
}

}  // namespace cairn::vfs
