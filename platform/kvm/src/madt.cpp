#include "madt.h"

#include <errno.h>

#include <cstring>

namespace cairn::platform {
namespace {

// ACPI 6.5, section 5.2.12: a 36-byte header, the local APIC address, flags, entries.
constexpr std::uint32_t kHeaderLength = 36;
constexpr std::uint32_t kEntriesOffset = 44;
constexpr std::uint32_t kFlagPcatCompat = 1u << 0;

enum EntryType : std::uint8_t {
  kIoApic = 1,
  kInterruptSourceOverride = 2,
  kLocalApicAddressOverride = 5,
};
constexpr std::uint8_t kIoApicLength = 12, kOverrideLength = 10, kAddressOverrideLength = 12;

// MPS INTI flags: polarity in bits 0-1, trigger mode in bits 2-3; 0 means "conforms to
// the bus", which for ISA is active-high and edge-triggered.
constexpr std::uint16_t kPolarityMask = 0x3, kPolarityActiveLow = 0x3;
constexpr std::uint16_t kTriggerMask = 0xc, kTriggerLevel = 0xc;

template <typename T>
T read(const std::uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

void add_io_apic(InterruptControllers& out, const std::uint8_t* e) {
  if (out.io_apic_count == InterruptControllers::kMaxIoApics) return;
  out.io_apics[out.io_apic_count++] = {
      .id = e[2], .address = read<std::uint32_t>(e + 4), .gsi_base = read<std::uint32_t>(e + 8)};
}

void add_override(InterruptControllers& out, const std::uint8_t* e) {
  std::uint8_t bus = e[2], source = e[3];
  if (bus != 0 || source > 15) return;
  auto flags = read<std::uint16_t>(e + 8);
  IsaOverride o = {.isa_irq = source,
                   .gsi = read<std::uint32_t>(e + 4),
                   .level_triggered = (flags & kTriggerMask) == kTriggerLevel,
                   .active_low = (flags & kPolarityMask) == kPolarityActiveLow};
  // A repeated source replaces the earlier entry rather than taking a second slot.
  for (int i = 0; i < out.override_count; ++i) {
    if (out.overrides[i].isa_irq == source) {
      out.overrides[i] = o;
      return;
    }
  }
  if (out.override_count < InterruptControllers::kMaxOverrides)
    out.overrides[out.override_count++] = o;
}

std::uint8_t minimum_length(std::uint8_t type) {
  switch (type) {
    case kIoApic:
      return kIoApicLength;
    case kInterruptSourceOverride:
      return kOverrideLength;
    case kLocalApicAddressOverride:
      return kAddressOverrideLength;
    default:
      return 2;
  }
}

}  // namespace

Result<InterruptControllers> parse_madt(const std::uint8_t* table, std::uint32_t length) {
  if (!table || length < kEntriesOffset) return Error(EINVAL, "MADT shorter than its header");
  if (std::memcmp(table, "APIC", 4) != 0) return Error(EINVAL, "not a MADT");
  auto declared = read<std::uint32_t>(table + 4);
  if (declared < kEntriesOffset || declared > length)
    return Error(EINVAL, "MADT length field out of bounds");

  InterruptControllers out;
  out.local_apic_address = read<std::uint32_t>(table + kHeaderLength);
  out.has_8259 = read<std::uint32_t>(table + kHeaderLength + 4) & kFlagPcatCompat;
  for (std::uint32_t offset = kEntriesOffset; offset < declared;) {
    if (declared - offset < 2) return Error(EINVAL, "MADT entry header truncated");
    const std::uint8_t* e = table + offset;
    std::uint8_t type = e[0], entry_length = e[1];
    if (entry_length < minimum_length(type) || entry_length > declared - offset)
      return Error(EINVAL, "MADT entry length out of bounds");
    if (type == kIoApic) add_io_apic(out, e);
    if (type == kInterruptSourceOverride) add_override(out, e);
    if (type == kLocalApicAddressOverride) out.local_apic_address = read<std::uint64_t>(e + 4);
    offset += entry_length;
  }
  return out;
}

}  // namespace cairn::platform
