// x86_64 instructions the kernel and drivers need, as inline functions.
#pragma once

#include <cstdint>

namespace cairn::arch {

inline void outb(std::uint16_t port, std::uint8_t value) {
  asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}
inline void outw(std::uint16_t port, std::uint16_t value) {
  asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}
inline void outl(std::uint16_t port, std::uint32_t value) {
  asm volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
inline std::uint8_t inb(std::uint16_t port) {
  std::uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
inline std::uint16_t inw(std::uint16_t port) {
  std::uint16_t value;
  asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

struct CpuidResult {
  std::uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(std::uint32_t leaf, std::uint32_t subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

inline std::uint64_t rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (std::uint64_t{hi} << 32) | lo;
}
inline void wrmsr(std::uint32_t msr, std::uint64_t value) {
  asm volatile("wrmsr" : : "c"(msr), "a"(std::uint32_t(value)), "d"(std::uint32_t(value >> 32)));
}

inline std::uint64_t rdtsc() {
  std::uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (std::uint64_t{hi} << 32) | lo;
}

#define CAIRN_DEFINE_CR(n)                                 \
  inline std::uint64_t read_cr##n() {                      \
    std::uint64_t v;                                       \
    asm volatile("mov %%cr" #n ", %0" : "=r"(v));          \
    return v;                                              \
  }                                                        \
  inline void write_cr##n(std::uint64_t v) {               \
    asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
  }
CAIRN_DEFINE_CR(0)
CAIRN_DEFINE_CR(2)
CAIRN_DEFINE_CR(3)
CAIRN_DEFINE_CR(4)
#undef CAIRN_DEFINE_CR

inline void xsetbv(std::uint32_t reg, std::uint64_t value) {
  asm volatile("xsetbv" : : "c"(reg), "a"(std::uint32_t(value)), "d"(std::uint32_t(value >> 32)));
}

inline void pause() { asm volatile("pause"); }
inline void halt() { asm volatile("hlt"); }
inline void disable_interrupts() { asm volatile("cli" ::: "memory"); }
inline void enable_interrupts() { asm volatile("sti" ::: "memory"); }
inline std::uint64_t read_flags() {
  std::uint64_t flags;
  asm volatile("pushfq; popq %0" : "=r"(flags)::"memory");
  return flags;
}
inline constexpr std::uint64_t kFlagsInterrupt = 1u << 9;

// Saves the flags and disables interrupts; restore_interrupts() puts IF back as it was.
inline std::uint64_t save_and_disable_interrupts() {
  std::uint64_t flags;
  asm volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
  return flags;
}
inline void restore_interrupts(std::uint64_t flags) {
  if (flags & kFlagsInterrupt) asm volatile("sti" ::: "memory");
}

inline constexpr std::uint32_t kMsrEfer = 0xC0000080;
inline constexpr std::uint32_t kMsrFsBase = 0xC0000100;
inline constexpr std::uint64_t kEferNxe = 1u << 11;
inline constexpr std::uint64_t kCr4Fsgsbase = 1u << 16;
inline constexpr std::uint64_t kCr4Osxsave = 1u << 18;

}  // namespace cairn::arch
