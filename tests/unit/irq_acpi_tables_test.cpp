// The RSDP -> XSDT -> table walk, on tables built in host memory (the XSDT holds 64-bit
// addresses, so host pointers work).
#include "../../platform/kvm/src/acpi_tables.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

namespace acpi = cairn::platform::acpi;

namespace {

std::uint8_t checksum_byte(const std::uint8_t* p, std::size_t n) {
  std::uint8_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += p[i];
  return static_cast<std::uint8_t>(-sum);
}

struct Table {
  std::vector<std::uint8_t> bytes;
  Table(const char* signature, std::size_t length) : bytes(length) {
    std::memcpy(bytes.data(), signature, 4);
    auto l = static_cast<std::uint32_t>(length);
    std::memcpy(bytes.data() + 4, &l, 4);
    seal();
  }
  void seal() {
    bytes[9] = 0;
    bytes[9] = checksum_byte(bytes.data(), bytes.size());
  }
  std::uint64_t address() const { return reinterpret_cast<std::uint64_t>(bytes.data()); }
};

struct Firmware {
  acpi::Rsdp rsdp = {};
  std::unique_ptr<Table> xsdt;
  std::vector<std::unique_ptr<Table>> tables;

  explicit Firmware(std::vector<std::unique_ptr<Table>> t) : tables(std::move(t)) {
    xsdt = std::make_unique<Table>("XSDT", 36 + 8 * tables.size());
    for (std::size_t i = 0; i < tables.size(); ++i) {
      std::uint64_t a = tables[i]->address();
      std::memcpy(xsdt->bytes.data() + 36 + 8 * i, &a, 8);
    }
    xsdt->seal();
    std::memcpy(rsdp.signature, "RSD PTR ", 8);
    rsdp.revision = 2;
    rsdp.length = sizeof(rsdp);
    rsdp.xsdt_address = xsdt->address();
    seal_rsdp();
  }
  void seal_rsdp() {
    auto* p = reinterpret_cast<std::uint8_t*>(&rsdp);
    rsdp.checksum = 0;
    rsdp.checksum = checksum_byte(p, 20);
    rsdp.extended_checksum = 0;
    rsdp.extended_checksum = checksum_byte(p, sizeof(rsdp));
  }
  std::uint64_t rsdp_address() const { return reinterpret_cast<std::uint64_t>(&rsdp); }
};

std::vector<std::unique_ptr<Table>> two_tables() {
  std::vector<std::unique_ptr<Table>> t;
  t.push_back(std::make_unique<Table>("FACP", 276));
  t.push_back(std::make_unique<Table>("APIC", 60));
  return t;
}

TEST(IrqAcpiTables, FindsTablesBySignature) {
  Firmware fw(two_tables());
  const acpi::SdtHeader* madt = acpi::find_table(fw.rsdp_address(), "APIC");
  ASSERT_NE(madt, nullptr);
  EXPECT_EQ(madt->length, 60u);
  EXPECT_NE(acpi::find_table(fw.rsdp_address(), "FACP"), nullptr);
  EXPECT_EQ(acpi::find_table(fw.rsdp_address(), "HPET"), nullptr);
}

TEST(IrqAcpiTables, SkipsTableWithBadChecksum) {
  Firmware fw(two_tables());
  fw.tables[1]->bytes[50] ^= 1;
  EXPECT_EQ(acpi::find_table(fw.rsdp_address(), "APIC"), nullptr);
  EXPECT_NE(acpi::find_table(fw.rsdp_address(), "FACP"), nullptr);
}

TEST(IrqAcpiTables, RejectsBadRsdp) {
  Firmware fw(two_tables());
  fw.rsdp.oem_id[0] ^= 1;  // first checksum now wrong
  EXPECT_EQ(acpi::find_table(fw.rsdp_address(), "APIC"), nullptr);
  fw.seal_rsdp();
  fw.rsdp.signature[0] = 'X';
  fw.seal_rsdp();
  EXPECT_EQ(acpi::find_table(fw.rsdp_address(), "APIC"), nullptr);
}

TEST(IrqAcpiTables, RejectsRootTableWithWrongSignature) {
  Firmware fw(two_tables());
  std::memcpy(fw.xsdt->bytes.data(), "RSDT", 4);
  fw.xsdt->seal();
  EXPECT_EQ(acpi::find_table(fw.rsdp_address(), "APIC"), nullptr);
}

TEST(IrqAcpiTables, TableLengthIsBounded) {
  Table short_table("APIC", 36);
  std::uint32_t tiny = 20;
  std::memcpy(short_table.bytes.data() + 4, &tiny, 4);
  short_table.seal();
  EXPECT_EQ(acpi::table_at(short_table.address()), nullptr);
  Table t("APIC", 36);
  std::uint32_t huge = acpi::kMaxTableLength + 1;
  std::memcpy(t.bytes.data() + 4, &huge, 4);
  // (the checksum is never read: the length is rejected first)
  EXPECT_EQ(acpi::table_at(t.address()), nullptr);
  EXPECT_EQ(acpi::table_at(0), nullptr);
}

}  // namespace
