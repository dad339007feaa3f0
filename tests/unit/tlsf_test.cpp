#include "../../kernel/mm/src/tlsf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

using cairn::mm::HeapStats;
using cairn::mm::kPageSize;
using cairn::mm::PageSource;
using cairn::mm::TlsfHeap;

namespace {

// Pages from aligned_alloc, with a budget so that exhaustion can be tested, and a
// ledger so that every free is checked against what was handed out.
class HostPages {
 public:
  explicit HostPages(std::size_t budget_pages = SIZE_MAX / kPageSize) : budget_(budget_pages) {}
  ~HostPages() {
    EXPECT_EQ(outstanding_, 0u) << "pages leaked by the heap";
    for (auto& [address, pages] : runs_) std::free(address);
  }

  PageSource source() { return {&HostPages::take, &HostPages::give, this}; }
  std::size_t outstanding() const { return outstanding_; }
  std::size_t allocate_calls() const { return allocate_calls_; }
  void set_budget(std::size_t pages) { budget_ = pages; }

 private:
  static void* take(void* context, std::size_t pages) {
    auto* self = static_cast<HostPages*>(context);
    ++self->allocate_calls_;
    EXPECT_GT(pages, 0u);
    if (pages > self->budget_ - self->outstanding_) return nullptr;
    void* p = std::aligned_alloc(kPageSize, pages * kPageSize);
    if (!p) return nullptr;
    std::memset(p, 0xa5, pages * kPageSize);  // never zeroed: the heap must not assume it
    self->runs_[p] = pages;
    self->outstanding_ += pages;
    return p;
  }
  static void give(void* context, void* address, std::size_t pages) {
    auto* self = static_cast<HostPages*>(context);
    auto it = self->runs_.find(address);
    ASSERT_NE(it, self->runs_.end()) << "freed a run that was never handed out";
    ASSERT_EQ(it->second, pages) << "freed a run with a different page count";
    self->runs_.erase(it);
    self->outstanding_ -= pages;
    std::free(address);
  }

  std::size_t budget_;
  std::size_t outstanding_ = 0;
  std::size_t allocate_calls_ = 0;
  std::map<void*, std::size_t> runs_;
};

constexpr std::size_t kSparePages = TlsfHeap::kMinRegionBytes / kPageSize;

// Contents derived from an id and the offset, so that a prefix survives realloc.
std::uint8_t pattern(std::uint32_t id, std::size_t offset) {
  return static_cast<std::uint8_t>(id * 167u + offset * 13u + (offset >> 8));
}
void fill(void* p, std::size_t n, std::uint32_t id, std::size_t from = 0) {
  auto* b = static_cast<std::uint8_t*>(p);
  for (std::size_t i = from; i < n; ++i) b[i] = pattern(id, i);
}
bool intact(const void* p, std::size_t n, std::uint32_t id) {
  auto* b = static_cast<const std::uint8_t*>(p);
  for (std::size_t i = 0; i < n; ++i)
    if (b[i] != pattern(id, i)) return false;
  return true;
}
bool aligned(const void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

// Frees everything given, then checks the heap is empty and gives all its pages back.
void free_all_and_trim(TlsfHeap& heap, HostPages& pages, std::vector<void*>& live) {
  for (void* p : live) heap.free(p);
  live.clear();
  ASSERT_TRUE(heap.check());
  HeapStats s = heap.stats();
  EXPECT_EQ(s.allocations, 0u);
  EXPECT_EQ(s.bytes_in_use, 0u);
  EXPECT_LE(pages.outstanding(), kSparePages);  // at most the one spare region
  heap.trim();
  EXPECT_EQ(pages.outstanding(), 0u);
  EXPECT_EQ(heap.stats().bytes_from_pages, 0u);
  EXPECT_TRUE(heap.check());
}

TEST(Tlsf, ConstantInitialized) {
  static constinit TlsfHeap heap{PageSource{nullptr, nullptr, nullptr}};
  EXPECT_TRUE(heap.check());
  EXPECT_EQ(heap.stats().bytes_from_pages, 0u);
}

TEST(Tlsf, SmallAllocationsAreAlignedDistinctAndCheap) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  std::vector<void*> live;
  for (std::size_t n = 0; n <= 600; ++n) {
    void* p = heap.allocate(n);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(aligned(p, TlsfHeap::kMinAlignment));
    EXPECT_GE(heap.usable_size(p), n);
    // One size word per block, 16-byte granules, a 24-byte minimum.
    EXPECT_LE(heap.usable_size(p), std::max<std::size_t>(n, 24) + 15);
    std::memset(p, static_cast<int>(n), n);
    live.push_back(p);
  }
  std::vector<void*> sorted = live;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  EXPECT_TRUE(heap.check());
  EXPECT_EQ(heap.stats().allocations, live.size());
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, ZeroSizeGivesUniqueMinimumBlocks) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  void* a = heap.allocate(0);
  void* b = heap.allocate(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(heap.usable_size(a), 24u);
  heap.free(nullptr);  // fine
  std::vector<void*> live{a, b};
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, AlignedAllocations) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  std::vector<void*> live;
  for (std::size_t a = 1; a <= (std::size_t{4} << 20); a <<= 1) {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{24}, std::size_t{100},
                          std::size_t{4096}, std::size_t{70000}}) {
      void* p = heap.allocate_aligned(a, n);
      ASSERT_NE(p, nullptr) << a << " " << n;
      EXPECT_TRUE(aligned(p, std::max(a, TlsfHeap::kMinAlignment))) << a << " " << n;
      EXPECT_GE(heap.usable_size(p), n);
      std::memset(p, 0x5a, n);
      live.push_back(p);
      ASSERT_TRUE(heap.check());
    }
  }
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, BadAlignmentFails) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  for (std::size_t a : {std::size_t{0}, std::size_t{3}, std::size_t{24}, std::size_t{48},
                        std::size_t{4097}, SIZE_MAX})
    EXPECT_EQ(heap.allocate_aligned(a, 16), nullptr) << a;
  EXPECT_EQ(pages.allocate_calls(), 0u);
}

