#include "../../platform/kvm/src/madt.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using cairn::InterruptControllers;
using cairn::platform::parse_madt;

namespace {

// Builds a MADT the way firmware lays it out: header, LAPIC address, flags, entries.
class MadtBuilder {
 public:
  MadtBuilder() {
    bytes_.resize(44);
    std::memcpy(bytes_.data(), "APIC", 4);
    put32(36, 0xfee00000);
    put32(40, 1);  // PCAT_COMPAT
  }
  MadtBuilder& local_apic(std::uint8_t uid, std::uint8_t id) {
    return entry({0, 8, uid, id, 1, 0, 0, 0});
  }
  MadtBuilder& io_apic(std::uint8_t id, std::uint32_t address, std::uint32_t gsi_base) {
    std::vector<std::uint8_t> e = {1, 12, id, 0};
    append32(e, address);
    append32(e, gsi_base);
    return entry(e);
  }
  MadtBuilder& override_(std::uint8_t bus, std::uint8_t source, std::uint32_t gsi,
                         std::uint16_t flags) {
    std::vector<std::uint8_t> e = {2, 10, bus, source};
    append32(e, gsi);
    e.push_back(static_cast<std::uint8_t>(flags));
    e.push_back(static_cast<std::uint8_t>(flags >> 8));
    return entry(e);
  }
  MadtBuilder& entry(std::vector<std::uint8_t> e) {
    bytes_.insert(bytes_.end(), e.begin(), e.end());
    return *this;
  }
  std::vector<std::uint8_t> build() {
    put32(4, static_cast<std::uint32_t>(bytes_.size()));
    return bytes_;
  }

 private:
  static void append32(std::vector<std::uint8_t>& v, std::uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
  }
  void put32(std::size_t offset, std::uint32_t x) { std::memcpy(&bytes_[offset], &x, 4); }
  std::vector<std::uint8_t> bytes_;
};

cairn::Result<InterruptControllers> parse(const std::vector<std::uint8_t>& t) {
  return parse_madt(t.data(), static_cast<std::uint32_t>(t.size()));
}

// QEMU's pc/q35 MADT: one CPU, one IOAPIC, IRQ 0 on GSI 2 and the SCI level-triggered.
TEST(Madt, QemuPc) {
  auto t = MadtBuilder()
               .local_apic(0, 0)
               .io_apic(0, 0xfec00000, 0)
               .override_(0, 0, 2, 0)
               .override_(0, 9, 9, 0xd)       // level, active high
               .entry({4, 6, 0xff, 0, 0, 1})  // LAPIC NMI: skipped
               .build();
  auto r = parse(t);
  ASSERT_TRUE(r.ok()) << r.error().message();
  const InterruptControllers& c = r.value();
  EXPECT_EQ(c.local_apic_address, 0xfee00000u);
  EXPECT_TRUE(c.has_8259);
  ASSERT_EQ(c.io_apic_count, 1);
  EXPECT_EQ(c.io_apics[0].address, 0xfec00000u);
  EXPECT_EQ(c.io_apics[0].gsi_base, 0u);
  ASSERT_EQ(c.override_count, 2);
  EXPECT_EQ(c.overrides[0].isa_irq, 0);
  EXPECT_EQ(c.overrides[0].gsi, 2u);
  EXPECT_FALSE(c.overrides[0].level_triggered);
  EXPECT_FALSE(c.overrides[0].active_low);
  EXPECT_EQ(c.overrides[1].isa_irq, 9);
  EXPECT_TRUE(c.overrides[1].level_triggered);
  EXPECT_FALSE(c.overrides[1].active_low);
}

TEST(Madt, TwoIoApicsAndActiveLowLevel) {
  auto t = MadtBuilder()
               .io_apic(0, 0xfec00000, 0)
               .io_apic(1, 0xfec10000, 24)
               .override_(0, 9, 20, 0xf)  // level, active low
               .build();
  auto r = parse(t);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().io_apic_count, 2);
  EXPECT_EQ(r.value().io_apics[1].id, 1);
  EXPECT_EQ(r.value().io_apics[1].address, 0xfec10000u);
  EXPECT_EQ(r.value().io_apics[1].gsi_base, 24u);
  ASSERT_EQ(r.value().override_count, 1);
  EXPECT_EQ(r.value().overrides[0].gsi, 20u);
  EXPECT_TRUE(r.value().overrides[0].level_triggered);
  EXPECT_TRUE(r.value().overrides[0].active_low);
}

