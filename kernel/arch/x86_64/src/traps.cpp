// CPU exceptions end the VM with a report: what happened, where, the registers and a
// symbolized backtrace. Interrupts (vectors above 31) go to the interrupt layer, and
// on their way out give the scheduler its chance to switch threads.
#include <cstdint>

#include <cairn/arch/arch.h>
#include <cairn/arch/cpu.h>
#include <cairn/arch/cpu_features.h>
#include <cairn/irq/irq.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/ksyms.h>
#include <cairn/kernel/panic.h>
#include <cairn/sched/interrupt_exit.h>

#include "trap.h"

namespace cairn::arch {
namespace {

constexpr const char* kExceptionNames[32] = {"#DE divide error",
                                             "#DB debug",
                                             "NMI",
                                             "#BP breakpoint",
                                             "#OF overflow",
                                             "#BR bound range exceeded",
                                             "#UD invalid opcode",
                                             "#NM device not available",
                                             "#DF double fault",
                                             "coprocessor segment overrun",
                                             "#TS invalid TSS",
                                             "#NP segment not present",
                                             "#SS stack-segment fault",
                                             "#GP general protection fault",
                                             "#PF page fault",
                                             "reserved (15)",
                                             "#MF x87 floating-point error",
                                             "#AC alignment check",
                                             "#MC machine check",
                                             "#XM SIMD floating-point exception",
                                             "#VE virtualization exception",
                                             "#CP control protection",
                                             "reserved (22)",
                                             "reserved (23)",
                                             "reserved (24)",
                                             "reserved (25)",
                                             "reserved (26)",
                                             "reserved (27)",
                                             "#HV hypervisor injection",
                                             "#VC VMM communication",
                                             "#SX security exception",
                                             "reserved (31)"};

constexpr std::uint64_t kPfPresent = 1 << 0, kPfWrite = 1 << 1, kPfUser = 1 << 2,
                        kPfReserved = 1 << 3, kPfFetch = 1 << 4;

void print_symbol(std::uint64_t address) {
  SymbolInfo s = symbolize(address);
  if (s.name) kprintf(" <%s+0x%lx>", s.name, static_cast<unsigned long>(s.offset));
}

// Says in words what kind of page fault this was: the question a reader has first.
void explain_page_fault(std::uint64_t address, std::uint64_t error) {
  kprintf("cairn: faulting address (CR2) 0x%016lx", static_cast<unsigned long>(address));
  print_symbol(address);
  kprintf("\n");
  const char* access = (error & kPfFetch) ? "execute" : (error & kPfWrite) ? "write" : "read";
  const char* what;
  if (const char* owner = guard_page_owner(address)) {
    kprintf("cairn: stack overflow: %s of the guard page below the %s\n", access, owner);
    return;
  }
  if (address < 4096) {
    what = "NULL pointer dereference";
  } else if (error & kPfReserved) {
    what = "reserved bit set in a page table entry";
  } else if (!(error & kPfPresent)) {
    what = "access to an unmapped address";
  } else if (error & kPfFetch) {
    what = "execute of a no-execute (NX) page";
  } else if (error & kPfWrite) {
    what = "write to a read-only page";
  } else {
    what = "protection violation";
  }
  kprintf("cairn: %s (%s access)\n", what, access);
}

[[noreturn]] void report_exception(const TrapFrame& f) {
  kprintf("\ncairn: CPU exception %lu (%s), error code 0x%lx\n",
          static_cast<unsigned long>(f.vector), kExceptionNames[f.vector],
          static_cast<unsigned long>(f.error_code));
  if (f.vector == 14) explain_page_fault(read_cr2(), f.error_code);
  kprintf("cairn: rip 0x%016lx", static_cast<unsigned long>(f.rip));
  print_symbol(f.rip);
  kprintf("\n");
  // A jump or call to a bad address faults on the fetch before the callee sets up a
  // frame: the caller is only visible as the return address on top of the stack.
  if (f.vector == 14 && (f.error_code & kPfFetch) && is_mapped(f.rsp)) {
    std::uint64_t caller = *reinterpret_cast<const std::uint64_t*>(f.rsp);
    kprintf("cairn: called from 0x%016lx", static_cast<unsigned long>(caller));
    print_symbol(caller - 1);
    kprintf("\n");
  }
  kprintf("cairn: rsp 0x%016lx rbp 0x%016lx rflags 0x%08lx cs 0x%lx ss 0x%lx\n",
          static_cast<unsigned long>(f.rsp), static_cast<unsigned long>(f.rbp),
          static_cast<unsigned long>(f.rflags), static_cast<unsigned long>(f.cs),
          static_cast<unsigned long>(f.ss));
  const std::uint64_t regs[] = {f.rax, f.rbx, f.rcx, f.rdx, f.rsi, f.rdi, f.r8,
                                f.r9,  f.r10, f.r11, f.r12, f.r13, f.r14, f.r15};
  const char* const names[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8 ",
                               "r9 ", "r10", "r11", "r12", "r13", "r14", "r15"};
  for (int i = 0; i < 14; i += 2)
    kprintf("cairn: %s 0x%016lx %s 0x%016lx\n", names[i], static_cast<unsigned long>(regs[i]),
            names[i + 1], static_cast<unsigned long>(regs[i + 1]));
  kprintf("cairn: cr0 0x%lx cr3 0x%lx cr4 0x%lx\n", static_cast<unsigned long>(read_cr0()),
          static_cast<unsigned long>(read_cr3()), static_cast<unsigned long>(read_cr4()));
  crash_with_backtrace(f.rip, f.rbp);
}

}  // namespace

// Read by trap_entry.S: how to save the interrupted extended state. FXSAVE until the
// CPU's features are known (interrupts stay off until long after that).
extern "C" {
std::uint64_t cairn_extended_state_bytes = 512;
bool cairn_extended_state_xsave = false;
}

void init_interrupt_entry() {
  const CpuFeatures& cpu = cpu_features();
  cairn_extended_state_xsave = cpu.xsave;
  cairn_extended_state_bytes = cpu.xsave ? cpu.xsave_bytes : 512;
}

extern "C" void cairn_arch_trap(TrapFrame* frame) { report_exception(*frame); }

extern "C" void cairn_arch_interrupt(TrapFrame* frame) {
  irq::dispatch(static_cast<std::uint8_t>(frame->vector));
  sched::interrupt_exit();
}

}  // namespace cairn::arch
