// Bringing the interrupt controllers up: the local APIC and the (masked) PICs with the
// CPU at the `arch` level, the IOAPICs once the platform can describe them.
#include "controllers.h"

#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/panic.h>

#include "io_apic.h"
#include "isa_routing.h"
#include "local_apic.h"
#include "pic.h"

namespace cairn::irq {
namespace {

InterruptControllers controllers;

void init_local_interrupts() {
  pic::init();
  lapic::init();
}
CAIRN_INITCALL(arch, init_local_interrupts);

void init_io_apics() {
  const InterruptControllers* described = platform::interrupt_controllers();
  controllers = described ? *described : default_pc_interrupt_controllers();
  [[maybe_unused]] int found = io_apic::init(controllers);
#ifdef CONFIG_BOOT_LOG
  kprintf("cairn: irq: local APIC id %u (%s), %d IOAPIC(s) %s, %d ISA override(s)\n", lapic::id(),
          lapic::x2apic_mode() ? "x2APIC" : "xAPIC", found, described ? "from the MADT" : "assumed",
          controllers.override_count);
#endif
}
CAIRN_INITCALL(platform, init_io_apics);

}  // namespace

const InterruptControllers& interrupt_controllers_in_use() { return controllers; }

std::uint8_t boot_cpu_destination() {
  std::uint32_t id = lapic::id();
  // Wider IDs need interrupt remapping, which Cairn does not set up.
  if (id > 0xff) panic("boot CPU's APIC ID %u is beyond what IOAPIC and MSI can address", id);
  return static_cast<std::uint8_t>(id);
}

}  // namespace cairn::irq
