#include "../../kernel/time/src/tsc_scale.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

using cairn::time::TscScale;

namespace {

using u128 = unsigned __int128;

std::uint64_t exact_ns(std::uint64_t ticks, std::uint64_t hz) {
  return static_cast<std::uint64_t>(u128{ticks} * 1'000'000'000 / hz);
}

constexpr std::uint64_t kRates[] = {
    1'000'000'000, 2'600'000'000, 2'599'993'417, 3'000'000'000, 1'193'182'000,
    4'999'999'999, 100'000'000,   24'000'000,    999'999'999,   7'000'000'001,
};

constexpr std::uint64_t kTenYears = 10ull * 365 * 86400;

}  // namespace

// Within a nanosecond of the exact quotient (never above it), for rates in GHz, over
// every order of magnitude up to ten years of uptime.
TEST(TimeScale, MatchesExactConversion) {
  std::mt19937_64 random(42);
  for (std::uint64_t hz : kRates) {
    TscScale scale = TscScale::for_hz(hz);
    std::uint64_t max_ticks = static_cast<std::uint64_t>(u128{kTenYears} * hz);
    for (std::uint64_t ticks = 1; ticks < max_ticks && ticks != 0; ticks *= 3) {
      for (std::uint64_t t : {ticks, ticks + random() % ticks, max_ticks - ticks}) {
        std::uint64_t exact = exact_ns(t, hz);
        std::uint64_t got = scale.ns(t);
        ASSERT_LE(got, exact) << hz << " Hz, " << t << " ticks";
        ASSERT_LE(exact - got, hz >= 1'000'000'000 ? 1u : 2u) << hz << " Hz, " << t << " ticks";
      }
    }
  }
}

TEST(TimeScale, NoOverflowAtTheTopOfTheRange) {
  TscScale scale = TscScale::for_hz(2'600'000'000);
  EXPECT_EQ(scale.ns(0), 0u);
  // 2^64 ticks at 2.6 GHz are 224 years: still exact, no wrap.
  EXPECT_NEAR(static_cast<double>(scale.ns(UINT64_MAX)),
              static_cast<double>(exact_ns(UINT64_MAX, 2'600'000'000)), 1.0);
  // A slow clock's nanoseconds pass 2^64 before its ticks do: they saturate.
  EXPECT_EQ(TscScale::for_hz(100'000'000).ns(UINT64_MAX), UINT64_MAX);
}

TEST(TimeScale, MonotonicAcrossLargeValues) {
  std::mt19937_64 random(7);
  for (std::uint64_t hz : kRates) {
    TscScale scale = TscScale::for_hz(hz);
    for (int i = 0; i < 20000; ++i) {
      std::uint64_t t = random() >> (random() % 64);
      ASSERT_LE(scale.ns(t), scale.ns(t + 1)) << hz << " Hz, " << t;
      ASSERT_LE(scale.ns(t), scale.ns(t + random() % 1000)) << hz << " Hz, " << t;
    }
  }
}

// ticks(ns) is the first tick count at which ns(t) reaches ns: a timer armed there
// never fires early, and not a tick late.
TEST(TimeScale, RoundTrip) {
  std::mt19937_64 random(99);
  for (std::uint64_t hz : kRates) {
    TscScale scale = TscScale::for_hz(hz);
    for (int i = 0; i < 20000; ++i) {
      std::uint64_t ns = random() % (kTenYears * 1'000'000'000) >> (random() % 60);
      std::uint64_t t = scale.ticks(ns);
      ASSERT_GE(scale.ns(t), ns) << hz << " Hz, " << ns << " ns";
      if (t > 0) {
        ASSERT_LT(scale.ns(t - 1), ns) << hz << " Hz, " << ns << " ns";
      }
      // And the other way: converting a tick count's time back lands on or before it.
      std::uint64_t ticks = random() >> (random() % 64) >> 4;
      ASSERT_LE(scale.ticks(scale.ns(ticks)), ticks) << hz << " Hz, " << ticks << " ticks";
    }
    EXPECT_EQ(scale.ticks(0), 0u);
  }
}

TEST(TimeScale, TicksPastTheRangeSaturate) {
  EXPECT_EQ(TscScale::for_hz(3'000'000'000).ticks(UINT64_MAX), UINT64_MAX);
}
