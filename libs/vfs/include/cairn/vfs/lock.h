// The few kernel services the VFS and its filesystems need, behind small types so the
// same code runs in the image and in host unit tests (built with CAIRN_VFS_HOST, where
// these map onto the C++ standard library).
//
//   Mutex     a sleeping lock (sched::Mutex); may be held across blocking calls
//   CondVar   waits on a Mutex, with an optional deadline in monotonic ns
//   IrqLock   a short critical section that interrupt handlers may share (SchedLock)
//   now()     the wall clock, for timestamps
#pragma once

#include <cstdint>

#include <cairn/vfs/types.h>

#ifdef CAIRN_VFS_HOST
#include <condition_variable>
#include <mutex>
#else
#include <cairn/sched/sync.h>
#endif

namespace cairn::vfs {

inline constexpr std::uint64_t kNoDeadline = UINT64_MAX;

#ifdef CAIRN_VFS_HOST
class Mutex {
 public:
  void lock() { m_.lock(); }
  void unlock() { m_.unlock(); }

 private:
  friend class CondVar;
  std::mutex m_;
};

class CondVar {
 public:
  // False when the deadline passed first.
  bool wait(Mutex& mutex, std::uint64_t deadline_ns = kNoDeadline);
  void signal() { cv_.notify_one(); }
  void broadcast() { cv_.notify_all(); }

 private:
  std::condition_variable_any cv_;
};

class IrqLock {
 public:
  IrqLock();
  ~IrqLock();
  IrqLock(const IrqLock&) = delete;
  IrqLock& operator=(const IrqLock&) = delete;
};
#else
class Mutex {
 public:
  constexpr Mutex() = default;
  void lock() { m_.lock(); }
  void unlock() { m_.unlock(); }

 private:
  friend class CondVar;
  sched::Mutex m_;
};

class CondVar {
 public:
  constexpr CondVar() = default;
  bool wait(Mutex& mutex, std::uint64_t deadline_ns = kNoDeadline) {
    return cv_.wait(mutex.m_, deadline_ns) == 0;
  }
  void signal() { cv_.signal(); }
  void broadcast() { cv_.broadcast(); }

 private:
  sched::CondVar cv_;
};

class IrqLock {
 public:
  IrqLock() = default;

 private:
  sched::SchedLock lock_;
};
#endif

class MutexLocker {
 public:
  explicit MutexLocker(Mutex& mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexLocker() { mutex_.unlock(); }
  MutexLocker(const MutexLocker&) = delete;
  MutexLocker& operator=(const MutexLocker&) = delete;

 private:
  Mutex& mutex_;
};

// The wall clock (CLOCK_REALTIME) and the monotonic clock.
Timestamp now();
std::uint64_t monotonic_ns();

}  // namespace cairn::vfs
