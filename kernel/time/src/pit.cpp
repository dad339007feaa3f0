// PIT channel 0 as the reference. Its counter ticks at 1.193182 MHz, coarsely (838 ns)
// compared with the time a read takes, so samples are taken as the counter steps: the
// step lies between two reads, and the TSC around them bounds its moment.
#include <cairn/arch/cpu.h>

#include "measurement.h"
#include "reference_timers.h"

namespace cairn::time {
namespace {

constexpr std::uint64_t kPitHz = 1193182;
constexpr std::uint16_t kCommand = 0x43;
constexpr std::uint16_t kChannel0 = 0x40;

// Channel 0's current count, latched so that the two bytes belong together.
std::uint16_t latched_count() {
  arch::outb(kCommand, 0x00);
  std::uint8_t lo = arch::inb(kChannel0);
  return static_cast<std::uint16_t>(lo | (arch::inb(kChannel0) << 8));
}

// The counter counts down from 65536 and wraps; this counts its ticks up, in 64 bits.
class Counter {
 public:
  Counter() : last_(latched_count()) {}
  std::uint64_t read() {
    std::uint16_t now = latched_count();
    total_ += static_cast<std::uint16_t>(last_ - now);
    last_ = now;
    return total_;
  }

 private:
  std::uint16_t last_;
  std::uint64_t total_ = 0;
};

// Waits for the counter to step by one and returns that moment.
Sample step(Counter& counter) {
  std::uint64_t before_previous = ordered_rdtsc();
  std::uint64_t previous = counter.read();
  for (int reads = 0; reads < 100'000; ++reads) {
    std::uint64_t before = ordered_rdtsc();
    std::uint64_t count = counter.read();
    std::uint64_t after = ordered_rdtsc();
    if (count == previous + 1) return bracketed(before_previous, count, after);
    // No step yet, or several (the host held us up): this read starts the next window.
    before_previous = before;
    previous = count;
  }
  return {0, kNoSample, 0};
}

// The best of three steps: the one caught in the narrowest window.
Sample sample(Counter& counter) {
  Sample best{0, kNoSample, UINT64_MAX};
  for (int i = 0; i < 3; ++i) {
    Sample s = step(counter);
    if (s.count == kNoSample) return s;
    if (s.tsc_error < best.tsc_error) best = s;
  }
  return best;
}

}  // namespace

std::uint64_t measure_tsc_hz_with_pit() {
  arch::outb(kCommand, 0x34);  // channel 0, low then high byte, mode 2 (rate generator)
  arch::outb(kChannel0, 0);    // count 65536
  arch::outb(kChannel0, 0);
  Counter counter;
  // 100 ppm, in 2 to 25 ms.
  MeasurementPlan plan{kPitHz, 0, 100, kPitHz / 500, kPitHz / 40};
  std::uint64_t hz = measure_tsc_hz(plan, [&] { return sample(counter); });
  // Quiet again: mode 0 (one terminal count, then nothing), as Linux leaves it.
  arch::outb(kCommand, 0x30);
  arch::outb(kChannel0, 0);
  arch::outb(kChannel0, 0);
  return hz;
}

}  // namespace cairn::time
