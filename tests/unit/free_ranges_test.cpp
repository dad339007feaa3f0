#include "../../kernel/mm/src/free_ranges.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

using cairn::memory::FreeRanges;

namespace {

// The ranges as a set of 4 KiB pages, for comparing against a model.
std::set<std::uint64_t> pages(const FreeRanges& r) {
  std::set<std::uint64_t> out;
  for (std::size_t i = 0; i < r.count(); ++i)
    for (std::uint64_t p = r[i].base; p < r[i].end; p += 4096) out.insert(p);
  return out;
}

TEST(FreeRanges, AddMergesOverlappingAndAdjacent) {
  FreeRanges r;
  r.add(0x1000, 0x3000);
  r.add(0x3000, 0x5000);  // adjacent
  r.add(0x8000, 0x9000);
  r.add(0x2000, 0x4000);  // overlapping
  ASSERT_EQ(r.count(), 2u);
  EXPECT_EQ(r[0].base, 0x1000u);
  EXPECT_EQ(r[0].end, 0x5000u);
  EXPECT_EQ(r[1].base, 0x8000u);
  r.add(0x5000, 0x8000);  // bridges both
  ASSERT_EQ(r.count(), 1u);
  EXPECT_EQ(r[0].end, 0x9000u);
}

TEST(FreeRanges, RemoveSplitsAndTrims) {
  FreeRanges r;
  r.add(0x0, 0x10000);
  r.remove(0x4000, 0x6000);
  ASSERT_EQ(r.count(), 2u);
  EXPECT_EQ(r[0].end, 0x4000u);
  EXPECT_EQ(r[1].base, 0x6000u);
  r.remove(0x0, 0x1000);
  EXPECT_EQ(r[0].base, 0x1000u);
  r.remove(0x3000, 0x7000);  // spans the hole
  EXPECT_EQ(r[0].end, 0x3000u);
  EXPECT_EQ(r[1].base, 0x7000u);
  EXPECT_EQ(r.total(), 0x2000u + 0x9000u);
}

TEST(FreeRanges, LargestAndEmpty) {
  FreeRanges r;
  EXPECT_EQ(r.largest().size(), 0u);
  r.add(0x100000, 0x200000);
  r.add(0x300000, 0x8000000);
  r.add(0x9000000, 0x9100000);
  EXPECT_EQ(r.largest().base, 0x300000u);
  r.remove(0, ~0ull);
  EXPECT_EQ(r.count(), 0u);
}

TEST(FreeRanges, EmptyOrInvertedRangesAreNoOps) {
  FreeRanges r;
  EXPECT_TRUE(r.add(0x5000, 0x5000));
  EXPECT_TRUE(r.add(0x6000, 0x5000));
  EXPECT_EQ(r.count(), 0u);
}

TEST(FreeRanges, FullTableReportsFailure) {
  FreeRanges r;
  for (std::uint64_t i = 0; i < FreeRanges::kCapacity; ++i)
    ASSERT_TRUE(r.add(i * 0x10000, i * 0x10000 + 0x1000));
  EXPECT_FALSE(r.add(0x10000000, 0x10001000));
  FreeRanges one;
  one.add(0, 0x100000);
  for (std::uint64_t i = 0; i + 1 < FreeRanges::kCapacity; ++i)
    ASSERT_TRUE(one.remove(i * 0x2000 + 0x1000, i * 0x2000 + 0x2000));
  EXPECT_FALSE(one.remove(0xf1000, 0xf2000));  // one more split does not fit
}

TEST(FreeRanges, RandomOperationsMatchAPageModel) {
  std::mt19937_64 rng(12345);
  FreeRanges r;
  std::set<std::uint64_t> model;
  for (int step = 0; step < 3000; ++step) {
    std::uint64_t a = (rng() % 256) * 4096, b = a + (rng() % 16 + 1) * 4096;
    bool add = rng() % 3 != 0;
    bool ok = add ? r.add(a, b) : r.remove(a, b);
    if (!ok) {  // capacity reached: refused as a whole, nothing changed
      ASSERT_EQ(pages(r), model);
      continue;
    }
    for (std::uint64_t p = a; p < b; p += 4096) add ? (void)model.insert(p) : (void)model.erase(p);
    ASSERT_EQ(pages(r), model) << "step " << step;
    for (std::size_t i = 1; i < r.count(); ++i) ASSERT_LT(r[i - 1].end, r[i].base);
  }
}

}  // namespace
