// Mutexes hand ownership straight to the longest waiter on unlock, so a woken waiter
// never finds the mutex taken again (no thundering herd, no starvation).
#include <cerrno>
#include <cstdint>

#include "thread_internal.h"

namespace cairn::sched {

int Mutex::lock(std::uint64_t deadline_ns) {
  Thread* self = current();
  SchedLock lock;
  if (!owner_) {
    owner_ = self;
    depth_ = 1;
    return 0;
  }
  if (owner_ == self) {
    if (kind_ == MutexKind::kRecursive) {
      if (depth_ == UINT32_MAX) return EAGAIN;
      ++depth_;
      return 0;
    }
    if (kind_ == MutexKind::kErrorCheck) return EDEADLK;
    // A normal mutex locked twice by its owner deadlocks, as POSIX says.
  }
  while (owner_ != self)
    if (!waiters_.wait(deadline_ns)) return ETIMEDOUT;
  return 0;
}

int Mutex::try_lock() {
  Thread* self = current();
  SchedLock lock;
  if (!owner_) {
    owner_ = self;
    depth_ = 1;
    return 0;
  }
  if (owner_ == self && kind_ == MutexKind::kRecursive && depth_ < UINT32_MAX) {
    ++depth_;
    return 0;
  }
  return EBUSY;
}

int Mutex::unlock() {
  SchedLock lock;
  if (owner_ != current()) return EPERM;
  if (--depth_ > 0) return 0;
  if (Thread* next = waiters_.first()) {
    owner_ = next;
    depth_ = 1;
    waiters_.wake_one();
  } else {
    owner_ = nullptr;
  }
  return 0;
}

bool Mutex::held_by_current_thread() const { return owner_ == current(); }

int CondVar::wait(Mutex& mutex, std::uint64_t deadline_ns) {
  Thread* self = current();
  SchedLock lock;
  if (mutex.owner_ != self) return EPERM;
  // Release the mutex completely (a recursive one may be held several times) and
  // start waiting in one step: the lock keeps a signal from slipping in between.
  std::uint32_t depth = mutex.depth_;
  mutex.depth_ = 1;
  mutex.unlock();
  bool woken = waiters_.wait(deadline_ns);
  while (mutex.owner_ != self) {
    if (!mutex.owner_) {
      mutex.owner_ = self;
      break;
    }
    mutex.waiters_.wait();
  }
  mutex.depth_ = depth;
  return woken ? 0 : ETIMEDOUT;
}

void CondVar::signal() { waiters_.wake_one(); }
void CondVar::broadcast() { waiters_.wake_all(); }

}  // namespace cairn::sched
