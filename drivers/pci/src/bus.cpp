// The kernel's PCI bus: configuration space through I/O ports 0xCF8/0xCFC, and the
// enumeration at the `bus` initcall level. The `pci.list` kernel option prints what was
// found.
#include <cstdint>
#include <string_view>

#include <cairn/arch/cpu.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/param.h>
#include <cairn/pci/pci.h>

namespace cairn::pci {
namespace {

constexpr std::uint16_t kConfigAddressPort = 0xcf8, kConfigDataPort = 0xcfc;
constexpr std::uint32_t kConfigEnable = 0x80000000;

std::uint32_t inl(std::uint16_t port) {
  std::uint32_t value;
  asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

class PortConfigSpace final : public ConfigSpace {
 public:
  std::uint32_t read(Address a, std::uint16_t offset, int width) override {
    // The address/data pair must not be split by an interrupt handler's own access.
    const std::uint64_t flags = arch::save_and_disable_interrupts();
    arch::outl(kConfigAddressPort, address(a, offset));
    const std::uint16_t port = kConfigDataPort + (offset & 3);
    const std::uint32_t value = width == 1   ? arch::inb(port)
                                : width == 2 ? arch::inw(port)
                                             : inl(kConfigDataPort);
    arch::restore_interrupts(flags);
    return value;
  }
  void write(Address a, std::uint16_t offset, int width, std::uint32_t value) override {
    const std::uint64_t flags = arch::save_and_disable_interrupts();
    arch::outl(kConfigAddressPort, address(a, offset));
    const std::uint16_t port = kConfigDataPort + (offset & 3);
    if (width == 1)
      arch::outb(port, static_cast<std::uint8_t>(value));
    else if (width == 2)
      arch::outw(port, static_cast<std::uint16_t>(value));
    else
      arch::outl(kConfigDataPort, value);
    arch::restore_interrupts(flags);
  }

 private:
  static std::uint32_t address(Address a, std::uint16_t offset) {
    return kConfigEnable | std::uint32_t{a.bus} << 16 | std::uint32_t{a.device & 31u} << 11 |
           std::uint32_t{a.function & 7u} << 8 | (offset & 0xfc);
  }
};

constinit PortConfigSpace port_config;
constinit Function found[kMaxFunctions];
std::size_t found_count = 0;
bool list_requested = false;

Result<void> set_list(std::string_view) {
  list_requested = true;
  return {};
}
CAIRN_PARAM(pci_list, "pci.list", set_list, "print the PCI functions found at boot");

// The configuration mechanism exists when the address port holds what was written to it
// (microvm has no PCI: the port floats).
bool mechanism_present() {
  const std::uint64_t flags = arch::save_and_disable_interrupts();
  arch::outl(kConfigAddressPort, kConfigEnable);
  const bool present = inl(kConfigAddressPort) == kConfigEnable;
  arch::restore_interrupts(flags);
  return present;
}

void record(const Function& f, void*) {
  if (found_count < kMaxFunctions)
    found[found_count++] = f;
  else if (found_count++ == kMaxFunctions)
    kwarn("pci: more than %zu functions; the rest are ignored", kMaxFunctions);
}

void init_pci() {
  if (!mechanism_present()) return;
  enumerate(port_config, record, nullptr);
  if (found_count > kMaxFunctions) found_count = kMaxFunctions;
  if (!list_requested) return;
  for (const Function& f : functions()) {
    char name[8];
    kprintf("pci: %s %04x:%04x class %02x.%02x.%02x subsystem %04x:%04x irq %u pin %u\n",
            format_address(f.address, name), f.vendor_id, f.device_id, f.class_code, f.subclass,
            f.prog_if, f.subsystem_vendor_id, f.subsystem_id, f.interrupt_line, f.interrupt_pin);
  }
}
CAIRN_INITCALL(bus, init_pci);

}  // namespace

ConfigSpace& config_space() { return port_config; }

std::span<const Function> functions() { return {found, found_count}; }

void enable_device(Address a) {
  const std::uint16_t command = port_config.read16(a, kCommand);
  port_config.write16(a, kCommand, command | kCommandIo | kCommandMemory | kCommandBusMaster);
}

}  // namespace cairn::pci
