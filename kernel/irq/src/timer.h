// The one-shot timer's side of the dispatcher (the API is in irq.h).
#pragma once

namespace cairn::irq::timer {

// Runs on kTimerVector, before the EOI: calls the handler once the armed deadline has
// really passed, or re-arms for the rest of the wait.
void on_interrupt();

}  // namespace cairn::irq::timer
