// Lazy start-up that is safe from any context: the first caller runs `start` with
// interrupts off (so an interrupt handler cannot see it half done on this CPU), and
// anyone else who arrives meanwhile (another CPU) waits for it to finish.
#pragma once

#include <atomic>

#include <cairn/arch/cpu.h>

namespace cairn::time {

class Once {
 public:
  constexpr Once() = default;

  void run(void (*start)()) {
    if (state_.load(std::memory_order_acquire) != kDone) [[unlikely]]
      run_slowly(start);
  }
  bool done() const { return state_.load(std::memory_order_acquire) == kDone; }

 private:
  static constexpr int kIdle = 0, kRunning = 1, kDone = 2;

  [[gnu::noinline]] void run_slowly(void (*start)()) {
    std::uint64_t flags = arch::save_and_disable_interrupts();
    int expected = kIdle;
    if (state_.compare_exchange_strong(expected, kRunning, std::memory_order_acquire)) {
      start();
      state_.store(kDone, std::memory_order_release);
    } else {
      while (state_.load(std::memory_order_acquire) != kDone) arch::pause();
    }
    arch::restore_interrupts(flags);
  }

  std::atomic<int> state_{kIdle};
};

}  // namespace cairn::time
