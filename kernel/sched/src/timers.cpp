// Software timers on the one hardware one-shot timer: the timer queue's earliest
// deadline is what the hardware is armed for. Nothing ticks: with no timer pending the
// hardware timer is off.
#include <cairn/irq/irq.h>
#include <cairn/time/clock.h>

#include "thread_internal.h"

namespace cairn::sched {
namespace {

TimerQueue timers_;
bool handler_installed_;

void arm_for_earliest() {
  TimerNode* earliest = timers_.earliest();
  if (earliest && earliest->deadline != kForever)
    irq::arm_timer(time::tsc_at(earliest->deadline));
  else
    irq::disarm_timer();
}

// Interrupt context. The hardware may fire for a timer cancelled since it was armed,
// so deadlines are checked against the clock, not trusted.
void timer_interrupt(void*) {
  std::uint64_t now = time::monotonic_ns();
  while (TimerNode* node = timers_.earliest()) {
    if (node->deadline > now) break;
    timers_.pop();
    node->fire(node);
  }
  arm_for_earliest();
}

}  // namespace

void start_timer(TimerNode* node, std::uint64_t deadline_ns) {
  if (!handler_installed_) {
    irq::set_timer_handler(timer_interrupt, nullptr);
    handler_installed_ = true;
  }
  node->deadline = deadline_ns;
  timers_.insert(node);
  if (timers_.earliest() == node) arm_for_earliest();
}

// The hardware stays armed for the cancelled deadline: one harmless early interrupt
// costs less than reprogramming on every cancel (most timed waits end by wake-up).
void cancel_timer(TimerNode* node) { timers_.remove(node); }

bool timers_pending() { return !timers_.empty(); }

}  // namespace cairn::sched
