#include <gtest/gtest.h>

#include <cstdint>

#include "../../kernel/irq/src/timer_math.h"

using namespace cairn::irq;

namespace {

TEST(IrqTimerMath, MulDivCeil) {
  EXPECT_EQ(mul_div_ceil(10, 3, 5), 6u);
  EXPECT_EQ(mul_div_ceil(10, 3, 4), 8u);  // 7.5 rounds up
  EXPECT_EQ(mul_div_ceil(0, 3, 4), 0u);
  // The product needs 128 bits, the quotient does not.
  EXPECT_EQ(mul_div_ceil(UINT64_MAX, UINT64_MAX, UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(mul_div_ceil(1ull << 40, 1ull << 40, 1ull << 30), 1ull << 50);
  EXPECT_EQ(mul_div_ceil(UINT64_MAX, 2, 1), UINT64_MAX);  // saturates
  EXPECT_EQ(mul_div_ceil(UINT64_MAX, 1, 1), UINT64_MAX);
}

// QEMU: a 1 GHz APIC timer against a 2.5 GHz TSC.
constexpr ApicTimerRate kQemu = {1'000'000'000, 2'500'000'000};

TEST(IrqTimerMath, ConvertsAtTheMeasuredRatio) {
  EXPECT_EQ(apic_timer_count(2'500'000, kQemu), 1'000'000u);  // 1 ms
  EXPECT_EQ(apic_timer_count(2'500'001, kQemu), 1'000'001u);  // never short
  EXPECT_EQ(apic_timer_count(3, kQemu), 2u);
}

TEST(IrqTimerMath, PastOrImmediateDeadlinesStillFire) {
  EXPECT_EQ(apic_timer_count(0, kQemu), 1u);  // 0 would stop the timer
  EXPECT_EQ(apic_timer_count(1, {1, 1000}), 1u);
}

TEST(IrqTimerMath, FarDeadlinesClampToTheCounter) {
  EXPECT_EQ(apic_timer_count(25'000'000'000ull, kQemu), 0xffffffffu);  // 10 s
  EXPECT_EQ(apic_timer_count(UINT64_MAX, kQemu), 0xffffffffu);
  // Just below and at the counter's reach.
  EXPECT_EQ(apic_timer_count(0xffffffffull, {1, 1}), 0xffffffffu);
  EXPECT_EQ(apic_timer_count(0xfffffffeull, {1, 1}), 0xfffffffeu);
}

TEST(IrqTimerMath, SlowApicTimer) {
  // A 25 MHz crystal against a 3 GHz TSC: 120 TSC ticks per count.
  constexpr ApicTimerRate slow = {25'000'000, 3'000'000'000};
  EXPECT_EQ(apic_timer_count(120, slow), 1u);
  EXPECT_EQ(apic_timer_count(121, slow), 2u);
  EXPECT_EQ(apic_timer_count(3'000'000'000, slow), 25'000'000u);
}

}  // namespace
