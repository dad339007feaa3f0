// Just enough ACPI to power off: the FADT (found by acpi_tables.cpp) -> PM1 control
// blocks or the sleep control register, and the DSDT's \_S5 package for the sleep
// type. Table lengths come from memory the firmware wrote; they are bounded before use.
#include "acpi_poweroff.h"

#include <cstring>

#include "acpi_tables.h"

namespace cairn::platform {
namespace {

using acpi::SdtHeader;

// FADT field offsets (ACPI 6.x, table 5.9).
constexpr std::uint32_t kFadtPm1aCnt = 64, kFadtPm1bCnt = 68, kFadtFlags = 112,
                        kFadtSleepControl = 244;
constexpr std::uint32_t kFlagHwReduced = 1u << 20;

template <typename T>
T field(const SdtHeader* t, std::uint32_t offset) {
  T value{};
  if (offset + sizeof(T) <= t->length)
    std::memcpy(&value, reinterpret_cast<const std::uint8_t*>(t) + offset, sizeof(T));
  return value;
}

// One AML integer constant: ZeroOp, OneOp or BytePrefix value.
bool read_small_integer(const std::uint8_t*& p, const std::uint8_t* end, std::uint8_t* out) {
  if (p >= end) return false;
  if (*p == 0x00 || *p == 0x01) {
    *out = *p++;
    return true;
  }
  if (*p == 0x0A && p + 1 < end) {
    *out = p[1];
    p += 2;
    return true;
  }
  return false;
}

}  // namespace

bool parse_s5(const std::uint8_t* aml, std::uint32_t length, std::uint8_t* slp_typ_a,
              std::uint8_t* slp_typ_b) {
  const std::uint8_t* end = aml + length;
  for (const std::uint8_t* p = aml; p + 4 < end; ++p) {
    if (std::memcmp(p, "_S5_", 4) != 0) continue;
    // NameOp (0x08), optionally preceded by a root prefix '\', then PackageOp (0x12).
    bool named = (p > aml && p[-1] == 0x08) || (p > aml + 1 && p[-1] == '\\' && p[-2] == 0x08);
    const std::uint8_t* q = p + 4;
    if (!named || q >= end || *q != 0x12) continue;
    ++q;
    if (q >= end) return false;
    q += 1 + (*q >> 6);  // PkgLength: lead byte plus 0-3 more bytes
    if (q >= end) return false;
    ++q;  // NumElements
    return read_small_integer(q, end, slp_typ_a) && read_small_integer(q, end, slp_typ_b);
  }
  return false;
}

AcpiPowerOff find_acpi_poweroff(std::uint64_t rsdp_address) {
  AcpiPowerOff result;
  const SdtHeader* fadt = acpi::find_table(rsdp_address, "FACP");
  if (!fadt) return result;

  const SdtHeader* dsdt = acpi::find_dsdt(rsdp_address);
  if (!dsdt || !parse_s5(reinterpret_cast<const std::uint8_t*>(dsdt + 1),
                         dsdt->length - sizeof(SdtHeader), &result.slp_typ_a, &result.slp_typ_b))
    return result;

  if (field<std::uint32_t>(fadt, kFadtFlags) & kFlagHwReduced) {
    // Generic address structure: space id, bit width, bit offset, access size, address.
    std::uint8_t space = field<std::uint8_t>(fadt, kFadtSleepControl);
    std::uint64_t address = field<std::uint64_t>(fadt, kFadtSleepControl + 4);
    if (!address || space > 1) return result;
    result.hw_reduced = true;
    result.sleep_control_is_io = space == 1;
    result.sleep_control = address;
  } else {
    result.pm1a_control = static_cast<std::uint16_t>(field<std::uint32_t>(fadt, kFadtPm1aCnt));
    result.pm1b_control = static_cast<std::uint16_t>(field<std::uint32_t>(fadt, kFadtPm1bCnt));
    if (!result.pm1a_control) return result;
  }
  result.found = true;
  return result;
}

}  // namespace cairn::platform
