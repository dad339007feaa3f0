// Blocking synchronisation for threads: wait queues, mutexes (normal, recursive,
// error-checking), condition variables, semaphores, reader-writer locks and once.
//
// Every type is zero-initialisable and constexpr-constructible, so the pthreads
// library can embed them in its static initialisers. Deadlines are absolute
// monotonic nanoseconds (cairn/time/clock.h); kForever waits without one. Results are
// 0 or an errno value, as in POSIX. Waiting blocks the thread (it costs nothing while
// it waits); it is not allowed in interrupt context. Waking (wake_*, Semaphore::post)
// is allowed from interrupt handlers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::sched {

class Thread;

inline constexpr std::uint64_t kForever = UINT64_MAX;

// The scheduler's lock: on one CPU, interrupts off (and the previous state restored).
// Held while testing a condition and starting to wait on it, so that no wake-up is
// lost in between. Nests.
class SchedLock {
 public:
  SchedLock();
  ~SchedLock();
  SchedLock(const SchedLock&) = delete;
  SchedLock& operator=(const SchedLock&) = delete;

 private:
  std::uint64_t saved_flags_;
};

class WaitQueue {
 public:
  constexpr WaitQueue() = default;

  // With a SchedLock held: blocks the calling thread until woken or until the
  // deadline passes. The lock is released while blocked and held again on return.
  // True when woken, false on timeout.
  bool wait(std::uint64_t deadline_ns = kForever);

  // Makes the longest-waiting thread runnable. False when none was waiting.
  bool wake_one();
  std::size_t wake_all();
  bool empty() const { return head_ == nullptr; }

  // The thread wake_one() would wake, or null.
  Thread* first() const { return head_; }

  // Takes a waiting `thread` out without waking it (the scheduler's timeouts).
  void remove(Thread* thread);

 private:
  Thread* head_ = nullptr;
  Thread* tail_ = nullptr;
};

enum class MutexKind : std::uint32_t { kNormal = 0, kRecursive = 1, kErrorCheck = 2 };

class Mutex {
 public:
  constexpr Mutex() = default;
  constexpr explicit Mutex(MutexKind kind) : kind_(kind) {}

  // 0; EDEADLK when an error-checking mutex is locked again by its owner; ETIMEDOUT;
  // EAGAIN when a recursive mutex's depth would overflow. A normal mutex locked again
  // by its owner deadlocks, as POSIX says (the thread blocks forever).
  int lock(std::uint64_t deadline_ns = kForever);
  int try_lock();  // 0 or EBUSY
  // 0; EPERM when the caller does not own it (checked for every kind).
  int unlock();

  bool held_by_current_thread() const;
  MutexKind kind() const { return kind_; }
  void set_kind(MutexKind kind) { kind_ = kind; }

 private:
  friend class CondVar;
  Thread* owner_ = nullptr;
  std::uint32_t depth_ = 0;
  MutexKind kind_ = MutexKind::kNormal;
  WaitQueue waiters_;
};

class CondVar {
 public:
  constexpr CondVar() = default;
  // Unlocks `mutex`, waits for a signal or the deadline, locks `mutex` again.
  // 0, ETIMEDOUT, or EPERM when the caller does not hold `mutex`.
  int wait(Mutex& mutex, std::uint64_t deadline_ns = kForever);
  void signal();
  void broadcast();

 private:
  WaitQueue waiters_;
};

class Semaphore {
 public:
  constexpr Semaphore() = default;
  constexpr explicit Semaphore(std::uint32_t count) : count_(count) {}
  int wait(std::uint64_t deadline_ns = kForever);  // 0 or ETIMEDOUT
  int try_wait();                                  // 0 or EAGAIN
  int post();                                      // 0 or EOVERFLOW; interrupt-safe
  std::uint32_t value() const { return count_; }

 private:
  std::uint32_t count_ = 0;
  WaitQueue waiters_;
};

// Many readers or one writer; waiting writers go first, so readers cannot starve them.
class RwLock {
 public:
  constexpr RwLock() = default;
  int read_lock(std::uint64_t deadline_ns = kForever);   // 0, ETIMEDOUT, EDEADLK, EAGAIN
  int try_read_lock();                                   // 0 or EBUSY
  int write_lock(std::uint64_t deadline_ns = kForever);  // 0, ETIMEDOUT, EDEADLK
  int try_write_lock();                                  // 0 or EBUSY
  int unlock();                                          // 0 or EPERM

 private:
  Thread* writer_ = nullptr;
  std::uint32_t readers_ = 0;
  std::uint32_t writers_waiting_ = 0;
  WaitQueue read_waiters_;
  WaitQueue write_waiters_;
};

// Runs a function exactly once; callers that arrive while it runs wait for it.
class Once {
 public:
  constexpr Once() = default;
  void call(void (*function)(void*), void* argument);
  bool done() const { return state_ == kDone; }

 private:
  static constexpr std::uint32_t kNotStarted = 0, kRunning = 1, kDone = 2;
  std::uint32_t state_ = kNotStarted;
  WaitQueue waiters_;
};

}  // namespace cairn::sched
