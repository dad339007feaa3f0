// PCI: configuration space, enumeration, BARs, the capability list and MSI-X.
//
// Everything that interprets configuration space works on a ConfigSpace, so it runs on
// the host against a simulated bus in tests. The kernel's ConfigSpace uses the port-I/O
// mechanism (0xCF8/0xCFC; the first 256 bytes of each function, on pc and q35 alike).
// Values read from a device are bounded before use: capability pointers must stay in
// the header and the walk ends after at most 48 steps; bridges are followed to each
// bus at most once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <cairn/kernel/result.h>

namespace cairn::pci {

struct Address {
  std::uint8_t bus;
  std::uint8_t device;    // 0..31
  std::uint8_t function;  // 0..7
};

// Offsets in the type 0 and type 1 headers.
inline constexpr std::uint16_t kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06,
                               kRevision = 0x08, kClassCode = 0x09, kHeaderType = 0x0e,
                               kBar0 = 0x10, kSecondaryBus = 0x19, kSubsystemVendorId = 0x2c,
                               kSubsystemId = 0x2e, kCapabilityPointer = 0x34,
                               kInterruptLine = 0x3c, kInterruptPin = 0x3d;
inline constexpr std::uint16_t kCommandIo = 1 << 0, kCommandMemory = 1 << 1,
                               kCommandBusMaster = 1 << 2, kCommandIntxDisable = 1 << 10;
inline constexpr std::uint16_t kStatusCapabilityList = 1 << 4;
inline constexpr std::uint8_t kCapabilityMsi = 0x05, kCapabilityVendor = 0x09,
                              kCapabilityMsix = 0x11;

class ConfigSpace {
 public:
  // `offset` < 256 and aligned to `width` (1, 2 or 4 bytes). A function that does not
  // exist reads as all ones.
  virtual std::uint32_t read(Address address, std::uint16_t offset, int width) = 0;
  virtual void write(Address address, std::uint16_t offset, int width, std::uint32_t value) = 0;

  std::uint8_t read8(Address a, std::uint16_t offset) { return read(a, offset, 1); }
  std::uint16_t read16(Address a, std::uint16_t offset) { return read(a, offset, 2); }
  std::uint32_t read32(Address a, std::uint16_t offset) { return read(a, offset, 4); }
  void write16(Address a, std::uint16_t offset, std::uint16_t v) { write(a, offset, 2, v); }
  void write32(Address a, std::uint16_t offset, std::uint32_t v) { write(a, offset, 4, v); }

 protected:
  // Never deleted through the interface; a trivial destructor keeps a global config
  // space free of a static destructor (kernel globals must be constant-initialised).
  ~ConfigSpace() = default;
};

struct Function {
  Address address;
  std::uint16_t vendor_id, device_id;
  std::uint16_t subsystem_vendor_id, subsystem_id;  // 0 for bridges
  std::uint8_t class_code, subclass, prog_if, revision;
  std::uint8_t header_type;  // without the multi-function bit
  std::uint8_t interrupt_line, interrupt_pin;
};

// Calls `visit` for every function reachable from bus 0 through PCI-to-PCI bridges.
void enumerate(ConfigSpace& config, void (*visit)(const Function&, void*), void* context);

struct Bar {
  enum class Kind : std::uint8_t { kNone, kIo, kMemory32, kMemory64 };
  Kind kind;
  bool prefetchable;
  std::uint64_t base;  // as the firmware assigned it; 0 when unassigned
  std::uint64_t size;
};
// Reads and sizes BAR `index` (0..5) of a type 0 function; memory and I/O decoding are
// off while it is sized. The upper half of a 64-bit BAR is index + 1. EINVAL for an
// index out of range or the upper half of a 64-bit BAR.
Result<Bar> read_bar(ConfigSpace& config, Address address, int index);

// The offset of the first capability with `id` after `after` (0: from the start).
std::optional<std::uint8_t> find_capability(ConfigSpace& config, Address address, std::uint8_t id,
                                            std::uint8_t after = 0);

// Where a function's MSI-X table and pending-bit array are (the capability's numbers).
struct MsixInfo {
  std::uint8_t capability;   // offset of the capability
  std::uint16_t table_size;  // entries
  std::uint8_t table_bar;
  std::uint32_t table_offset;
  std::uint8_t pba_bar;
  std::uint32_t pba_offset;
};
std::optional<MsixInfo> find_msix(ConfigSpace& config, Address address);

// MSI-X message programming. `table` points at the mapped table (16 bytes per entry).
// Entries start masked; set_entry writes one and unmasks it.
void msix_set_entry(volatile std::uint32_t* table, std::uint16_t entry, std::uint64_t address,
                    std::uint32_t data);
// Enables MSI-X on the function (and turns INTx off), or disables it.
void msix_enable(ConfigSpace& config, Address address, const MsixInfo& msix, bool on);

// --- The kernel's bus (not on the host) -----------------------------------------------

ConfigSpace& config_space();
// The functions found at boot (the `bus` initcall), in bus order.
std::span<const Function> functions();
inline constexpr std::size_t kMaxFunctions = 128;

// Turns on memory/I/O decoding and bus mastering (DMA) for a function.
void enable_device(Address address);

// "bb:dd.f" into `buffer` (at least 8 bytes); returns buffer.
const char* format_address(Address address, char* buffer);

}  // namespace cairn::pci
