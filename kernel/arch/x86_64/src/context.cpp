// A new thread's first frame, and the thread pointer.
#include <cstdint>

#include <cairn/arch/context.h>
#include <cairn/arch/cpu.h>
#include <cairn/arch/cpu_features.h>

extern "C" void cairn_thread_trampoline();

namespace cairn::arch {

std::uint64_t prepare_thread_stack(void* stack_top, void (*start)(void*), void* argument) {
  auto* top = static_cast<std::uint64_t*>(stack_top);
  top[-1] = reinterpret_cast<std::uint64_t>(&cairn_thread_trampoline);  // return address
  top[-2] = 0;                                                          // rbp: ends backtraces
  top[-3] = 0;                                                          // rbx
  top[-4] = reinterpret_cast<std::uint64_t>(start);                     // r12
  top[-5] = reinterpret_cast<std::uint64_t>(argument);                  // r13
  top[-6] = 0;                                                          // r14
  top[-7] = 0;                                                          // r15
  // The power-on defaults: all SIMD exceptions masked, round to nearest; x87 likewise.
  top[-8] = 0x1f80 | (std::uint64_t{0x037f} << 32);
  return reinterpret_cast<std::uint64_t>(&top[-8]);
}

void set_thread_pointer(std::uintptr_t thread_pointer) {
  if (cpu_features().fsgsbase)
    asm volatile("wrfsbase %0" : : "r"(thread_pointer) : "memory");
  else
    wrmsr(kMsrFsBase, thread_pointer);
}

}  // namespace cairn::arch
