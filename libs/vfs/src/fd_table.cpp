// The file-descriptor table: a growable array of owning pointers, lowest free first.
// close() drops the table's reference outside the lock, so an OpenFile's destructor
// (a 9P clunk, a socket's teardown) never runs with the table locked.
#include <cerrno>
#include <new>

#include <cairn/vfs/fd_table.h>

namespace cairn::vfs {

FdTable::FdTable(int max_fds) : max_fds_(max_fds) {}

FdTable::~FdTable() {
  close_all();
  delete[] entries_;
}

Result<void> FdTable::grow(int needed) {
  if (needed <= capacity_) return {};
  int capacity = capacity_ ? capacity_ : 16;
  while (capacity < needed) capacity *= 2;
  if (capacity > max_fds_) capacity = max_fds_;
  Entry* fresh = new (std::nothrow) Entry[capacity]();
  if (!fresh) return Error(ENOMEM, "out of memory");
  for (int i = 0; i < capacity_; ++i) fresh[i] = entries_[i];
  delete[] entries_;
  entries_ = fresh;
  capacity_ = capacity;
  return {};
}

Result<int> FdTable::install(RefPtr<OpenFile> file, bool cloexec, int minimum) {
  if (minimum < 0 || minimum >= max_fds_) return Error(EINVAL, "descriptor out of range");
  MutexLocker lock(lock_);
  int fd = minimum;
  while (fd < capacity_ && entries_[fd].file) ++fd;
  if (fd >= max_fds_) return Error(EMFILE, "too many open files");
  TRY(grow(fd + 1));
  entries_[fd] = {file.leak(), cloexec};
  return fd;
}

Result<void> FdTable::install_at(int fd, RefPtr<OpenFile> file, bool cloexec) {
  if (fd < 0 || fd >= max_fds_) return Error(EBADF, "descriptor out of range");
  OpenFile* previous = nullptr;
  {
    MutexLocker lock(lock_);
    TRY(grow(fd + 1));
    previous = entries_[fd].file;
    entries_[fd] = {file.leak(), cloexec};
  }
  if (previous) previous->unref();
  return {};
}

Result<RefPtr<OpenFile>> FdTable::get(int fd) {
  MutexLocker lock(lock_);
  if (fd < 0 || fd >= capacity_ || !entries_[fd].file) return Error(EBADF, "bad file descriptor");
  return RefPtr<OpenFile>(entries_[fd].file);
}

Result<void> FdTable::close(int fd) {
  OpenFile* file = nullptr;
  {
    MutexLocker lock(lock_);
    if (fd < 0 || fd >= capacity_ || !entries_[fd].file) return Error(EBADF, "bad file descriptor");
    file = entries_[fd].file;
    entries_[fd] = {nullptr, false};
  }
  file->unref();
  return {};
}

Result<bool> FdTable::cloexec(int fd) {
  MutexLocker lock(lock_);
  if (fd < 0 || fd >= capacity_ || !entries_[fd].file) return Error(EBADF, "bad file descriptor");
  return entries_[fd].cloexec;
}

Result<void> FdTable::set_cloexec(int fd, bool cloexec) {
  MutexLocker lock(lock_);
  if (fd < 0 || fd >= capacity_ || !entries_[fd].file) return Error(EBADF, "bad file descriptor");
  entries_[fd].cloexec = cloexec;
  return {};
}

void FdTable::close_all() {
  for (int fd = 0;; ++fd) {
    OpenFile* file = nullptr;
    {
      MutexLocker lock(lock_);
      if (fd >= capacity_) return;
      file = entries_[fd].file;
      entries_[fd] = {nullptr, false};
    }
    if (file) file->unref();
  }
}

}  // namespace cairn::vfs
