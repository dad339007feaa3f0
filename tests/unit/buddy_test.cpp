#include "../../kernel/mm/src/buddy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <vector>

using cairn::mm::BuddyAllocator;

namespace {

constexpr std::size_t kPage = 4096;

// A span of real memory aligned to its size, so blocks are aligned as in physical RAM.
class BuddyTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kSpanPages = 4096;  // 16 MiB
  void SetUp() override {
    memory_ =
        static_cast<std::uint8_t*>(std::aligned_alloc(kSpanPages * kPage, kSpanPages * kPage));
    ASSERT_NE(memory_, nullptr);
    state_.resize(kSpanPages);
    base_ = reinterpret_cast<std::uintptr_t>(memory_);
    buddy_.init(base_, base_ + kSpanPages * kPage, state_.data());
  }
  void TearDown() override { std::free(memory_); }

  std::uintptr_t page(std::size_t n) const { return base_ + n * kPage; }

  std::uint8_t* memory_ = nullptr;
  std::vector<std::uint8_t> state_;
  std::uintptr_t base_ = 0;
  BuddyAllocator buddy_;
};

TEST_F(BuddyTest, EmptyAllocatorFailsCleanly) {
  EXPECT_EQ(buddy_.allocate(1), 0u);
  EXPECT_EQ(buddy_.allocate(0), 0u);
  EXPECT_TRUE(buddy_.check());
}

TEST_F(BuddyTest, WholeSpanCoalescesIntoOneBlock) {
  buddy_.add(page(0), page(kSpanPages));
  EXPECT_EQ(buddy_.free_pages(), kSpanPages);
  EXPECT_EQ(buddy_.largest_free_block(), kSpanPages);
  EXPECT_TRUE(buddy_.check());
}

TEST_F(BuddyTest, OddRunsAreExactAndReturnWhole) {
  buddy_.add(page(0), page(kSpanPages));
  std::uintptr_t a = buddy_.allocate(3);
  ASSERT_NE(a, 0u);
  EXPECT_EQ(a % (4 * kPage), 0u);                  // came from a 4-page block
  EXPECT_EQ(buddy_.free_pages(), kSpanPages - 3);  // the tail page went back
  std::uintptr_t b = buddy_.allocate(1);
  EXPECT_EQ(b, a + 3 * kPage);  // ... and is the next single page handed out
  buddy_.free(a, 3);
  buddy_.free(b, 1);
  EXPECT_EQ(buddy_.largest_free_block(), kSpanPages);
  EXPECT_TRUE(buddy_.check());
}

TEST_F(BuddyTest, UnalignedRangesWithHoles) {
  // RAM with holes, like a real memory map: odd starts and ends.
  buddy_.add(page(3), page(700));
  buddy_.add(page(1000), page(1001));
  buddy_.add(page(2049), page(4095));
  EXPECT_EQ(buddy_.free_pages(), 697u + 1u + 2046u);
  EXPECT_TRUE(buddy_.check());
  // [2049, 4095) holds no aligned 1024-page block ([3072, 4096) is cut at 4095); its
  // largest are [2560, 3072) and [3072, 3584).
  EXPECT_EQ(buddy_.largest_free_block(), 512u);
}

TEST_F(BuddyTest, ExhaustionThenReuse) {
  buddy_.add(page(0), page(256));
  std::vector<std::uintptr_t> got;
  // Each 5-page request takes an 8-page block and frees its 3-page tail, which cannot
  // serve another 5 pages: 32 requests fit, and 96 pages stay free in small pieces.
  while (std::uintptr_t p = buddy_.allocate(5)) got.push_back(p);
  EXPECT_EQ(got.size(), 32u);
  EXPECT_EQ(buddy_.free_pages(), 96u);
  std::uintptr_t two = buddy_.allocate(2);
  EXPECT_NE(two, 0u);
  EXPECT_EQ(buddy_.allocate(4), 0u);
  for (std::uintptr_t p : got) buddy_.free(p, 5);
  buddy_.free(two, 2);
  EXPECT_EQ(buddy_.largest_free_block(), 256u);  // everything coalesced again
  EXPECT_NE(buddy_.allocate(200), 0u);
  EXPECT_TRUE(buddy_.check());
}

TEST_F(BuddyTest, RandomOperationsNeverOverlap) {
  buddy_.add(page(0), page(kSpanPages));
  std::mt19937_64 rng(7);
  std::map<std::uintptr_t, std::size_t> live;  // address -> pages
  std::size_t in_use = 0;
  for (int step = 0; step < 20000; ++step) {
    if (live.empty() || rng() % 5 < 3) {
      std::size_t n = rng() % 8 == 0 ? rng() % 300 + 1 : rng() % 6 + 1;
      std::uintptr_t p = buddy_.allocate(n);
      if (!p) continue;
      ASSERT_EQ(p % kPage, 0u);
      ASSERT_GE(p, page(0));
      ASSERT_LE(p + n * kPage, page(kSpanPages));
      auto next = live.lower_bound(p);
      if (next != live.end()) {
        ASSERT_LE(p + n * kPage, next->first);
      }
      if (next != live.begin()) {
        auto prev = std::prev(next);
        ASSERT_LE(prev->first + prev->second * kPage, p);
      }
      live[p] = n;
      in_use += n;
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      buddy_.free(it->first, it->second);
      in_use -= it->second;
      live.erase(it);
    }
    ASSERT_EQ(buddy_.free_pages(), kSpanPages - in_use);
    if (step % 500 == 0) {
      ASSERT_TRUE(buddy_.check()) << "step " << step;
    }
  }
  for (auto [p, n] : live) buddy_.free(p, n);
  EXPECT_EQ(buddy_.largest_free_block(), kSpanPages);
  EXPECT_TRUE(buddy_.check());
}

}  // namespace

namespace {

// A run longer than any single free block: served from adjacent blocks.
TEST_F(BuddyTest, RunAcrossBlockBoundaries) {
  buddy_.add(page(1), page(kSpanPages - 1));  // no 4096- or 2048-page block fits
  EXPECT_LT(buddy_.largest_free_block(), 3000u);
  std::uintptr_t p = buddy_.allocate(3000);
  ASSERT_NE(p, 0u);
  EXPECT_EQ(buddy_.free_pages(), kSpanPages - 2 - 3000);
  EXPECT_TRUE(buddy_.check());
  EXPECT_EQ(buddy_.allocate(2000), 0u);  // only 1094 pages are left
  buddy_.free(p, 3000);
  EXPECT_EQ(buddy_.free_pages(), kSpanPages - 2);
  EXPECT_TRUE(buddy_.check());
}

}  // namespace

namespace {

// "1 MiB plus a header" requests, over and over, must pack memory fully: each run's
// leftover is the start of the next one.
TEST_F(BuddyTest, OddLargeRequestsPackTightly) {
  buddy_.add(page(0), page(kSpanPages));
  std::vector<std::uintptr_t> got;
  while (std::uintptr_t p = buddy_.allocate(265)) got.push_back(p);
  EXPECT_EQ(got.size(), kSpanPages / 265);
  EXPECT_LT(buddy_.free_pages(), 265u);
  EXPECT_TRUE(buddy_.check());
  for (std::uintptr_t p : got) buddy_.free(p, 265);
  EXPECT_EQ(buddy_.largest_free_block(), kSpanPages);
}

}  // namespace
