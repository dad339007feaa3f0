// Interrupts: the local APIC (x2APIC when the CPU has it), the IOAPIC, the legacy PIC
// (masked), MSI/MSI-X messages for PCI devices, and the local APIC's one-shot timer.
//
// Handlers run in interrupt context: interrupts are off, the interrupted thread's
// extended (FPU/SSE/AVX) state has been saved by the entry code, so handlers may be
// ordinary C++; they must not block or allocate. The end-of-interrupt is sent by the
// dispatcher after the handler returns.
#pragma once

#include <cstdint>

#include <cairn/kernel/result.h>

namespace cairn::irq {

using Handler = void (*)(void* context);

// Vectors 32..47 stay unused (where the masked PIC would deliver); device vectors
// come from 48..239; the top of the range belongs to the local APIC.
inline constexpr std::uint8_t kFirstDeviceVector = 48;
inline constexpr std::uint8_t kLastDeviceVector = 239;
inline constexpr std::uint8_t kTimerVector = 0xf0;
inline constexpr std::uint8_t kErrorVector = 0xfe;
inline constexpr std::uint8_t kSpuriousVector = 0xff;

// A free vector whose interrupts call `handler(context)`. EBUSY when none is left.
Result<std::uint8_t> allocate_vector(Handler handler, void* context, const char* name);
void release_vector(std::uint8_t vector);

enum class Trigger : std::uint8_t { kEdge, kLevel };
enum class Polarity : std::uint8_t { kActiveHigh, kActiveLow };

// Routes an ISA interrupt (0..15) through the IOAPIC to a new vector, applying the
// firmware's interrupt source overrides (ACPI MADT). Unmasked on return.
Result<std::uint8_t> route_isa_irq(std::uint8_t isa_irq, Handler handler, void* context,
                                   const char* name);
// Routes a global system interrupt (IOAPIC input) to a new vector. Unmasked on return.
Result<std::uint8_t> route_gsi(std::uint32_t gsi, Trigger trigger, Polarity polarity,
                               Handler handler, void* context, const char* name);
void mask_gsi(std::uint32_t gsi);
void unmask_gsi(std::uint32_t gsi);

// The MSI/MSI-X message (address, data) that delivers `vector` to the boot CPU,
// edge-triggered, fixed delivery mode: what a PCI driver writes into the device.
struct MsiMessage {
  std::uint64_t address;
  std::uint32_t data;
};
MsiMessage msi_message(std::uint8_t vector);

// The one-shot timer. `handler` runs in interrupt context when the TSC reaches the
// armed deadline. arm_timer replaces any earlier deadline; a deadline already in the
// past fires as soon as possible. Uses TSC-deadline mode when the CPU has it, else the
// APIC timer's one-shot mode (its rate is measured against the TSC once).
void set_timer_handler(Handler handler, void* context);
void arm_timer(std::uint64_t tsc_deadline);
void disarm_timer();

// True while a handler runs (the dispatcher's nesting depth is non-zero).
bool in_interrupt();

// Counters, for tests and diagnostics.
std::uint64_t interrupt_count(std::uint8_t vector);
std::uint64_t spurious_count();    // APIC spurious vector and PIC spurious IRQ 7/15
std::uint64_t unexpected_count();  // vectors that arrived with no handler
// Device vectors allocated now: when none is and no timer is armed, no interrupt can
// ever wake a blocked thread (the scheduler reports such a deadlock).
int device_vectors_in_use();

// Called by the trap entry for vectors >= 32: runs the handler (or counts the
// interrupt as unexpected) and sends the end-of-interrupt where one is due.
void dispatch(std::uint8_t vector);

}  // namespace cairn::irq
