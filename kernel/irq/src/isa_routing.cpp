#include "isa_routing.h"

#include <errno.h>

namespace cairn::irq {

InterruptControllers default_pc_interrupt_controllers() {
  InterruptControllers c;
  c.local_apic_address = 0xfee00000;
  c.has_8259 = true;
  c.io_apics[0] = {.id = 0, .address = 0xfec00000, .gsi_base = 0};
  c.io_apic_count = 1;
  return c;
}

Result<GsiRoute> isa_route(const InterruptControllers& controllers, std::uint8_t isa_irq) {
  if (isa_irq > 15) return Error(EINVAL, "ISA IRQ out of range (0..15)");
  for (int i = 0; i < controllers.override_count; ++i) {
    const IsaOverride& o = controllers.overrides[i];
    if (o.isa_irq != isa_irq) continue;
    return GsiRoute{o.gsi, o.level_triggered ? Trigger::kLevel : Trigger::kEdge,
                    o.active_low ? Polarity::kActiveLow : Polarity::kActiveHigh};
  }
  // Without an override the IRQ keeps its own number, unless that input was given to
  // another ISA IRQ (IRQ 0 -> GSI 2 leaves ISA IRQ 2, the cascade, without a GSI).
  for (int i = 0; i < controllers.override_count; ++i)
    if (controllers.overrides[i].gsi == isa_irq)
      return Error(EINVAL, "ISA IRQ's input is taken by an interrupt source override");
  return GsiRoute{isa_irq, Trigger::kEdge, Polarity::kActiveHigh};
}

}  // namespace cairn::irq
