// The register state saved by trap_entry.S, in push order reversed.
#pragma once

#include <cstdint>

namespace cairn::arch {

struct TrapFrame {
  std::uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
  std::uint64_t vector, error_code;
  std::uint64_t rip, cs, rflags, rsp, ss;  // pushed by the CPU
};
static_assert(sizeof(TrapFrame) == 22 * 8);

// Interrupt stack table slots (TSS.IST1..): faults that must be reported even when
// the stack they happened on is unusable (overflowed into its guard page).
enum IstSlot : std::uint8_t {
  kIstNone = 0,
  kIstDoubleFault = 1,
  kIstNmi = 2,
  kIstMachineCheck = 3,
  kIstPageFault = 4
};

// Tells trap_entry.S how to save the extended state (after the CPU features are known).
void init_interrupt_entry();

void register_guard_page(std::uintptr_t address, const char* owner);
// Returns a description ("boot stack", "double-fault stack", ...) when `address` is
// inside a registered guard page, else null.
const char* guard_page_owner(std::uintptr_t address);

// True when `address` can be read without faulting (used to walk untrusted stacks).
bool is_mapped(std::uintptr_t address);

}  // namespace cairn::arch
