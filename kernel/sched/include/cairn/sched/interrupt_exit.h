// The kernel's own entry points into the scheduler (not for applications or drivers).
#pragma once

#include <cstdint>

namespace cairn::sched {

// Called by the interrupt entry after the handler, with interrupts off: switches to
// another thread when the interrupt made one runnable (or the quantum ran out) and
// preemption is allowed.
void interrupt_exit();

// Makes the code kernel_boot() runs on the boot thread (id 1), whose TLS block has
// the thread pointer `thread_pointer`.
void init_boot_thread(std::uintptr_t thread_pointer);

}  // namespace cairn::sched
