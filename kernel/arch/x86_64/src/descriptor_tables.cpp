// GDT, TSS and IDT. One CPU for now; per-CPU copies come with SMP.
#include <cstdint>
#include <cstring>

#include <cairn/arch/arch.h>
#include <cairn/arch/cpu_features.h>

#include "trap.h"

extern "C" const std::uint64_t cairn_trap_stubs[256];
extern "C" char cairn_boot_stack_guard[];

namespace cairn::arch {
namespace {

constexpr std::uint16_t kKernelCode = 0x08, kKernelData = 0x10, kTssSelector = 0x18;

struct [[gnu::packed]] Tss {
  std::uint32_t reserved0;
  std::uint64_t rsp[3];
  std::uint64_t reserved1;
  std::uint64_t ist[7];
  std::uint64_t reserved2;
  std::uint16_t reserved3;
  std::uint16_t iomap_base;
};

struct [[gnu::packed]] IdtEntry {
  std::uint16_t offset_low;
  std::uint16_t selector;
  std::uint8_t ist;
  std::uint8_t type_attributes;
  std::uint16_t offset_mid;
  std::uint32_t offset_high;
  std::uint32_t reserved;
};

struct [[gnu::packed]] TableRegister {
  std::uint16_t limit;
  std::uint64_t base;
};

// A stack for the IST with an unmapped guard page below it.
struct alignas(4096) IstStack {
  std::uint8_t guard[4096];
  std::uint8_t stack[16384];
};

constinit std::uint64_t gdt[5] = {
    0,
    0x00af9b000000ffff,  // 0x08: 64-bit code, ring 0 (accessed bit preset)
    0x00cf93000000ffff,  // 0x10: data, ring 0
    0,
    0,  // 0x18: TSS (16 bytes), filled in at boot
};
constinit Tss tss = {};
constinit IdtEntry idt[256] = {};
IstStack ist_stacks[4];
const char* const kIstNames[4] = {"double-fault stack", "NMI stack", "machine-check stack",
                                  "page-fault stack"};

void load_gdt() {
  auto tss_base = reinterpret_cast<std::uint64_t>(&tss);
  std::uint64_t limit = sizeof(Tss) - 1;
  gdt[3] = (limit & 0xffff) | ((tss_base & 0xffffff) << 16) | (0x89ull << 40) |
           (((limit >> 16) & 0xf) << 48) | (((tss_base >> 24) & 0xff) << 56);
  gdt[4] = tss_base >> 32;
  TableRegister gdtr = {sizeof(gdt) - 1, reinterpret_cast<std::uint64_t>(gdt)};
  asm volatile(
      "lgdt %0\n"
      "pushq %1\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1: movl %2, %%eax\n"
      "movl %%eax, %%ds\n"
      "movl %%eax, %%es\n"
      "movl %%eax, %%ss\n"
      :
      : "m"(gdtr), "i"(kKernelCode), "i"(kKernelData)
      : "rax", "memory");
  asm volatile("ltr %0" : : "r"(kTssSelector));
}

void set_gate(int vector, std::uint8_t ist) {
  std::uint64_t handler = cairn_trap_stubs[vector];
  idt[vector] = IdtEntry{
      .offset_low = std::uint16_t(handler),
      .selector = kKernelCode,
      .ist = ist,
      .type_attributes = 0x8e,  // present, ring 0, 64-bit interrupt gate (IF cleared)
      .offset_mid = std::uint16_t(handler >> 16),
      .offset_high = std::uint32_t(handler >> 32),
      .reserved = 0,
  };
}

void load_idt() {
  for (int v = 0; v < 256; ++v) set_gate(v, kIstNone);
  set_gate(8, kIstDoubleFault);
  set_gate(2, kIstNmi);
  set_gate(18, kIstMachineCheck);
  set_gate(14, kIstPageFault);
  TableRegister idtr = {sizeof(idt) - 1, reinterpret_cast<std::uint64_t>(idt)};
  asm volatile("lidt %0" : : "m"(idtr));
}

}  // namespace

void early_init() {
  for (int i = 0; i < 4; ++i) {
    tss.ist[i] = reinterpret_cast<std::uint64_t>(ist_stacks[i].stack + sizeof(ist_stacks[i].stack));
    register_guard_page(reinterpret_cast<std::uintptr_t>(ist_stacks[i].guard), kIstNames[i]);
  }
  register_guard_page(reinterpret_cast<std::uintptr_t>(cairn_boot_stack_guard), "boot stack");
  tss.iomap_base = sizeof(Tss);  // no I/O permission bitmap
  load_gdt();
  load_idt();
  init_cpu_features();
  init_interrupt_entry();
}

}  // namespace cairn::arch
