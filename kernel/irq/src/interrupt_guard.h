// Interrupts off for a scope, restored as they were. The interrupt layer's state is
// shared with its handlers; on one CPU this is all the locking it needs (SMP will add
// a spinlock inside the same scopes).
#pragma once

#include <cstdint>

#include <cairn/arch/cpu.h>

namespace cairn::irq {

class InterruptGuard {
 public:
  InterruptGuard() : flags_(arch::save_and_disable_interrupts()) {}
  ~InterruptGuard() { arch::restore_interrupts(flags_); }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  std::uint64_t flags_;
};

}  // namespace cairn::irq
