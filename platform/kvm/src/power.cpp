// Ending the VM on QEMU/KVM. In order of preference:
//   1. isa-debug-exit at port 0xf4 (QEMU exits with 2 * status + 1; a write to an
//      absent port is harmless, so it is always tried first);
//   2. ACPI S5 power-off (pc, q35, microvm), learned from the tables at boot;
//   3. a triple fault, which resets the VM -- QEMU with -no-reboot then exits.
#include <cstdint>

#include <cairn/arch/cpu.h>
#include <cairn/kernel/boot_info.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/platform.h>

#include "acpi_poweroff.h"

namespace cairn::platform {
namespace {

constexpr std::uint16_t kDebugExitPort = 0xf4;
constexpr std::uint16_t kSlpEnFixed = 1 << 13;  // PM1 control: SLP_EN; SLP_TYP at bits 10-12
constexpr std::uint8_t kSlpEnReduced = 1 << 5;  // sleep control: SLP_EN; SLP_TYP at bits 2-4

AcpiPowerOff acpi;

[[noreturn]] void triple_fault() {
  struct [[gnu::packed]] {
    std::uint16_t limit = 0;
    std::uint64_t base = 0;
  } empty_idt;
  asm volatile("lidt %0; int3" : : "m"(empty_idt));
  for (;;) arch::halt();
}

}  // namespace

// Called by pvh.cpp's boot path through the platform initcall below.
std::uint64_t boot_rsdp;

void init_power_off() { acpi = find_acpi_poweroff(boot_rsdp); }
CAIRN_INITCALL(platform, init_power_off);

void power_off(int status) {
  arch::disable_interrupts();
  arch::outl(kDebugExitPort, static_cast<std::uint32_t>(status));
  if (acpi.found) {
    if (acpi.hw_reduced) {
      std::uint8_t value = static_cast<std::uint8_t>((acpi.slp_typ_a & 7) << 2) | kSlpEnReduced;
      if (acpi.sleep_control_is_io)
        arch::outb(static_cast<std::uint16_t>(acpi.sleep_control), value);
      else
        *reinterpret_cast<volatile std::uint8_t*>(acpi.sleep_control) = value;
    } else {
      arch::outw(acpi.pm1a_control,
                 static_cast<std::uint16_t>((acpi.slp_typ_a & 7) << 10) | kSlpEnFixed);
      if (acpi.pm1b_control)
        arch::outw(acpi.pm1b_control,
                   static_cast<std::uint16_t>((acpi.slp_typ_b & 7) << 10) | kSlpEnFixed);
    }
  }
  triple_fault();
}

}  // namespace cairn::platform