TEST(Tlsf, HugeRequestsFailWithoutOverflow) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  EXPECT_EQ(heap.allocate(SIZE_MAX), nullptr);
  EXPECT_EQ(heap.allocate(SIZE_MAX - 8), nullptr);
  EXPECT_EQ(heap.allocate(SIZE_MAX - 15), nullptr);
  EXPECT_EQ(heap.allocate(TlsfHeap::kMaxRequest + 1), nullptr);
  EXPECT_EQ(heap.allocate_aligned(1 << 20, SIZE_MAX / 2), nullptr);
  EXPECT_EQ(heap.allocate_aligned(1 << 20, SIZE_MAX), nullptr);
  EXPECT_EQ(heap.allocate_aligned(std::size_t{1} << 63, 16), nullptr);
  EXPECT_EQ(heap.allocate_aligned(TlsfHeap::kMaxRequest * 2, 16), nullptr);
  EXPECT_EQ(pages.allocate_calls(), 0u);  // refused before any arithmetic or request
  // The largest request is a legitimate one: the (budgeted) source says no.
  pages.set_budget(1024);
  EXPECT_EQ(heap.allocate(TlsfHeap::kMaxRequest), nullptr);
  EXPECT_EQ(heap.allocate_aligned(TlsfHeap::kMaxRequest, TlsfHeap::kMaxRequest), nullptr);

  void* p = heap.allocate(100);
  ASSERT_NE(p, nullptr);
  fill(p, 100, 7);
  EXPECT_EQ(heap.reallocate(p, SIZE_MAX), nullptr);
  EXPECT_EQ(heap.reallocate(p, SIZE_MAX - 8), nullptr);
  EXPECT_TRUE(intact(p, 100, 7));
  EXPECT_TRUE(heap.check());
  std::vector<void*> live{p};
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, ReallocateNullAllocatesAndZeroShrinksToMinimum) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  void* p = heap.reallocate(nullptr, 100);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(heap.usable_size(p), 100u);
  EXPECT_EQ(heap.stats().allocations, 1u);
  fill(p, 100, 3);
  // Documented choice: size 0 keeps the block (shrunk like a minimum-size request) and
  // returns it, so nullptr from reallocate always means failure with p still valid.
  void* q = heap.reallocate(p, 0);
  EXPECT_EQ(q, p);
  EXPECT_LE(heap.usable_size(q), 40u);  // 24 when the tail could be split off
  EXPECT_TRUE(intact(q, 24, 3));
  EXPECT_EQ(heap.stats().allocations, 1u);
  EXPECT_TRUE(heap.check());
  std::vector<void*> live{q};
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, ReallocateGrowsAndShrinksInPlace) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  void* a = heap.allocate(100);
  void* b = heap.allocate(100);
  void* c = heap.allocate(100);
  fill(a, 100, 1);
  heap.free(b);  // a's neighbour is now free
  std::size_t before = heap.stats().bytes_in_use;
  void* a2 = heap.reallocate(a, 200);
  EXPECT_EQ(a2, a);
  EXPECT_TRUE(intact(a2, 100, 1));
  EXPECT_GE(heap.usable_size(a2), 200u);
  EXPECT_GT(heap.stats().bytes_in_use, before);
  ASSERT_TRUE(heap.check());

  // Shrinking gives the tail back (merged with the free space after it).
  fill(a2, 200, 1);
  void* a3 = heap.reallocate(a2, 50);
  EXPECT_EQ(a3, a);
  EXPECT_TRUE(intact(a3, 50, 1));
  EXPECT_LT(heap.usable_size(a3), 100u);
  ASSERT_TRUE(heap.check());

  std::vector<void*> live{a3, c};
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, ReallocateGrowsIntoTheRestOfTheRegion) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  void* d = heap.allocate(100);  // the first block; the region's remainder follows it
  fill(d, 100, 4);
  std::size_t calls = pages.allocate_calls();
  void* d2 = heap.reallocate(d, 20000);
  EXPECT_EQ(d2, d);
  EXPECT_TRUE(intact(d2, 100, 4));
  EXPECT_EQ(pages.allocate_calls(), calls);
  EXPECT_TRUE(heap.check());
  std::vector<void*> live{d2};
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, ReallocateMovesWhenBlockedAndKeepsContents) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  void* a = heap.allocate(100);
  void* b = heap.allocate(100);  // blocks a from growing
  fill(a, 100, 9);
  void* a2 = heap.reallocate(a, 5000);
  ASSERT_NE(a2, nullptr);
  EXPECT_NE(a2, a);
  EXPECT_TRUE(intact(a2, 100, 9));
  EXPECT_EQ(heap.stats().allocations, 2u);
  EXPECT_TRUE(heap.check());
  std::vector<void*> live{a2, b};
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, ReallocateUsesThePreviousBlockWhenOutOfMemory) {
  HostPages pages(kSparePages);  // exactly one region
  TlsfHeap heap(pages.source());
  void* a = heap.allocate(20000);
  void* b = heap.allocate(20000);
  void* c = heap.allocate(heap.stats().largest_free);  // the rest of the region
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(heap.allocate(16), nullptr);
  fill(b, 20000, 5);
  heap.free(a);
  EXPECT_EQ(heap.reallocate(b, 60000), nullptr);  // does not fit anywhere
  EXPECT_TRUE(intact(b, 20000, 5));
  void* b2 = heap.reallocate(b, 39000);  // fits in a's block plus its own
  EXPECT_EQ(b2, a);
  EXPECT_TRUE(intact(b2, 20000, 5));
  EXPECT_GE(heap.usable_size(b2), 39000u);
  EXPECT_TRUE(heap.check());
  std::vector<void*> live{b2, c};
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, ExhaustionFreeEverythingThenAllocateAgain) {
  constexpr std::size_t kBudget = 256;  // 1 MiB
  HostPages pages(kBudget);
  TlsfHeap heap(pages.source());
  std::mt19937 rng(11);
  std::vector<void*> live;
  auto fill_up = [&] {
    std::size_t failures = 0;
    while (failures < 50) {  // stop once even small requests keep failing
      std::size_t n = rng() % 8 == 0 ? rng() % 40000 : rng() % 300;
      void* p = heap.allocate(n);
      if (p) {
        std::memset(p, 1, n);
        live.push_back(p);
      } else {
        ++failures;
      }
    }
  };
  fill_up();
  std::size_t first_round = live.size();
  EXPECT_EQ(heap.allocate(16), nullptr);
  EXPECT_LE(pages.outstanding(), kBudget);
  EXPECT_GT(heap.stats().bytes_in_use, kBudget * kPageSize * 8 / 10);  // used most of it
  ASSERT_TRUE(heap.check());

  for (void* p : live) heap.free(p);
  live.clear();
  ASSERT_TRUE(heap.check());
  EXPECT_LE(pages.outstanding(), kSparePages);  // all but one cached region went back

  fill_up();
  EXPECT_GT(live.size(), first_round / 2);
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, FreedRegionsServeOtherAllocators) {
  HostPages pages(64);
  TlsfHeap a(pages.source());
  TlsfHeap b(pages.source());
  std::vector<void*> live_a;
  while (void* p = a.allocate(30000)) live_a.push_back(p);
  EXPECT_EQ(b.allocate(100000), nullptr);
  for (void* p : live_a) a.free(p);
  live_a.clear();
  EXPECT_LE(a.stats().bytes_from_pages, TlsfHeap::kMinRegionBytes);  // at most the spare
  void* p = b.allocate(100000);  // a gave its regions back to the shared source
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(a.check());
  ASSERT_TRUE(b.check());
  b.free(p);
  a.trim();
  b.trim();
  EXPECT_EQ(pages.outstanding(), 0u);
}

