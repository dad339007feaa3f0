// How an image ends: shutdown() for a normal exit, panic()/crash_with_backtrace() for
// a crash. A fault while already crashing goes straight to power-off, so a broken
// report can never turn into a hang.
#include <cairn/arch/arch.h>
#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/kernel/boot_time.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/panic.h>
#include <cairn/kernel/platform.h>

namespace cairn {
namespace {

volatile bool crashing;

[[noreturn]] void crash_again() {
  console_flush();
  platform::power_off(kCrashStatus);
}

}  // namespace

void shutdown(int status) {
  arch::disable_interrupts();
  boot_time_report();
#ifdef CONFIG_MEMORY_STATS
  memory::print_stats();
#endif
  console_flush();
  platform::power_off(status);
}

namespace {

[[noreturn]] void end_with_backtrace(std::uintptr_t rip, std::uintptr_t rbp, bool rip_is_return) {
  arch::disable_interrupts();
  if (crashing) crash_again();
  crashing = true;
  arch::print_backtrace(rip, rbp, rip_is_return);
  kprintf("cairn: the image crashed; ending the VM with status %d\n", kCrashStatus);
  console_flush();
  platform::power_off(kCrashStatus);
}

}  // namespace

void crash_with_backtrace(std::uintptr_t rip, std::uintptr_t rbp) {
  end_with_backtrace(rip, rbp, false);
}

void panic(const char* fmt, ...) {
  arch::disable_interrupts();
  if (crashing) crash_again();
  kprintf("\ncairn: panic: ");
  va_list args;
  va_start(args, fmt);
  vkprintf(fmt, args);
  va_end(args);
  kprintf("\n");
  // Start the backtrace at our caller: its return address and its saved frame pointer.
  auto* frame = static_cast<std::uintptr_t*>(__builtin_frame_address(0));
  end_with_backtrace(reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)), frame[0], true);
}

}  // namespace cairn
