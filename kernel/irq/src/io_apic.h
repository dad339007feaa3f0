// The IOAPICs: every redirection entry masked at init, then entries programmed one
// global system interrupt (GSI) at a time. GSIs map to IOAPIC inputs through each
// IOAPIC's GSI base.
#pragma once

#include <cstdint>

#include <cairn/irq/irq.h>
#include <cairn/kernel/interrupt_controllers.h>
#include <cairn/kernel/result.h>

namespace cairn::irq::io_apic {

// Masks every input of every IOAPIC in `controllers` that answers. Returns how many did.
int init(const InterruptControllers& controllers);

// Delivers `gsi` as `vector` to the local APIC `destination`, unmasked. ENODEV when no
// IOAPIC has that input, EBUSY when it is already routed.
Result<void> route(std::uint32_t gsi, std::uint8_t vector, Trigger trigger, Polarity polarity,
                   std::uint8_t destination);
// Ignores GSIs that no IOAPIC serves or that were never routed.
void set_masked(std::uint32_t gsi, bool masked);

}  // namespace cairn::irq::io_apic