TEST(Madt, NoPcatCompatAndNoEntries) {
  auto t = MadtBuilder().build();
  t[40] = 0;  // flags
  auto r = parse(t);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().has_8259);
  EXPECT_EQ(r.value().io_apic_count, 0);
  EXPECT_EQ(r.value().override_count, 0);
}

TEST(Madt, LocalApicAddressOverride) {
  std::vector<std::uint8_t> e = {5, 12, 0, 0, 0x00, 0x00, 0xe0, 0xfe, 0x01, 0, 0, 0};
  auto r = parse(MadtBuilder().entry(e).build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().local_apic_address, 0x1fee00000u);
}

TEST(Madt, IgnoresNonIsaBusAndBadSourceOverrides) {
  auto r = parse(MadtBuilder().override_(1, 3, 7, 0).override_(0, 16, 16, 0).build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().override_count, 0);
}

TEST(Madt, RepeatedOverrideReplacesEarlierOne) {
  auto r = parse(MadtBuilder().override_(0, 0, 2, 0).override_(0, 0, 5, 0xf).build());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().override_count, 1);
  EXPECT_EQ(r.value().overrides[0].gsi, 5u);
  EXPECT_TRUE(r.value().overrides[0].active_low);
}

TEST(Madt, ExtraIoApicsAreIgnored) {
  MadtBuilder b;
  for (int i = 0; i < InterruptControllers::kMaxIoApics + 3; ++i)
    b.io_apic(static_cast<std::uint8_t>(i), 0xfec00000 + i * 0x1000, i * 24);
  auto r = parse(b.build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().io_apic_count, InterruptControllers::kMaxIoApics);
}

TEST(Madt, UnknownEntriesAreSkipped) {
  auto r = parse(MadtBuilder().entry({0x7f, 5, 1, 2, 3}).io_apic(2, 0xfec00000, 0).build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().io_apic_count, 1);
  EXPECT_EQ(r.value().io_apics[0].id, 2);
}

TEST(Madt, RejectsShortBuffersAndWrongSignature) {
  auto t = MadtBuilder().build();
  EXPECT_FALSE(parse_madt(t.data(), 43).ok());
  EXPECT_FALSE(parse_madt(nullptr, 100).ok());
  t[0] = 'X';
  EXPECT_FALSE(parse(t).ok());
}

TEST(Madt, RejectsLengthFieldBeyondBuffer) {
  auto t = MadtBuilder().io_apic(0, 0xfec00000, 0).build();
  EXPECT_FALSE(parse_madt(t.data(), static_cast<std::uint32_t>(t.size() - 1)).ok());
  t[4] = 40;  // length below the fixed part
  t[5] = t[6] = t[7] = 0;
  EXPECT_FALSE(parse(t).ok());
}

TEST(Madt, RejectsEntryOfLengthZero) {
  // A zero length would make the walk loop forever; it must end the parse.
  EXPECT_FALSE(parse(MadtBuilder().entry({0x7f, 0}).build()).ok());
  EXPECT_FALSE(parse(MadtBuilder().entry({0x7f, 1}).build()).ok());
}

TEST(Madt, RejectsEntryRunningPastTheEnd) {
  auto t = MadtBuilder().io_apic(0, 0xfec00000, 0).build();
  t[45] = 13;  // the IOAPIC entry claims one byte more than the table has
  EXPECT_FALSE(parse(t).ok());
}

TEST(Madt, RejectsTruncatedEntryHeader) {
  auto t = MadtBuilder().entry({1}).build();  // one byte left: no room for type + length
  EXPECT_FALSE(parse(t).ok());
}

TEST(Madt, RejectsEntriesShorterThanTheirType) {
  EXPECT_FALSE(parse(MadtBuilder().entry({1, 8, 0, 0, 0, 0, 0xc0, 0xfe}).build()).ok());
  EXPECT_FALSE(parse(MadtBuilder().entry({2, 8, 0, 0, 2, 0, 0, 0}).build()).ok());
  EXPECT_FALSE(parse(MadtBuilder().entry({5, 8, 0, 0, 0, 0, 0xe0, 0xfe}).build()).ok());
}

TEST(Madt, LongerEntriesOfKnownTypesAreAccepted) {
  // Later ACPI revisions may grow an entry; the known fields stay where they were.
  auto r = parse(MadtBuilder().entry({1, 14, 3, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0, 9, 9}).build());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().io_apic_count, 1);
  EXPECT_EQ(r.value().io_apics[0].address, 0xfec00000u);
}

}  // namespace
