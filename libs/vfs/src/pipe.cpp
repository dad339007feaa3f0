#include "pipe.h"

#include <fcntl.h>
#include <cerrno>
#include <cstring>
#include <new>

#include <cairn/vfs/lock.h>

namespace cairn::vfs {
namespace {

std::uint64_t next_pipe_ino = 1;

std::size_t total_length(std::span<const IoBuffer> buffers) {
  std::size_t total = 0;
  for (const IoBuffer& b : buffers) total += b.length;
  return total;
}

// A position in a list of buffers, copied into or out of piece by piece.
class Cursor {
 public:
  explicit Cursor(std::span<const IoBuffer> buffers) : buffers_(buffers) {}
  void copy_in(const std::byte* from, std::size_t n) {
    step(n, [&](std::byte* at, std::size_t chunk) {
      std::memcpy(at, from, chunk);
      from += chunk;
    });
  }
  void copy_out(std::byte* to, std::size_t n) {
    step(n, [&](std::byte* at, std::size_t chunk) {
      std::memcpy(to, at, chunk);
      to += chunk;
    });
  }

 private:
  template <typename Copy>
  void step(std::size_t n, Copy copy) {
    while (n > 0) {
      const IoBuffer& b = buffers_[index_];
      std::size_t chunk = b.length - offset_;
      if (chunk > n) chunk = n;
      if (chunk) copy(static_cast<std::byte*>(b.base) + offset_, chunk);
      n -= chunk;
      offset_ += chunk;
      if (offset_ == b.length) {
        ++index_;
        offset_ = 0;
      }
    }
  }

  std::span<const IoBuffer> buffers_;
  std::size_t index_ = 0;
  std::size_t offset_ = 0;
};

class Pipe final : public RefCounted {
 public:
  Pipe(std::byte* buffer, std::size_t capacity)
      : buffer_(buffer),
        capacity_(capacity),
        ino_(__atomic_fetch_add(&next_pipe_ino, 1, __ATOMIC_RELAXED)) {}

  // readv/writev move the whole vector under one lock: a read waits only until some data
  // is there (never again between buffers), and a write of up to PIPE_BUF bytes in all
  // goes in whole, as with Linux.
  Result<std::size_t> read(std::span<const IoBuffer> out, bool nonblocking) {
    const std::size_t wanted = total_length(out);
    if (wanted == 0) return std::size_t{0};
    MutexLocker lock(lock_);
    while (count_ == 0) {
      if (writers_ == 0) return std::size_t{0};  // end of file
      if (nonblocking) return Error(EAGAIN, "pipe is empty");
      readable_.wait(lock_);
    }
    const std::size_t n = wanted < count_ ? wanted : count_;
    Cursor to{out};
    for (std::size_t done = 0; done < n;) {
      std::size_t chunk = capacity_ - head_;
      if (chunk > n - done) chunk = n - done;
      to.copy_in(buffer_ + head_, chunk);
      head_ = (head_ + chunk) % capacity_;
      done += chunk;
    }
    count_ -= n;
    writable_.broadcast();
    poll_.notify(kPollOut);
    return n;
  }

  Result<std::size_t> write(std::span<const IoBuffer> in, bool nonblocking) {
    const std::size_t total = total_length(in);
    MutexLocker lock(lock_);
    std::size_t done = 0;
    Cursor from{in};
    // A write that fits in PIPE_BUF goes in whole or not at all.
    bool atomic = total <= kPipeAtomic;
    while (done < total) {
      if (readers_ == 0) {
        if (done) return done;
        return Error(EPIPE, "no reader on the pipe");
      }
      std::size_t room = capacity_ - count_;
      std::size_t wanted = total - done;
      if (room == 0 || (atomic && room < wanted)) {
        if (nonblocking) {
          if (done) return done;
          return Error(EAGAIN, "pipe is full");
        }
        writable_.wait(lock_);
        continue;
      }
      std::size_t n = wanted < room ? wanted : room;
      std::size_t tail = (head_ + count_) % capacity_;
      for (std::size_t copied = 0; copied < n;) {
        std::size_t chunk = capacity_ - tail;
        if (chunk > n - copied) chunk = n - copied;
        from.copy_out(buffer_ + tail, chunk);
        tail = (tail + chunk) % capacity_;
        copied += chunk;
      }
      count_ += n;
      done += n;
      readable_.broadcast();
      poll_.notify(kPollIn);
    }
    return done;
  }

