// The local APIC timer as a one-shot deadline timer. With TSC-deadline mode (CPUID.1:
// ECX[24]) the deadline goes straight into IA32_TSC_DEADLINE. Without it (QEMU's TCG)
// the timer counts down at its own rate, measured against the TSC on first use; a
// count that expires before the deadline (rate error, or a wait beyond the 32-bit
// counter) is re-armed for the rest, so the handler never runs early.
#include "timer.h"

#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/irq/irq.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/panic.h>
#include <cairn/time/clock.h>

#include "interrupt_guard.h"
#include "local_apic.h"
#include "timer_math.h"

namespace cairn::irq {
namespace {

constexpr std::uint32_t kMsrTscDeadline = 0x6e0;
constexpr std::uint32_t kCpuidTscDeadline = 1u << 24;
constexpr std::uint32_t kLvtModeTscDeadline = 2u << 17;  // one-shot is mode 0
constexpr std::uint32_t kDivideBy1 = 0b1011;

enum class Mode : std::uint8_t { kUnset, kTscDeadline, kOneShot };

Mode mode = Mode::kUnset;
ApicTimerRate rate;
Handler handler = nullptr;
void* handler_context = nullptr;
bool armed = false;
std::uint64_t deadline = 0;

struct Sample {
  std::uint64_t tsc;
  std::uint32_t count;
};

// The current count with the TSC taken around it: the tightest of up to 32 reads
// (stopping early once one is tight), so that a slow register access -- a VM exit, or
// the host descheduling the vCPU on a busy machine -- does not skew the measurement.
Sample sample() {
  constexpr std::uint64_t kTight = 2000;  // TSC ticks: about a microsecond
  Sample best = {};
  std::uint64_t best_width = UINT64_MAX;
  for (int i = 0; i < 32 && best_width > kTight; ++i) {
    std::uint64_t before = arch::rdtsc();
    std::uint32_t count = lapic::read(lapic::kTimerCurrentCount);
    std::uint64_t width = arch::rdtsc() - before;
    if (width < best_width) {
      best_width = width;
      best = {before + width / 2, count};
    }
  }
  return best;
}

// Lets the timer count down from its maximum (masked) for about 2 ms of TSC time.
// Read errors of a few hundred nanoseconds at each end keep the rate within 0.1%.
ApicTimerRate measure_rate() {
  std::uint64_t tsc_hz = time::clock_info().tsc_hz;
  std::uint64_t window = tsc_hz ? tsc_hz / 500 : 4'000'000;
  lapic::write(lapic::kTimerDivide, kDivideBy1);
  lapic::write(lapic::kLvtTimer, lapic::kLvtMasked | kTimerVector);
  lapic::write(lapic::kTimerInitialCount, 0xffffffffu);
  Sample start = sample();
  while (arch::rdtsc() - start.tsc < window) arch::pause();
  Sample end = sample();
  lapic::write(lapic::kTimerInitialCount, 0);
  if (end.count >= start.count || end.count == 0)
    panic("the local APIC timer does not count down (%u -> %u)", start.count, end.count);
  return {start.count - end.count, end.tsc - start.tsc};
}

void choose_mode() {
  CAIRN_ASSERT(lapic::initialized());
  if (arch::cpuid(1).ecx & kCpuidTscDeadline) {
    lapic::write(lapic::kLvtTimer, kLvtModeTscDeadline | kTimerVector);
    // SDM 11.5.4.1: order the LVT write (a non-serialising WRMSR in x2APIC mode) before
    // the first write of IA32_TSC_DEADLINE.
    asm volatile("mfence" ::: "memory");
    mode = Mode::kTscDeadline;
  } else {
    rate = measure_rate();
    lapic::write(lapic::kLvtTimer, kTimerVector);  // one-shot, unmasked
    mode = Mode::kOneShot;
#ifdef CONFIG_BOOT_LOG
    std::uint64_t tsc_hz = time::clock_info().tsc_hz;
    kprintf("cairn: irq: APIC timer one-shot at %lu Hz (%lu counts in %lu TSC ticks)\n",
            static_cast<unsigned long>(mul_div_ceil(rate.apic_ticks, tsc_hz, rate.tsc_ticks)),
            static_cast<unsigned long>(rate.apic_ticks),
            static_cast<unsigned long>(rate.tsc_ticks));
#endif
  }
}

void program() {
  if (mode == Mode::kTscDeadline) {
    arch::wrmsr(kMsrTscDeadline, deadline ? deadline : 1);  // 0 would disarm
    return;
  }
  std::uint64_t now = arch::rdtsc();
  std::uint64_t delta = deadline > now ? deadline - now : 0;
  // The measured APIC rate may be off by a few percent when the host was busy while it
  // was measured, and a timer that fires late stays late. So a long wait is armed for
  // 15/16 of it: the early interrupt re-arms for the rest (on_interrupt), whose own
  // error is then 16 times smaller. One extra interrupt per long wait.
  if (delta > rate.tsc_ticks) delta -= delta / 16;
  lapic::write(lapic::kTimerInitialCount, apic_timer_count(delta, rate));
}

void stop() {
  if (mode == Mode::kTscDeadline)
    arch::wrmsr(kMsrTscDeadline, 0);
  else if (mode == Mode::kOneShot)
    lapic::write(lapic::kTimerInitialCount, 0);
}

}  // namespace

void set_timer_handler(Handler new_handler, void* context) {
  InterruptGuard guard;
  handler = new_handler;
  handler_context = context;
}

void arm_timer(std::uint64_t tsc_deadline) {
  InterruptGuard guard;
  if (mode == Mode::kUnset) choose_mode();
  deadline = tsc_deadline;
  armed = true;
  program();
}

void disarm_timer() {
  InterruptGuard guard;
  armed = false;
  stop();
}

namespace timer {

void on_interrupt() {
  if (!armed) return;  // disarmed after the interrupt was already pending
  if (arch::rdtsc() < deadline) {
    program();
    return;
  }
  armed = false;
  if (handler) handler(handler_context);
}

}  // namespace timer
}  // namespace cairn::irq
