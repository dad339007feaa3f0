#include "acpi_tables.h"

#include <cstring>

namespace cairn::platform::acpi {
namespace {

constexpr std::uint32_t kRsdpV1Length = 20;

const Rsdp* rsdp_at(std::uint64_t address) {
  auto* r = reinterpret_cast<const Rsdp*>(address);
  if (std::memcmp(r->signature, "RSD PTR ", 8) != 0 || !checksum_ok(r, kRsdpV1Length))
    return nullptr;
  return r;
}

const Rsdp* scan_for_rsdp() {
  for (std::uint64_t a = 0xE0000; a < 0x100000; a += 16)
    if (const Rsdp* r = rsdp_at(a)) return r;
  return nullptr;
}

// The XSDT needs ACPI 2.0 and an intact extended RSDP; otherwise the RSDT is used.
bool has_xsdt(const Rsdp* r) {
  return r->revision >= 2 && r->xsdt_address && checksum_ok(r, sizeof(Rsdp));
}

}  // namespace

bool checksum_ok(const void* bytes, std::uint32_t length) {
  std::uint8_t sum = 0;
  for (std::uint32_t i = 0; i < length; ++i) sum += static_cast<const std::uint8_t*>(bytes)[i];
  return sum == 0;
}

const SdtHeader* table_at(std::uint64_t address) {
  if (!address) return nullptr;
  auto* h = reinterpret_cast<const SdtHeader*>(address);
  if (h->length < sizeof(SdtHeader) || h->length > kMaxTableLength) return nullptr;
  return checksum_ok(h, h->length) ? h : nullptr;
}

const SdtHeader* find_table(std::uint64_t rsdp_address, const char (&signature)[5]) {
  const Rsdp* rsdp = rsdp_address ? rsdp_at(rsdp_address) : scan_for_rsdp();
  if (!rsdp) return nullptr;
  bool xsdt = has_xsdt(rsdp);
  const SdtHeader* root = table_at(xsdt ? rsdp->xsdt_address : rsdp->rsdt_address);
  if (!root || std::memcmp(root->signature, xsdt ? "XSDT" : "RSDT", 4) != 0) return nullptr;
  std::uint32_t entry_size = xsdt ? 8 : 4;
  std::uint32_t count = (root->length - sizeof(SdtHeader)) / entry_size;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint64_t address = 0;  // entries are unaligned; little-endian like the CPU
    std::memcpy(&address, reinterpret_cast<const std::uint8_t*>(root + 1) + i * entry_size,
                entry_size);
    const SdtHeader* t = table_at(address);
    if (t && std::memcmp(t->signature, signature, 4) == 0) return t;
  }
  return nullptr;
}

const SdtHeader* find_dsdt(std::uint64_t rsdp_address) {
  constexpr std::uint32_t kFadtDsdt = 40, kFadtXDsdt = 140;  // ACPI 6.x, table 5.9
  const SdtHeader* fadt = find_table(rsdp_address, "FACP");
  if (!fadt) return nullptr;
  auto* bytes = reinterpret_cast<const std::uint8_t*>(fadt);
  std::uint64_t address = 0;
  if (fadt->length >= kFadtXDsdt + 8) std::memcpy(&address, bytes + kFadtXDsdt, 8);
  if (!address && fadt->length >= kFadtDsdt + 4) std::memcpy(&address, bytes + kFadtDsdt, 4);
  const SdtHeader* dsdt = table_at(address);
  return dsdt && std::memcmp(dsdt->signature, "DSDT", 4) == 0 ? dsdt : nullptr;
}

}  // namespace cairn::platform::acpi
