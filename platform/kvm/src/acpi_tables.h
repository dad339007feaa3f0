// Finding ACPI tables: RSDP -> XSDT (or RSDT) -> the table with a given signature.
// Every table is checksummed and its length bounded before use, since it is memory
// the firmware wrote.
#pragma once

#include <cstdint>

namespace cairn::platform::acpi {

struct [[gnu::packed]] Rsdp {
  char signature[8];
  std::uint8_t checksum;
  char oem_id[6];
  std::uint8_t revision;
  std::uint32_t rsdt_address;
  std::uint32_t length;
  std::uint64_t xsdt_address;
  std::uint8_t extended_checksum;  // over all 36 bytes (ACPI 2.0)
  std::uint8_t reserved[3];
};
static_assert(sizeof(Rsdp) == 36);

struct [[gnu::packed]] SdtHeader {
  char signature[4];
  std::uint32_t length;
  std::uint8_t revision;
  std::uint8_t checksum;
  char oem_id[6];
  char oem_table_id[8];
  std::uint32_t oem_revision;
  std::uint32_t creator_id;
  std::uint32_t creator_revision;
};
static_assert(sizeof(SdtHeader) == 36);

// Longer tables are taken for garbage.
inline constexpr std::uint32_t kMaxTableLength = 1 << 20;

bool checksum_ok(const void* bytes, std::uint32_t length);

// The table at `address` when its length is sane and its checksum right, else null.
const SdtHeader* table_at(std::uint64_t address);

// The first table with `signature` ("FACP", "APIC", ...) listed by the root table that
// `rsdp_address` points to (0: search the BIOS area for the RSDP). Null when absent.
const SdtHeader* find_table(std::uint64_t rsdp_address, const char (&signature)[5]);

// The DSDT, which the FADT points to (the root table does not list it). Null when absent.
const SdtHeader* find_dsdt(std::uint64_t rsdp_address);

}  // namespace cairn::platform::acpi
