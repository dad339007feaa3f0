#include "io_apic.h"

#include <errno.h>

#include <cairn/kernel/console.h>

#include "interrupt_guard.h"
#include "io_apic_entry.h"

namespace cairn::irq::io_apic {
namespace {

// Indirect registers: write the index to IOREGSEL, then use IOWIN.
constexpr unsigned kRegisterSelect = 0x00 / 4, kWindow = 0x10 / 4;
constexpr std::uint32_t kVersionRegister = 0x01;
constexpr std::uint32_t kRedirectionTable = 0x10;  // two registers per input

struct IoApic {
  volatile std::uint32_t* registers;
  std::uint32_t gsi_base;
  std::uint32_t inputs;

  std::uint32_t read(std::uint32_t index) const {
    registers[kRegisterSelect] = index;
    return registers[kWindow];
  }
  void write(std::uint32_t index, std::uint32_t value) const {
    registers[kRegisterSelect] = index;
    registers[kWindow] = value;
  }
  std::uint64_t entry(std::uint32_t input) const {
    std::uint32_t index = kRedirectionTable + 2 * input;
    return read(index) | (std::uint64_t{read(index + 1)} << 32);
  }
  // High half first: the low half holds the mask bit, so the entry goes live last.
  void set_entry(std::uint32_t input, std::uint64_t e) const {
    std::uint32_t index = kRedirectionTable + 2 * input;
    write(index + 1, static_cast<std::uint32_t>(e >> 32));
    write(index, static_cast<std::uint32_t>(e));
  }
};

IoApic io_apics[InterruptControllers::kMaxIoApics];
int count = 0;

// The IOAPIC serving `gsi` and its input number there, or null.
const IoApic* find(std::uint32_t gsi, std::uint32_t* input) {
  for (int i = 0; i < count; ++i) {
    const IoApic& a = io_apics[i];
    if (gsi >= a.gsi_base && gsi - a.gsi_base < a.inputs) {
      *input = gsi - a.gsi_base;
      return &a;
    }
  }
  return nullptr;
}

}  // namespace

int init(const InterruptControllers& controllers) {
  InterruptGuard guard;
  count = 0;
  for (int i = 0; i < controllers.io_apic_count; ++i) {
    const IoApicDescription& d = controllers.io_apics[i];
    IoApic a = {reinterpret_cast<volatile std::uint32_t*>(std::uintptr_t{d.address}), d.gsi_base,
                0};
    std::uint32_t version = a.read(kVersionRegister);
    if (version == 0xffffffffu || version == 0) {  // nothing decodes that address
      kwarn("no IOAPIC answers at 0x%x (ignored)", d.address);
      continue;
    }
    a.inputs = ((version >> 16) & 0xff) + 1;
    for (std::uint32_t input = 0; input < a.inputs; ++input) a.set_entry(input, kRedirectionMasked);
    io_apics[count++] = a;
  }
  return count;
}

Result<void> route(std::uint32_t gsi, std::uint8_t vector, Trigger trigger, Polarity polarity,
                   std::uint8_t destination) {
  InterruptGuard guard;
  std::uint32_t input;
  const IoApic* a = find(gsi, &input);
  if (!a) return Error(ENODEV, "no IOAPIC input for this GSI");
  // Entries with vector 0 are free (init leaves every entry so).
  if (a->entry(input) & kRedirectionVectorMask) return Error(EBUSY, "GSI already routed");
  a->set_entry(input, redirection_entry(vector, trigger, polarity, destination, false));
  return {};
}

void set_masked(std::uint32_t gsi, bool masked) {
  InterruptGuard guard;
  std::uint32_t input;
  const IoApic* a = find(gsi, &input);
  if (!a) return;
  std::uint64_t e = a->entry(input);
  if (!(e & kRedirectionVectorMask)) return;  // never routed: vector 0 must not be delivered
  a->set_entry(input, masked ? e | kRedirectionMasked : e & ~kRedirectionMasked);
}

}  // namespace cairn::irq::io_apic
