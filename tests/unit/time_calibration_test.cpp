#include "../../kernel/time/src/calibration.h"

#include <gtest/gtest.h>

using cairn::time::bracketed;
using cairn::time::precise_enough;
using cairn::time::pvclock_scale;
using cairn::time::pvclock_tsc_hz;
using cairn::time::Sample;
using cairn::time::tsc_hz_between;

// Scales KVM computes for a few TSC rates (kvm_get_time_scale()): mul is 2^32 * ns per
// shifted tick, with the shift chosen to keep mul in [2^31, 2^32).
TEST(TimeCalibration, PvclockRate) {
  // 2.6 GHz: ticks >> 1, times 0.769... * 2^32.
  EXPECT_NEAR(static_cast<double>(pvclock_tsc_hz(3303820997u, -1)), 2.6e9, 2.0);
  // 1 GHz: shift 0, mul 2^32 would overflow, so KVM uses shift 1 and mul 2^31.
  EXPECT_EQ(pvclock_tsc_hz(2147483648u, 1), 1'000'000'000u);
  // 500 MHz: one tick is 2 ns.
  EXPECT_EQ(pvclock_tsc_hz(2147483648u, 2), 500'000'000u);
  EXPECT_EQ(pvclock_tsc_hz(0, 0), 0u);
}

TEST(TimeCalibration, PvclockScaleIsTheInverseOfTheRate) {
  std::uint32_t mul = 3303820997u;  // 2.6 GHz, shift -1
  EXPECT_NEAR(static_cast<double>(pvclock_scale(2'600'000'000, mul, -1)), 1e9, 1.0);
  EXPECT_EQ(pvclock_scale(1'000'000, 2147483648u, 1), 1'000'000u);
  EXPECT_EQ(pvclock_scale(0, mul, -1), 0u);
}

TEST(TimeCalibration, RateBetweenSamples) {
  // 2 ms of a 100 MHz HPET against 5.2 million ticks of a 2.6 GHz TSC.
  Sample first{1'000'000, 500, 10};
  Sample last{1'000'000 + 5'200'000, 500 + 200'000, 10};
  EXPECT_EQ(tsc_hz_between(first, last, 100'000'000), 2'600'000'000u);
  EXPECT_EQ(tsc_hz_between(first, first, 100'000'000), 0u);  // no reference ticks
  // Large values do not overflow: an hour at 5 GHz against 1 GHz.
  Sample hour{18'000'000'000'000, 3'600'000'000'000, 0};
  EXPECT_EQ(tsc_hz_between({0, 0, 0}, hour, 1'000'000'000), 5'000'000'000u);
}

TEST(TimeCalibration, Bracketing) {
  Sample s = bracketed(1000, 7, 1100);
  EXPECT_EQ(s.tsc, 1050u);
  EXPECT_EQ(s.count, 7u);
  EXPECT_EQ(s.tsc_error, 50u);
}

TEST(TimeCalibration, PreciseEnough) {
  // 5.2e6 TSC ticks against 2e5 reference ticks: each unit of error is ~0.2 ppm
  // (TSC side) or 5 ppm (reference side, per tick).
  Sample first{0, 0, 260};  // 50 ppm each
  Sample last{5'200'000, 200'000, 260};
  EXPECT_TRUE(precise_enough(first, last, 0, 100));
  EXPECT_FALSE(precise_enough(first, last, 0, 99));
  // One reference tick of uncertainty at each end adds 2 * 5 ppm.
  EXPECT_TRUE(precise_enough(first, last, 1, 110));
  EXPECT_FALSE(precise_enough(first, last, 1, 109));
  EXPECT_FALSE(precise_enough(first, first, 0, 1'000'000));
}
