// An open file: what a file descriptor refers to (implementer-facing). dup() and
// fork-less sharing give several descriptors the same OpenFile, hence the same offset
// and status flags, as POSIX says. Regular files and directories are VnodeFiles; pipes,
// devices, the console and (later) sockets implement OpenFile directly.
//
// Every operation has a default that fails as Linux does for a file that does not
// support it (ESPIPE for seeking a pipe, ENOTTY for ioctl, EINVAL for fsync of a pipe).
// Blocking operations honour O_NONBLOCK in status_flags() with EAGAIN.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <cairn/kernel/result.h>
#include <cairn/vfs/lock.h>
#include <cairn/vfs/ref_ptr.h>
#include <cairn/vfs/types.h>
#include <cairn/vfs/vnode.h>

namespace cairn::vfs {

class PollQueue;

// Someone waiting for events on files (poll, select, epoll). notify() runs with the
// queue's IrqLock held, possibly in an interrupt handler or another thread: it must
// only record the events and wake its thread (post a semaphore, wake a wait queue).
class PollWaiter {
 public:
  virtual void notify(std::uint32_t events) = 0;

 protected:
  ~PollWaiter() = default;

 private:
  friend class PollQueue;
  PollWaiter* next_ = nullptr;
  PollWaiter* prev_ = nullptr;
  PollQueue* queue_ = nullptr;
};

// The waiters of one file. A file calls notify() whenever it may have become readable,
// writable, hung up or failed. Safe from any thread and from interrupt handlers.
class PollQueue {
 public:
  PollQueue() = default;
  ~PollQueue();
  PollQueue(const PollQueue&) = delete;
  PollQueue& operator=(const PollQueue&) = delete;

  void add(PollWaiter& waiter);
  void remove(PollWaiter& waiter);  // no-op when not queued here
  void notify(std::uint32_t events);

 private:
  PollWaiter* head_ = nullptr;
};

// One buffer of a scatter-gather transfer (readv/writev), laid out as struct iovec.
struct IoBuffer {
  void* base;
  std::size_t length;
};

class OpenFile : public RefCounted {
 public:
  // `status_flags`: the access mode (O_RDONLY/O_WRONLY/O_RDWR) and O_APPEND, O_NONBLOCK.
  explicit OpenFile(int status_flags);

  // Reads or writes at the file's offset (streams: at their head or tail).
  virtual Result<std::size_t> read(std::span<std::byte> buffer);
  virtual Result<std::size_t> write(std::span<const std::byte> data);
  // readv/writev at the file's offset. The default calls read()/write() per buffer and
  // stops at the first short transfer; a stream that must not block once some data
  // has moved (a socket) overrides them with one transfer.
  virtual Result<std::size_t> read_vector(std::span<const IoBuffer> buffers);
  virtual Result<std::size_t> write_vector(std::span<const IoBuffer> buffers);
  // At an explicit offset, leaving the file's offset alone. ESPIPE when not seekable.
  virtual Result<std::size_t> pread(std::span<std::byte> buffer, std::uint64_t offset);
  virtual Result<std::size_t> pwrite(std::span<const std::byte> data, std::uint64_t offset);
  // lseek: `whence` is SEEK_SET/SEEK_CUR/SEEK_END. ESPIPE when not seekable.
  virtual Result<std::int64_t> seek(std::int64_t offset, int whence);
  // ioctl requests the file understands (FIONREAD, TIOCGWINSZ, FIONBIO...); ENOTTY.
  virtual Result<int> ioctl(unsigned long request, void* argument);
  // The events ready now (kPollIn, kPollOut, kPollHup, kPollErr). With a `waiter`,
  // also queues it until cancel_poll(), so it is told when that changes. Files that
  // never block (regular files, /dev/null) are always ready and queue nothing.
  virtual std::uint32_t poll(PollWaiter* waiter);
  virtual void cancel_poll(PollWaiter& waiter);
  // fstat: attributes (a pipe reports kFifo, a socket kSocket).
  virtual Result<Attributes> stat();
  virtual Result<void> truncate(std::uint64_t length);            // EINVAL unless a regular file
  virtual Result<void> sync(bool data_only);                      // EINVAL unless a file
  virtual Result<void> setattr(const AttributeChanges& changes);  // fchmod, futimens
  // Entries of an open directory, from where the last call stopped (ENOTDIR).
  virtual Result<void> readdir(DirSink& sink);
  // The vnode behind the file (fchdir, openat's directory), or null.
  virtual Vnode* vnode() { return nullptr; }
  virtual bool is_terminal() const { return false; }  // isatty

  // F_GETFL / F_SETFL. Only O_APPEND and O_NONBLOCK change; a file that must react to
  // O_NONBLOCK (a socket) overrides set_status_flags and calls the base.
  int status_flags() const { return __atomic_load_n(&status_flags_, __ATOMIC_RELAXED); }
  virtual void set_status_flags(int flags);
  bool readable() const;
  bool writable() const;
  bool nonblocking() const;

 protected:
  ~OpenFile() override = default;

 private:
  int status_flags_;
};

// A regular file, directory or symlink opened through the VFS: per-open offset and
// directory position, reads and writes through the vnode. A remote filesystem that
// needs an opened handle (9P: the fid after Tlopen) subclasses this and overrides
// read_at/write_at/append_at (and sync).
class VnodeFile : public OpenFile {
 public:
  VnodeFile(RefPtr<Vnode> vnode, int status_flags);

  Result<std::size_t> read(std::span<std::byte> buffer) override;
  Result<std::size_t> write(std::span<const std::byte> data) override;
  Result<std::size_t> pread(std::span<std::byte> buffer, std::uint64_t offset) override;
  Result<std::size_t> pwrite(std::span<const std::byte> data, std::uint64_t offset) override;
  Result<std::int64_t> seek(std::int64_t offset, int whence) override;
  Result<int> ioctl(unsigned long request, void* argument) override;
  Result<Attributes> stat() override;
  Result<void> truncate(std::uint64_t length) override;
  Result<void> sync(bool data_only) override;
  Result<void> setattr(const AttributeChanges& changes) override;
  Result<void> readdir(DirSink& sink) override;
  Vnode* vnode() override { return vnode_.get(); }

 protected:
  ~VnodeFile() override = default;
  virtual Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> buffer);
  virtual Result<std::size_t> write_at(std::uint64_t offset, std::span<const std::byte> data);
  virtual Result<std::size_t> append_at_end(std::span<const std::byte> data, std::uint64_t& end);

 private:
  RefPtr<Vnode> vnode_;
  // Held across a read or write through the file offset, so that threads sharing the
  // file see whole operations (Linux's f_pos_lock); pread/pwrite do not take it.
  Mutex position_lock_;
  std::uint64_t offset_ = 0;
  std::uint64_t dir_cookie_ = 0;
};

}  // namespace cairn::vfs
