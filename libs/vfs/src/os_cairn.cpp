// The kernel services behind cairn/vfs/lock.h, in an image.
//
// Timestamps during boot: the first read of the clock starts it (measuring the TSC
// rate takes milliseconds without KVM, and the wall clock reads the RTC). The VFS
// builds its root, /dev and /tmp at every boot, so until the `late` initcall level
// the files it makes are stamped with the epoch instead of starting the clock; an
// unpacker that knows real times (the initrd) sets them with setattr.
#include <cairn/kernel/initcall.h>
#include <cairn/time/clock.h>
#include <cairn/vfs/lock.h>

namespace cairn::vfs {
namespace {

bool clock_allowed = false;

void allow_clock() { clock_allowed = true; }
CAIRN_INITCALL(late, allow_clock);

}  // namespace

Timestamp now() {
  if (!__atomic_load_n(&clock_allowed, __ATOMIC_RELAXED)) return {};
  std::int64_t ns = time::realtime_ns();
  return {ns / static_cast<std::int64_t>(time::kNsPerSecond),
          ns % static_cast<std::int64_t>(time::kNsPerSecond)};
}

std::uint64_t monotonic_ns() { return time::monotonic_ns(); }

}  // namespace cairn::vfs
