// Device interrupts through the IOAPIC, and MSI messages for PCI devices.
#include <cairn/irq/irq.h>

#include "controllers.h"
#include "io_apic.h"
#include "isa_routing.h"
#include "msi.h"

namespace cairn::irq {

Result<std::uint8_t> route_gsi(std::uint32_t gsi, Trigger trigger, Polarity polarity,
                               Handler handler, void* context, const char* name) {
  std::uint8_t vector = TRY(allocate_vector(handler, context, name));
  Result<void> routed = io_apic::route(gsi, vector, trigger, polarity, boot_cpu_destination());
  if (!routed) {
    release_vector(vector);
    return routed.error();
  }
  return vector;
}

Result<std::uint8_t> route_isa_irq(std::uint8_t isa_irq, Handler handler, void* context,
                                   const char* name) {
  GsiRoute route = TRY(isa_route(interrupt_controllers_in_use(), isa_irq));
  return route_gsi(route.gsi, route.trigger, route.polarity, handler, context, name);
}

void mask_gsi(std::uint32_t gsi) { io_apic::set_masked(gsi, true); }
void unmask_gsi(std::uint32_t gsi) { io_apic::set_masked(gsi, false); }

MsiMessage msi_message(std::uint8_t vector) { return compose_msi(vector, boot_cpu_destination()); }

}  // namespace cairn::irq
