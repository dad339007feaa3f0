#include "../../platform/kvm/src/acpi_poweroff.h"

#include <gtest/gtest.h>

#include <vector>

using cairn::platform::parse_s5;

namespace {

struct S5 {
  bool found;
  std::uint8_t a, b;
};

S5 parse(const std::vector<std::uint8_t>& aml) {
  S5 r{};
  r.a = r.b = 0xee;
  r.found = parse_s5(aml.data(), static_cast<std::uint32_t>(aml.size()), &r.a, &r.b);
  return r;
}

// Name (_S5, Package (4) { Zero, Zero, Zero, Zero }) as QEMU's pc/q35 DSDT has it.
TEST(AcpiS5, ZeroOps) {
  S5 r = parse({0x10, 0x20, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00});
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.a, 0);
  EXPECT_EQ(r.b, 0);
}

// BytePrefix values, a root-prefixed name, and a two-byte PkgLength.
TEST(AcpiS5, BytePrefixRootNameLongPkgLength) {
  S5 r = parse(
      {0x08, '\\', '_', 'S', '5', '_', 0x12, 0x40, 0x01, 0x04, 0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00});
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.a, 5);
  EXPECT_EQ(r.b, 7);
}

TEST(AcpiS5, OneOpValue) {
  S5 r = parse({0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x00});
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.a, 1);
  EXPECT_EQ(r.b, 0);
}

TEST(AcpiS5, IgnoresMentionsThatAreNotNameDefinitions) {
  // "_S5_" inside a method body (no NameOp before it) is skipped; the real one follows.
  S5 r = parse({0x70, '_', 'S', '5', '_', 0x00, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a,
                0x03, 0x00});
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.a, 3);
}

TEST(AcpiS5, TruncatedOrMissingIsNotFound) {
  EXPECT_FALSE(parse({}).found);
  EXPECT_FALSE(parse({0x08, '_', 'S', '5', '_'}).found);
  EXPECT_FALSE(parse({0x08, '_', 'S', '5', '_', 0x12}).found);
  EXPECT_FALSE(parse({0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a}).found);  // value cut off
  EXPECT_FALSE(parse({0x08, '_', 'S', '6', '_', 0x12, 0x05, 0x02, 0x00, 0x00}).found);
  // A PkgLength whose extra bytes run past the end.
  EXPECT_FALSE(parse({0x08, '_', 'S', '5', '_', 0x12, 0xc0}).found);
}

}  // namespace