TEST(Tlsf, LargeRegionsGoBackAtOnceAndTheSpareAvoidsChurn) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  void* small = heap.allocate(100);
  std::size_t base = pages.outstanding();
  void* big = heap.allocate(1 << 20);
  EXPECT_GT(pages.outstanding(), base + 256);
  heap.free(big);
  EXPECT_EQ(pages.outstanding(), base);  // a region over the spare limit is not kept

  heap.free(small);  // the only region is now free: kept as the spare
  EXPECT_EQ(pages.outstanding(), kSparePages);
  std::size_t calls = pages.allocate_calls();
  for (int i = 0; i < 100; ++i) heap.free(heap.allocate(1000));
  EXPECT_EQ(pages.allocate_calls(), calls);
  EXPECT_EQ(heap.trim(), TlsfHeap::kMinRegionBytes);
  EXPECT_EQ(pages.outstanding(), 0u);
  EXPECT_EQ(heap.trim(), 0u);
}

TEST(Tlsf, StatsAddUp) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  std::vector<void*> live;
  std::size_t in_use = 0;
  for (std::size_t n = 1; n < 50000; n = n * 3 / 2 + 1) {
    live.push_back(heap.allocate(n));
    in_use += heap.usable_size(live.back());
  }
  HeapStats s = heap.stats();
  EXPECT_EQ(s.allocations, live.size());
  EXPECT_EQ(s.bytes_in_use, in_use);
  EXPECT_EQ(s.bytes_from_pages, pages.outstanding() * kPageSize);
  EXPECT_LT(s.bytes_in_use + s.bytes_free, s.bytes_from_pages);
  EXPECT_GT(s.largest_free, 0u);
  EXPECT_LE(s.largest_free, s.bytes_free);
  void* p = heap.allocate(s.largest_free);  // exactly the largest free block fits
  EXPECT_EQ(pages.outstanding() * kPageSize, s.bytes_from_pages);
  live.push_back(p);
  free_all_and_trim(heap, pages, live);
}