  std::uint32_t poll(bool reader, PollWaiter* waiter) {
    MutexLocker lock(lock_);
    if (waiter) poll_.add(*waiter);
    std::uint32_t events = 0;
    if (reader) {
      if (count_ > 0) events |= kPollIn;
      if (writers_ == 0) events |= kPollHup;
    } else {
      if (capacity_ - count_ >= kPipeAtomic || capacity_ - count_ == capacity_) events |= kPollOut;
      if (readers_ == 0) events |= kPollErr;
    }
    return events;
  }
  void cancel_poll(PollWaiter& waiter) { poll_.remove(waiter); }

  std::size_t available() {
    MutexLocker lock(lock_);
    return count_;
  }

  void open_end(bool reader) {
    MutexLocker lock(lock_);
    ++(reader ? readers_ : writers_);
  }
  void close_end(bool reader) {
    MutexLocker lock(lock_);
    --(reader ? readers_ : writers_);
    readable_.broadcast();
    writable_.broadcast();
    poll_.notify(reader ? kPollErr : kPollHup | kPollIn);
  }
  std::uint64_t ino() const { return ino_; }

 protected:
  ~Pipe() override { delete[] buffer_; }

 private:
  Mutex lock_;
  CondVar readable_;
  CondVar writable_;
  PollQueue poll_;
  std::byte* buffer_;
  std::size_t capacity_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  int readers_ = 0;
  int writers_ = 0;
  std::uint64_t ino_;
};

class PipeEnd final : public OpenFile {
 public:
  PipeEnd(RefPtr<Pipe> pipe, bool reader, int flags)
      : OpenFile((reader ? O_RDONLY : O_WRONLY) | (flags & O_NONBLOCK)),
        pipe_(static_cast<RefPtr<Pipe>&&>(pipe)),
        reader_(reader) {
    pipe_->open_end(reader_);
  }

  Result<std::size_t> read(std::span<std::byte> buffer) override {
    const IoBuffer one{buffer.data(), buffer.size()};
    return read_vector({&one, 1});
  }
  Result<std::size_t> write(std::span<const std::byte> data) override {
    const IoBuffer one{const_cast<std::byte*>(data.data()), data.size()};
    return write_vector({&one, 1});
  }
  Result<std::size_t> read_vector(std::span<const IoBuffer> buffers) override {
    if (!reader_) return Error(EBADF, "write end of a pipe");
    return pipe_->read(buffers, nonblocking());
  }
  Result<std::size_t> write_vector(std::span<const IoBuffer> buffers) override {
    if (reader_) return Error(EBADF, "read end of a pipe");
    return pipe_->write(buffers, nonblocking());
  }
  Result<int> ioctl(unsigned long request, void* argument) override {
    if (request != kIoctlFionread) return OpenFile::ioctl(request, argument);
    *static_cast<int*>(argument) = static_cast<int>(pipe_->available());
    return 0;
  }
  std::uint32_t poll(PollWaiter* waiter) override { return pipe_->poll(reader_, waiter); }
  void cancel_poll(PollWaiter& waiter) override { pipe_->cancel_poll(waiter); }
  Result<Attributes> stat() override {
    Attributes a;
    a.ino = pipe_->ino();
    a.mode = kFifo | 0600;
    a.block_size = kPipeAtomic;
    return a;
  }

 protected:
  ~PipeEnd() override { pipe_->close_end(reader_); }

 private:
  RefPtr<Pipe> pipe_;
  bool reader_;
};

}  // namespace

Result<PipeEnds> make_pipe(int flags, std::size_t capacity) {
  auto* buffer = new (std::nothrow) std::byte[capacity];
  if (!buffer) return Error(ENOMEM, "out of memory for a pipe");
  auto pipe = make_ref<Pipe>(buffer, capacity);
  if (!pipe) {
    delete[] buffer;
    return pipe.error();
  }
  RefPtr<PipeEnd> read_end = TRY(make_ref<PipeEnd>(pipe.value(), true, flags));
  RefPtr<PipeEnd> write_end = TRY(make_ref<PipeEnd>(pipe.value(), false, flags));
  return PipeEnds{read_end, write_end};
}

}  // namespace cairn::vfs
