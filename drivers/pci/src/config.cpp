// Interpreting configuration space: enumeration, BAR sizing, the capability list and
// MSI-X. No port I/O here (see bus.cpp), so this file runs on the host in tests.
#include <errno.h>

#include <cairn/pci/pci.h>

namespace cairn::pci {
namespace {

constexpr std::uint8_t kMultiFunction = 0x80;
constexpr std::uint8_t kHeaderBridge = 1;
constexpr int kMaxCapabilities = 48;  // (256 - 64) / 4: more means a loop
constexpr std::uint16_t kMsixEnable = 1 << 15, kMsixFunctionMask = 1 << 14;

Function read_function(ConfigSpace& config, Address a) {
  Function f{};
  f.address = a;
  f.vendor_id = config.read16(a, kVendorId);
  f.device_id = config.read16(a, kDeviceId);
  const std::uint32_t class_revision = config.read32(a, kRevision & ~3);
  f.revision = class_revision & 0xff;
  f.prog_if = (class_revision >> 8) & 0xff;
  f.subclass = (class_revision >> 16) & 0xff;
  f.class_code = class_revision >> 24;
  f.header_type = config.read8(a, kHeaderType) & 0x7f;
  if (f.header_type == 0) {
    f.subsystem_vendor_id = config.read16(a, kSubsystemVendorId);
    f.subsystem_id = config.read16(a, kSubsystemId);
  }
  f.interrupt_line = config.read8(a, kInterruptLine);
  f.interrupt_pin = config.read8(a, kInterruptPin);
  return f;
}

}  // namespace

void enumerate(ConfigSpace& config, void (*visit)(const Function&, void*), void* context) {
  // Breadth-first over buses; each bus is scanned once, however the bridges point.
  bool seen[256] = {};
  std::uint8_t pending[256];
  int head = 0, tail = 0;
  pending[tail++] = 0;
  seen[0] = true;
  while (head < tail) {
    const std::uint8_t bus = pending[head++];
    for (std::uint8_t device = 0; device < 32; ++device) {
      const Address first{bus, device, 0};
      if (config.read16(first, kVendorId) == 0xffff) continue;
      const int functions = (config.read8(first, kHeaderType) & kMultiFunction) ? 8 : 1;
      for (std::uint8_t function = 0; function < functions; ++function) {
        const Address a{bus, device, function};
        if (config.read16(a, kVendorId) == 0xffff) continue;
        const Function f = read_function(config, a);
        visit(f, context);
        if (f.header_type != kHeaderBridge) continue;
        const std::uint8_t secondary = config.read8(a, kSecondaryBus);
        if (secondary != 0 && !seen[secondary]) {
          seen[secondary] = true;
          pending[tail++] = secondary;
        }
      }
    }
  }
}

Result<Bar> read_bar(ConfigSpace& config, Address a, int index) {
  if (index < 0 || index > 5) return Error(EINVAL, "PCI BAR index out of range");
  const std::uint16_t offset = kBar0 + 4 * index;
  if (index > 0) {
    const std::uint32_t below = config.read32(a, offset - 4);
    if (!(below & 1) && ((below >> 1) & 3) == 2)
      return Error(EINVAL, "PCI BAR is the upper half of a 64-bit BAR");
  }
  // Sizing writes all ones, which would move the window: decoding stays off meanwhile.
  const std::uint16_t command = config.read16(a, kCommand);
  config.write16(a, kCommand, command & ~(kCommandIo | kCommandMemory));
  const std::uint32_t original = config.read32(a, offset);
  config.write32(a, offset, 0xffffffff);
  const std::uint32_t mask = config.read32(a, offset);
  config.write32(a, offset, original);

  Bar bar{Bar::Kind::kNone, false, 0, 0};
  if (original & 1) {
    std::uint32_t bits = mask & ~3u;
    if (bits != 0) {
      if ((bits >> 16) == 0) bits |= 0xffff0000;  // a 16-bit I/O decoder
      bar = {Bar::Kind::kIo, false, original & ~3u, std::uint64_t{~bits} + 1};
    }
  } else if (((original >> 1) & 3) == 2) {
    if (index == 5) {
      config.write16(a, kCommand, command);
      return Error(EINVAL, "PCI 64-bit BAR in the last slot");
    }
    const std::uint32_t original_high = config.read32(a, offset + 4);
    config.write32(a, offset + 4, 0xffffffff);
    const std::uint32_t mask_high = config.read32(a, offset + 4);
    config.write32(a, offset + 4, original_high);
    const std::uint64_t bits = (std::uint64_t{mask_high} << 32) | (mask & ~0xfu);
    if (bits != 0)
      bar = {Bar::Kind::kMemory64, (original & 8) != 0,
             (std::uint64_t{original_high} << 32) | (original & ~0xfu), ~bits + 1};
  } else {
    const std::uint32_t bits = mask & ~0xfu;
    if (bits != 0)
      bar = {Bar::Kind::kMemory32, (original & 8) != 0, original & ~0xfu,
             std::uint64_t{static_cast<std::uint32_t>(~bits + 1)}};
  }
  config.write16(a, kCommand, command);
  return bar;
}

std::optional<std::uint8_t> find_capability(ConfigSpace& config, Address a, std::uint8_t id,
                                            std::uint8_t after) {
  if (!(config.read16(a, kStatus) & kStatusCapabilityList)) return std::nullopt;
  std::uint8_t pointer = after ? config.read8(a, after + 1) : config.read8(a, kCapabilityPointer);
  for (int step = 0; step < kMaxCapabilities; ++step) {
    pointer &= 0xfc;
    if (pointer < 0x40) return std::nullopt;  // 0 ends the list; the header is no capability
    if (config.read8(a, pointer) == id) return pointer;
    pointer = config.read8(a, pointer + 1);
  }
  return std::nullopt;
}

std::optional<MsixInfo> find_msix(ConfigSpace& config, Address a) {
  const auto capability = find_capability(config, a, kCapabilityMsix);
  if (!capability) return std::nullopt;
  const std::uint16_t control = config.read16(a, *capability + 2);
  const std::uint32_t table = config.read32(a, *capability + 4);
  const std::uint32_t pba = config.read32(a, *capability + 8);
  if ((table & 7) > 5 || (pba & 7) > 5) return std::nullopt;
  return MsixInfo{*capability,
                  static_cast<std::uint16_t>((control & 0x7ff) + 1),
                  static_cast<std::uint8_t>(table & 7),
                  table & ~7u,
                  static_cast<std::uint8_t>(pba & 7),
                  pba & ~7u};
}

void msix_set_entry(volatile std::uint32_t* table, std::uint16_t entry, std::uint64_t address,
                    std::uint32_t data) {
  volatile std::uint32_t* e = table + 4 * std::size_t{entry};
  e[3] = e[3] | 1;  // masked while the message changes
  e[0] = static_cast<std::uint32_t>(address);
  e[1] = static_cast<std::uint32_t>(address >> 32);
  e[2] = data;
  e[3] = e[3] & ~1u;
}

void msix_enable(ConfigSpace& config, Address a, const MsixInfo& msix, bool on) {
  std::uint16_t control = config.read16(a, msix.capability + 2);
  control = on ? (control | kMsixEnable) & ~kMsixFunctionMask : control & ~kMsixEnable;
  config.write16(a, msix.capability + 2, control);
  const std::uint16_t command = config.read16(a, kCommand);
  config.write16(a, kCommand, on ? command | kCommandIntxDisable : command & ~kCommandIntxDisable);
}

const char* format_address(Address a, char* buffer) {
  constexpr char kHex[] = "0123456789abcdef";
  buffer[0] = kHex[a.bus >> 4];
  buffer[1] = kHex[a.bus & 15];
  buffer[2] = ':';
  buffer[3] = kHex[(a.device >> 4) & 1];
  buffer[4] = kHex[a.device & 15];
  buffer[5] = '.';
  buffer[6] = static_cast<char>('0' + (a.function & 7));
  buffer[7] = '\0';
  return buffer;
}

}  // namespace cairn::pci