TEST(TlsfDeathTest, DoubleFreeTraps) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  HostPages pages;
  TlsfHeap heap(pages.source());
  void* p = heap.allocate(64);
  void* keep = heap.allocate(64);  // so p's block is not merged away
  heap.free(p);
  EXPECT_DEATH(heap.free(p), "");
  std::vector<void*> live{keep};
  free_all_and_trim(heap, pages, live);
}

// ---- Random operations against a model ----------------------------------------------

struct Live {
  void* p = nullptr;
  std::size_t size = 0;
  std::uint32_t id = 0;
};

std::size_t random_size(std::mt19937_64& rng) {
  unsigned r = rng() % 1000;
  if (r < 700) return rng() % 129;    // mostly small
  if (r < 930) return rng() % 4097;   // some medium
  if (r < 990) return rng() % 65537;  // a few large
  return rng() % ((1 << 20) + 1);     // rarely up to 1 MiB
}

void verify_all(const TlsfHeap& heap, const std::vector<Live>& slots) {
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
  for (const Live& l : slots) {
    if (!l.p) continue;
    ASSERT_TRUE(intact(l.p, l.size, l.id)) << "block " << l.id << " was overwritten";
    auto begin = reinterpret_cast<std::uintptr_t>(l.p);
    ranges.push_back({begin, begin + heap.usable_size(l.p)});
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    ASSERT_LE(ranges[i - 1].second, ranges[i].first) << "live blocks overlap";
}

void random_operations(std::uint64_t seed, std::size_t ops, std::size_t budget_pages) {
  HostPages pages(budget_pages);
  TlsfHeap heap(pages.source());
  std::mt19937_64 rng(seed);
  std::vector<Live> slots(256);
  std::uint32_t next_id = 1;
  std::size_t failures = 0;

  for (std::size_t op = 0; op < ops; ++op) {
    Live& s = slots[rng() % slots.size()];
    unsigned kind = rng() % 100;
    if (!s.p) {
      std::size_t n = random_size(rng);
      std::size_t align = kind < 15 ? std::size_t{1} << (rng() % 22) : 0;  // up to 2 MiB
      void* p = align ? heap.allocate_aligned(align, n) : heap.allocate(n);
      if (!p) {
        ++failures;
      } else {
        ASSERT_TRUE(aligned(p, std::max(align, TlsfHeap::kMinAlignment)));
        ASSERT_GE(heap.usable_size(p), n);
        s = {p, n, next_id++};
        fill(p, n, s.id);
      }
    } else if (kind < 35) {
      std::size_t n = random_size(rng);
      ASSERT_TRUE(intact(s.p, s.size, s.id));
      void* p = heap.reallocate(s.p, n);
      if (!p) {
        ++failures;
        ASSERT_TRUE(intact(s.p, s.size, s.id)) << "failed reallocate changed the block";
      } else {
        ASSERT_TRUE(aligned(p, TlsfHeap::kMinAlignment));
        ASSERT_GE(heap.usable_size(p), n);
        ASSERT_TRUE(intact(p, std::min(n, s.size), s.id)) << "reallocate lost the contents";
        fill(p, n, s.id, std::min(n, s.size));
        s.p = p;
        s.size = n;
      }
    } else {
      ASSERT_TRUE(intact(s.p, s.size, s.id));
      heap.free(s.p);
      s = {};
    }
    ASSERT_TRUE(heap.check()) << "after operation " << op;
    if (op % 256 == 0) {
      ASSERT_NO_FATAL_FAILURE(verify_all(heap, slots));
    }
  }
  ASSERT_NO_FATAL_FAILURE(verify_all(heap, slots));
  std::size_t in_use = 0, count = 0;
  std::vector<void*> live;
  for (Live& l : slots)
    if (l.p) {
      in_use += heap.usable_size(l.p);
      ++count;
      live.push_back(l.p);
    }
  EXPECT_EQ(heap.stats().bytes_in_use, in_use);
  EXPECT_EQ(heap.stats().allocations, count);
  if (budget_pages < 4096) {
    EXPECT_GT(failures, 0u) << "the budget was meant to run out";
  }
  free_all_and_trim(heap, pages, live);
}

TEST(Tlsf, RandomOperationsAgainstAModel) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE(seed);
    random_operations(seed, 6000, SIZE_MAX / kPageSize);
  }
}

