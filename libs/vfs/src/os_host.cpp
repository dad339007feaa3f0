// The services behind cairn/vfs/lock.h on the host (unit tests), on the C++ library.
#include <time.h>

#include <chrono>
#include <mutex>

#include <cairn/vfs/lock.h>

namespace cairn::vfs {
namespace {
std::recursive_mutex irq_lock;  // IrqLock nests, like SchedLock
}

IrqLock::IrqLock() { irq_lock.lock(); }
IrqLock::~IrqLock() { irq_lock.unlock(); }

bool CondVar::wait(Mutex& mutex, std::uint64_t deadline_ns) {
  if (deadline_ns == kNoDeadline) {
    cv_.wait(mutex.m_);
    return true;
  }
  auto deadline = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline_ns));
  return cv_.wait_until(mutex.m_, deadline) == std::cv_status::no_timeout;
}

Timestamp now() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return {ts.tv_sec, ts.tv_nsec};
}

std::uint64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace cairn::vfs
