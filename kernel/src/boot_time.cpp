#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/kernel/boot_time.h>
#include <cairn/kernel/console.h>
#include <cairn/time/clock.h>

extern "C" std::uint64_t cairn_boot_entry_tsc;  // set by the platform's entry code

namespace cairn {
namespace {

std::uint64_t main_start, main_end;

// Microseconds with two decimals, as an integer count of hundredths.
[[maybe_unused]] std::uint64_t hundredths_of_us(std::uint64_t ticks, std::uint64_t hz) {
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(ticks) * 100'000'000 / hz);
}

}  // namespace

void boot_time_mark_main_start() { main_start = arch::rdtsc(); }
void boot_time_mark_main_end() {
  if (!main_end) main_end = arch::rdtsc();
}

void boot_time_report() {
#ifdef CONFIG_BOOT_TIME
  boot_time_mark_main_end();  // exit() called from inside main
  time::ClockInfo f = time::clock_info();
  if (!f.tsc_hz || !main_start) {
    kprintf("cairn: boot-time entry-to-main-cycles=%lu tsc-source=unknown\n",
            static_cast<unsigned long>(main_start - cairn_boot_entry_tsc));
    return;
  }
  std::uint64_t boot = hundredths_of_us(main_start - cairn_boot_entry_tsc, f.tsc_hz);
  std::uint64_t run = hundredths_of_us(main_end - main_start, f.tsc_hz);
  kprintf(
      "cairn: boot-time entry-to-main-us=%lu.%02lu main-us=%lu.%02lu tsc-hz=%lu tsc-source=%s\n",
      static_cast<unsigned long>(boot / 100), static_cast<unsigned long>(boot % 100),
      static_cast<unsigned long>(run / 100), static_cast<unsigned long>(run % 100),
      static_cast<unsigned long>(f.tsc_hz), f.tsc_source);
#endif
}

}  // namespace cairn