TEST(Tlsf, RandomOperationsUnderATightBudget) {
  for (std::uint64_t seed = 10; seed <= 12; ++seed) {
    SCOPED_TRACE(seed);
    random_operations(seed, 6000, 1024);  // 4 MiB: large requests often fail
  }
}

TEST(Tlsf, FragmentationStaysBounded) {
  HostPages pages;
  TlsfHeap heap(pages.source());
  std::mt19937_64 rng(99);
  std::vector<void*> slots(4000, nullptr);
  double worst = 0;
  for (int op = 0; op < 200000; ++op) {
    void*& s = slots[rng() % slots.size()];
    if (s) {
      heap.free(s);
      s = nullptr;
    } else {
      std::size_t n = rng() % 10 == 0 ? rng() % 16384 : 16 + rng() % 240;
      s = heap.allocate(n);
      ASSERT_NE(s, nullptr);
    }
    if (op >= 20000 && op % 1000 == 0) {  // after warm-up
      HeapStats st = heap.stats();
      worst = std::max(worst, double(st.bytes_free) / double(st.bytes_from_pages));
    }
  }
  RecordProperty("worst_free_fraction", std::to_string(worst));
  // Measured: 0.38 at worst (mean 0.27); glibc on the same workload: 0.37 (0.26).
  EXPECT_LT(worst, 0.5);
  ASSERT_TRUE(heap.check());
  std::vector<void*> live;
  for (void* p : slots)
    if (p) live.push_back(p);
  free_all_and_trim(heap, pages, live);
}

}  // namespace
