// The legacy 8259 PICs: remapped to vectors 0x20..0x2f, out of the way of the CPU
// exceptions, and fully masked. Interrupts come through the IOAPIC instead; only a
// spurious IRQ 7 or 15 can still arrive from them.
#pragma once

#include <cstdint>

namespace cairn::irq::pic {

inline constexpr std::uint8_t kFirstVector = 0x20;
inline constexpr std::uint8_t kLastVector = 0x2f;

void init();

// For a vector in kFirstVector..kLastVector: acknowledges it and returns true when it
// was a spurious IRQ 7/15 (the PIC had nothing in service), else false.
bool acknowledge(std::uint8_t vector);

}  // namespace cairn::irq::pic
