#include "local_apic.h"

#include <cairn/arch/cpu.h>
#include <cairn/arch/cpu_features.h>
#include <cairn/irq/irq.h>
#include <cairn/kernel/panic.h>

namespace cairn::irq::lapic {
namespace {

constexpr std::uint32_t kMsrApicBase = 0x1b;
constexpr std::uint64_t kApicBaseEnable = 1u << 11;
constexpr std::uint64_t kApicBaseX2apic = 1u << 10;
constexpr std::uint64_t kApicBaseAddressMask = 0x000ffffffffff000;
constexpr std::uint32_t kMsrX2apicBase = 0x800;

constexpr std::uint32_t kSpuriousEnable = 1u << 8;
constexpr std::uint32_t kDeliveryNmi = 4u << 8;

bool ready = false;
bool x2apic = false;
volatile std::uint32_t* mmio = nullptr;
std::uint32_t max_lvt = 0;

}  // namespace

std::uint32_t read(Register r) {
  if (x2apic) return static_cast<std::uint32_t>(arch::rdmsr(kMsrX2apicBase + r / 16));
  return mmio[r / 4];
}

void write(Register r, std::uint32_t value) {
  if (x2apic)
    arch::wrmsr(kMsrX2apicBase + r / 16, value);
  else
    mmio[r / 4] = value;
}

void init() {
  std::uint64_t base = arch::rdmsr(kMsrApicBase);
  // EN before EXTD: x2APIC mode may only be entered from the enabled xAPIC state.
  if (!(base & kApicBaseEnable)) arch::wrmsr(kMsrApicBase, base |= kApicBaseEnable);
  if (arch::cpu_features().x2apic && !(base & kApicBaseX2apic))
    arch::wrmsr(kMsrApicBase, base |= kApicBaseX2apic);
  x2apic = base & kApicBaseX2apic;
  if (!x2apic) {
    std::uint64_t address = base & kApicBaseAddressMask;
    // Only the low 4 GiB are mapped uncached; every machine keeps the APIC there.
    if (address >= (std::uint64_t{1} << 32))
      panic("local APIC at 0x%lx, above 4 GiB", static_cast<unsigned long>(address));
    mmio = reinterpret_cast<volatile std::uint32_t*>(address);
  }
  ready = true;

  max_lvt = (read(kVersion) >> 16) & 0xff;
  write(kTaskPriority, 0);
  write(kLvtLint0, kLvtMasked);
  write(kLvtLint1, kDeliveryNmi);
  // The performance-counter and thermal LVTs exist only when the version says so (in
  // x2APIC mode touching an absent register faults).
  if (max_lvt >= 4) write(kLvtPerformance, kLvtMasked);
  if (max_lvt >= 5) write(kLvtThermal, kLvtMasked);
  write(kLvtTimer, kLvtMasked | kTimerVector);
  write(kLvtError, kErrorVector);
  take_error_status();
  write(kSpuriousVector, kSpuriousEnable | irq::kSpuriousVector);
}

bool initialized() { return ready; }
bool x2apic_mode() { return x2apic; }

void send_eoi() {
  if (ready) write(kEoi, 0);
}

std::uint32_t id() {
  if (!ready) return 0;
  std::uint32_t value = read(kId);
  return x2apic ? value : value >> 24;
}

bool in_service(std::uint8_t vector) {
  if (!ready) return false;
  auto r = static_cast<Register>(kInService + (vector / 32) * 16);
  return read(r) & (1u << (vector % 32));
}

std::uint32_t take_error_status() {
  // The register latches new errors on a write (xAPIC); in x2APIC mode only 0 may be
  // written.
  write(kErrorStatus, 0);
  return read(kErrorStatus);
}

}  // namespace cairn::irq::lapic
