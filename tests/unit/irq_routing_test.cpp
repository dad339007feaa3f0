#include <gtest/gtest.h>

#include "../../kernel/irq/src/io_apic_entry.h"
#include "../../kernel/irq/src/isa_routing.h"

using namespace cairn::irq;

namespace {

cairn::InterruptControllers with_overrides(std::initializer_list<cairn::IsaOverride> list) {
  cairn::InterruptControllers c = default_pc_interrupt_controllers();
  for (const cairn::IsaOverride& o : list) c.overrides[c.override_count++] = o;
  return c;
}

TEST(IrqRouting, DefaultsAreAPc) {
  cairn::InterruptControllers c = default_pc_interrupt_controllers();
  ASSERT_EQ(c.io_apic_count, 1);
  EXPECT_EQ(c.io_apics[0].address, 0xfec00000u);
  EXPECT_EQ(c.io_apics[0].gsi_base, 0u);
  EXPECT_TRUE(c.has_8259);
  for (std::uint8_t irq = 0; irq < 16; ++irq) {
    auto r = isa_route(c, irq);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().gsi, irq);
    EXPECT_EQ(r.value().trigger, Trigger::kEdge);
    EXPECT_EQ(r.value().polarity, Polarity::kActiveHigh);
  }
}

TEST(IrqRouting, OverridesApply) {
  auto c = with_overrides({{0, 2, false, false}, {9, 9, true, true}});
  auto timer = isa_route(c, 0);
  ASSERT_TRUE(timer.ok());
  EXPECT_EQ(timer.value().gsi, 2u);
  auto sci = isa_route(c, 9);
  ASSERT_TRUE(sci.ok());
  EXPECT_EQ(sci.value().gsi, 9u);
  EXPECT_EQ(sci.value().trigger, Trigger::kLevel);
  EXPECT_EQ(sci.value().polarity, Polarity::kActiveLow);
  auto rtc = isa_route(c, 8);
  ASSERT_TRUE(rtc.ok());
  EXPECT_EQ(rtc.value().gsi, 8u);
}

TEST(IrqRouting, IdentityInputTakenByOverride) {
  auto c = with_overrides({{0, 2, false, false}});
  EXPECT_FALSE(isa_route(c, 2).ok());
}

TEST(IrqRouting, RejectsNonIsaIrq) {
  EXPECT_FALSE(isa_route(default_pc_interrupt_controllers(), 16).ok());
}

TEST(IrqRouting, RedirectionEntryBits) {
  EXPECT_EQ(redirection_entry(0x31, Trigger::kEdge, Polarity::kActiveHigh, 0, false), 0x31u);
  EXPECT_EQ(redirection_entry(0x40, Trigger::kLevel, Polarity::kActiveLow, 3, false),
            0x0300000000000000u | 0x8000 | 0x2000 | 0x40);
  EXPECT_EQ(redirection_entry(0x40, Trigger::kEdge, Polarity::kActiveHigh, 0, true),
            0x10000u | 0x40);
}

}  // namespace
