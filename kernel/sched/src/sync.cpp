// Semaphores, reader-writer locks and once, on wait queues.
#include <cerrno>
#include <cstdint>

#include "thread_internal.h"

namespace cairn::sched {

int Semaphore::wait(std::uint64_t deadline_ns) {
  SchedLock lock;
  while (count_ == 0)
    if (!waiters_.wait(deadline_ns)) return ETIMEDOUT;
  --count_;
  return 0;
}

int Semaphore::try_wait() {
  SchedLock lock;
  if (count_ == 0) return EAGAIN;
  --count_;
  return 0;
}

int Semaphore::post() {
  SchedLock lock;
  if (count_ == UINT32_MAX) return EOVERFLOW;
  ++count_;
  waiters_.wake_one();
  return 0;
}

int RwLock::read_lock(std::uint64_t deadline_ns) {
  SchedLock lock;
  if (writer_ == current()) return EDEADLK;
  while (writer_ || writers_waiting_)
    if (!read_waiters_.wait(deadline_ns)) return ETIMEDOUT;
  if (readers_ == UINT32_MAX) return EAGAIN;
  ++readers_;
  return 0;
}

int RwLock::try_read_lock() {
  SchedLock lock;
  if (writer_ || writers_waiting_ || readers_ == UINT32_MAX) return EBUSY;
  ++readers_;
  return 0;
}

int RwLock::write_lock(std::uint64_t deadline_ns) {
  Thread* self = current();
  SchedLock lock;
  if (writer_ == self) return EDEADLK;
  ++writers_waiting_;
  while (writer_ || readers_) {
    if (!write_waiters_.wait(deadline_ns)) {
      // Readers held back for this writer may go now.
      if (--writers_waiting_ == 0 && !writer_) read_waiters_.wake_all();
      return ETIMEDOUT;
    }
  }
  --writers_waiting_;
  writer_ = self;
  return 0;
}

int RwLock::try_write_lock() {
  SchedLock lock;
  if (writer_ || readers_) return EBUSY;
  writer_ = current();
  return 0;
}

int RwLock::unlock() {
  SchedLock lock;
  if (writer_) {
    if (writer_ != current()) return EPERM;
    writer_ = nullptr;
  } else if (readers_ > 0) {
    --readers_;
  } else {
    return EPERM;
  }
  if (writer_ || readers_) return 0;
  if (writers_waiting_)
    write_waiters_.wake_one();
  else
    read_waiters_.wake_all();
  return 0;
}

void Once::call(void (*function)(void*), void* argument) {
  if (__atomic_load_n(&state_, __ATOMIC_ACQUIRE) == kDone) return;
  {
    SchedLock lock;
    while (state_ == kRunning) waiters_.wait();
    if (state_ == kDone) return;
    state_ = kRunning;
  }
  function(argument);
  SchedLock lock;
  __atomic_store_n(&state_, kDone, __ATOMIC_RELEASE);
  waiters_.wake_all();
}

}  // namespace cairn::sched
