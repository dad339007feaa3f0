// The boot CPU's local APIC: x2APIC (MSRs) when the CPU has it, else xAPIC (MMIO at
// the address in IA32_APIC_BASE). Register offsets are the xAPIC ones (Intel SDM vol.
// 3, table 11-1); in x2APIC mode register r is MSR 0x800 + r / 16.
#pragma once

#include <cstdint>

namespace cairn::irq::lapic {

enum Register : std::uint32_t {
  kId = 0x20,
  kVersion = 0x30,
  kTaskPriority = 0x80,
  kEoi = 0xb0,
  kSpuriousVector = 0xf0,
  kInService = 0x100,  // 8 registers, 16 bytes apart: vectors 0-31, 32-63, ...
  kErrorStatus = 0x280,
  kLvtTimer = 0x320,
  kLvtThermal = 0x330,
  kLvtPerformance = 0x340,
  kLvtLint0 = 0x350,
  kLvtLint1 = 0x360,
  kLvtError = 0x370,
  kTimerInitialCount = 0x380,
  kTimerCurrentCount = 0x390,
  kTimerDivide = 0x3e0,
};

inline constexpr std::uint32_t kLvtMasked = 1u << 16;

// Enables the local APIC (x2APIC mode when available): task priority 0, spurious vector
// 0xff, error vector, LINT0 masked (the 8259s are not used), LINT1 NMI, timer masked.
void init();
bool initialized();
bool x2apic_mode();

std::uint32_t read(Register r);
void write(Register r, std::uint32_t value);

void send_eoi();
// The local APIC ID (8 bits in xAPIC mode, 32 in x2APIC mode).
std::uint32_t id();
// True when `vector` is in service, i.e. it was delivered by the APIC and awaits EOI.
bool in_service(std::uint8_t vector);
// Reads and clears the error status register.
std::uint32_t take_error_status();

}  // namespace cairn::irq::lapic
