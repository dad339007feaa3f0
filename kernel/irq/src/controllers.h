// The interrupt controllers in use, set up by the irq initcalls (controllers.cpp).
#pragma once

#include <cstdint>

#include <cairn/kernel/interrupt_controllers.h>

namespace cairn::irq {

// The firmware's description, or a PC's defaults when it gave none. Valid after the
// `platform` initcall level.
const InterruptControllers& interrupt_controllers_in_use();

// The boot CPU's APIC ID as IOAPIC entries and MSI messages name it (8 bits).
std::uint8_t boot_cpu_destination();

}  // namespace cairn::irq
