#include <cairn/arch/cpu.h>
#include <cairn/arch/tsc.h>

namespace cairn::arch {
namespace {

constexpr std::uint32_t kPitHz = 1193182;

// Reads PIT channel 0's current count (latched, so the two bytes belong together).
std::uint16_t pit_count() {
  outb(0x43, 0x00);  // latch channel 0
  std::uint8_t lo = inb(0x40);
  return static_cast<std::uint16_t>(lo | (inb(0x40) << 8));
}

// Counts TSC ticks over 10 ms of PIT channel 0, read by polling its counter. This needs
// no interrupt and no port 0x61 (microvm has no PC speaker, whose port gates channel 2).
// Returns 0 when no PIT answers.
std::uint64_t calibrate_with_pit() {
  constexpr std::uint32_t kTicks = kPitHz / 100;
  outb(0x43, 0x34);  // channel 0, lobyte/hibyte, mode 2 (rate generator)
  outb(0x40, 0xff);
  outb(0x40, 0xff);
  std::uint16_t previous = pit_count();
  std::uint64_t start = rdtsc();
  std::uint32_t elapsed = 0;
  for (std::uint64_t spins = 0; elapsed < kTicks; ++spins) {
    if (spins > 50'000'000) return 0;  // no PIT counting down: give up
    std::uint16_t now = pit_count();
    elapsed += static_cast<std::uint16_t>(previous - now);  // counts down, wraps at 0
    previous = now;
  }
  return (rdtsc() - start) * kPitHz / elapsed;
}

TscFrequency cached;

}  // namespace

TscFrequency tsc_frequency_reported() {
  std::uint32_t max_leaf = cpuid(0).eax;
  if (max_leaf >= 0x15) {
    CpuidResult r = cpuid(0x15);
    if (r.eax && r.ebx && r.ecx) return {std::uint64_t{r.ecx} * r.ebx / r.eax, "cpuid 0x15"};
  }
  if (cpuid(1).ecx & (1u << 31)) {  // under a hypervisor: its timing leaf, in kHz
    if (cpuid(0x40000000).eax >= 0x40000010) {
      std::uint32_t khz = cpuid(0x40000010).eax;
      if (khz) return {std::uint64_t{khz} * 1000, "hypervisor"};
    }
  }
  if (max_leaf >= 0x16) {
    std::uint32_t mhz = cpuid(0x16).eax & 0xffff;
    if (mhz) return {std::uint64_t{mhz} * 1'000'000, "cpuid 0x16"};
  }
  return {0, "unknown"};
}

TscFrequency tsc_frequency() {
  if (cached.hz) return cached;
  cached = tsc_frequency_reported();
  if (!cached.hz) {
    std::uint64_t hz = calibrate_with_pit();
    cached = hz ? TscFrequency{hz, "pit"} : TscFrequency{0, "unknown"};
  }
  return cached;
}

}  // namespace cairn::arch
