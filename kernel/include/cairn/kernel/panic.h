// Ending the VM. exit() is the normal way (main returned, exit() was called); panic()
// reports an unrecoverable error with a backtrace and ends the VM with kCrashStatus.
#pragma once

#include <cstdint>

namespace cairn {

// The status an image ends with when it crashes (CPU exception, panic, abort()). With
// QEMU's isa-debug-exit device the QEMU process exits with 2 * 127 + 1 = 255.
inline constexpr int kCrashStatus = 127;

// Flushes the consoles and powers the VM off with `status` (see platform.h).
[[noreturn]] void shutdown(int status);

[[noreturn, gnu::format(printf, 1, 2)]] void panic(const char* fmt, ...);

// Like panic(), for a report that the caller has already printed: prints a backtrace
// starting at the faulting instruction `rip` in the frame `rbp`, and powers off with
// kCrashStatus.
[[noreturn]] void crash_with_backtrace(std::uintptr_t rip, std::uintptr_t rbp);

// Shorthand for "this must hold, else the kernel is broken".
#define CAIRN_ASSERT(cond) \
  ((cond) ? (void)0 : ::cairn::panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__))

}  // namespace cairn
