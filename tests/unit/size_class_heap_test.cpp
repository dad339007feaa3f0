#include "../../kernel/mm/src/size_class_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <vector>

using cairn::mm::HeapStats;
using cairn::mm::kPageSize;
using cairn::mm::PageSource;
using cairn::mm::SizeClassHeap;

namespace {

constexpr std::size_t kSizeMax = std::numeric_limits<std::size_t>::max();

// The heap must be constant-initialized in the kernel (it is used before constructors).
void* no_pages(void*, std::size_t) { return nullptr; }
void no_free(void*, void*, std::size_t) {}
[[maybe_unused]] constinit SizeClassHeap constinit_heap{PageSource{no_pages, no_free, nullptr}};

// Pages from the host with a budget. Records every run, so a free of anything but an
// exact run is a test failure, and gives back whatever is still out at the end (the heap
// has no destructor by design). Two ways to get the pages:
// - scattered: each run is its own host allocation, so ASan catches a heap overrun
//   past the end of a run; the host spreads runs over the address space (under ASan,
//   one region per run size), so the heap needs more page-map nodes than in a kernel;
// - arena: first fit in one contiguous, 2 MiB-aligned range, like RAM in a VM, so page
//   counts are exact (page-map nodes: 3).
class TestPages {
 public:
  enum class Mode { kScattered, kArena };
  explicit TestPages(std::size_t budget, Mode mode = Mode::kScattered)
      : budget_(budget), mode_(mode) {
    if (mode_ == Mode::kArena) {
      constexpr std::size_t kAlign = 2 << 20;
      arena_ = static_cast<std::uint8_t*>(
          std::aligned_alloc(kAlign, (budget * kPageSize + kAlign - 1) / kAlign * kAlign));
      used_.assign(budget, false);
    }
  }
  TestPages(const TestPages&) = delete;
  TestPages& operator=(const TestPages&) = delete;
  ~TestPages() {
    if (mode_ == Mode::kScattered) {
      for (auto& [address, pages] : runs_) std::free(address);
    }
    std::free(arena_);
  }

  PageSource source() { return PageSource{&TestPages::take, &TestPages::give, this}; }
  std::size_t outstanding() const { return outstanding_; }
  std::size_t budget() const { return budget_; }

 private:
  static void* take(void* context, std::size_t pages) {
    auto* self = static_cast<TestPages*>(context);
    EXPECT_NE(pages, 0u);
    if (pages == 0 || pages > self->budget_ - self->outstanding_) return nullptr;
    void* p = self->mode_ == Mode::kArena ? self->first_fit(pages)
                                          : std::aligned_alloc(kPageSize, pages * kPageSize);
    if (!p) return nullptr;
    std::memset(p, 0xa5, pages * kPageSize);  // the heap must not expect zeroed pages
    self->runs_[p] = pages;
    self->outstanding_ += pages;
    return p;
  }
  static void give(void* context, void* address, std::size_t pages) {
    auto* self = static_cast<TestPages*>(context);
    auto it = self->runs_.find(address);
    ASSERT_NE(it, self->runs_.end()) << "free of a run that was not handed out";
    ASSERT_EQ(it->second, pages) << "free of a run with the wrong length";
    self->runs_.erase(it);
    self->outstanding_ -= pages;
    if (self->mode_ == Mode::kArena) {
      std::size_t first = (static_cast<std::uint8_t*>(address) - self->arena_) / kPageSize;
      for (std::size_t i = 0; i < pages; ++i) self->used_[first + i] = false;
    } else {
      std::free(address);
    }
  }
  void* first_fit(std::size_t pages) {
    for (std::size_t first = 0, run = 0; first + run < budget_;) {
      if (used_[first + run]) {
        first += run + 1;
        run = 0;
      } else if (++run == pages) {
        for (std::size_t i = 0; i < pages; ++i) used_[first + i] = true;
        return arena_ + first * kPageSize;
      }
    }
    return nullptr;
  }

  std::size_t budget_;
  Mode mode_;
  std::size_t outstanding_ = 0;
  std::map<void*, std::size_t> runs_;
  std::uint8_t* arena_ = nullptr;
  std::vector<bool> used_;
};

// A heap on its own page budget. Heap-allocated: the heap object holds the page-map root.
struct Fixture {
  Fixture(std::size_t budget_pages, TestPages::Mode mode)
      : pages(budget_pages, mode), heap(pages.source()) {}
  TestPages pages;
  SizeClassHeap heap;
};

std::unique_ptr<Fixture> make(std::size_t budget_pages = 1 << 20,
                              TestPages::Mode mode = TestPages::Mode::kScattered) {
  return std::make_unique<Fixture>(budget_pages, mode);
}

std::uint8_t tag_of(std::uint64_t id, std::size_t i) {
  return static_cast<std::uint8_t>(id * 131 + i * 7 + 1);
}

// Live blocks with patterns, checked against the heap: no overlap, contents intact,
// statistics equal to the model's.
class Model {
 public:
  explicit Model(SizeClassHeap& heap) : heap_(heap) {}

  struct Block {
    std::size_t size;
    std::size_t usable;
    std::uint64_t id;
  };

  void add(void* p, std::size_t size, std::size_t alignment = 16) {
    auto a = reinterpret_cast<std::uintptr_t>(p);
    ASSERT_EQ(a % alignment, 0u) << "size " << size << " alignment " << alignment;
    ASSERT_EQ(a % SizeClassHeap::kMinAlignment, 0u);
    std::size_t usable = heap_.usable_size(p);
    ASSERT_GE(usable, size);
    // [a, a + usable) must not touch any live block.
    auto next = blocks_.lower_bound(a);
    ASSERT_TRUE(next == blocks_.end() || next->first >= a + usable) << "overlaps the next block";
    if (next != blocks_.begin()) {
      auto prev = std::prev(next);
      ASSERT_LE(prev->first + prev->second.usable, a) << "overlaps the previous block";
    }
    std::uint64_t id = next_id_++;
    auto* bytes = static_cast<std::uint8_t*>(p);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = tag_of(id, i);
    blocks_[a] = Block{size, usable, id};
    usable_total_ += usable;
  }

  void verify(const void* p) const {
    const Block& b = blocks_.at(reinterpret_cast<std::uintptr_t>(p));
    auto* bytes = static_cast<const std::uint8_t*>(p);
    for (std::size_t i = 0; i < b.size; ++i) {
      if (bytes[i] != tag_of(b.id, i)) {
        ADD_FAILURE() << "block " << p << " byte " << i << " of " << b.size << " overwritten";
        return;
      }
    }
  }

  void remove(void* p) {
    auto it = blocks_.find(reinterpret_cast<std::uintptr_t>(p));
    ASSERT_NE(it, blocks_.end());
    usable_total_ -= it->second.usable;
    blocks_.erase(it);
  }

  // Checks and frees every live block, emptying the model.
  void free_all() {
    for (void* p : all()) {
      verify(p);
      remove(p);
      heap_.free(p);
    }
  }

  void verify_all() const {
    for (auto& [a, b] : blocks_) verify(reinterpret_cast<const void*>(a));
    HeapStats st = heap_.stats();
    EXPECT_EQ(st.bytes_in_use, usable_total_);
    EXPECT_EQ(st.allocations, blocks_.size());
    EXPECT_EQ(st.bytes_free, st.bytes_from_pages - st.bytes_in_use);
  }

  std::size_t size_of(const void* p) const {
    return blocks_.at(reinterpret_cast<std::uintptr_t>(p)).size;
  }
  std::uint64_t id_of(const void* p) const {
    return blocks_.at(reinterpret_cast<std::uintptr_t>(p)).id;
  }
  std::size_t count() const { return blocks_.size(); }
  void* nth(std::size_t n) const {
    auto it = blocks_.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(n));
    return reinterpret_cast<void*>(it->first);
  }
  std::vector<void*> all() const {
    std::vector<void*> v;
    for (auto& [a, b] : blocks_) v.push_back(reinterpret_cast<void*>(a));
    return v;
  }
  std::size_t requested_total() const {
    std::size_t t = 0;
    for (auto& [a, b] : blocks_) t += b.size;
    return t;
  }

 private:
  SizeClassHeap& heap_;
  std::map<std::uintptr_t, Block> blocks_;
  std::uint64_t next_id_ = 1;
  std::size_t usable_total_ = 0;
};

// Mostly small, some medium, a few large.
std::size_t random_size(std::mt19937_64& rng) {
  unsigned kind = rng() % 100;
  if (kind < 60) return rng() % 257;
  if (kind < 85) return 257 + rng() % (4096 - 256);
  if (kind < 96) return 4097 + rng() % (SizeClassHeap::kMaxSmallSize - 4096);
  return SizeClassHeap::kMaxSmallSize + 1 + rng() % 150000;
}

TEST(SizeClassHeap, ClassTableIsSound) {
  EXPECT_GE(SizeClassHeap::kClassCount, 40u);
  EXPECT_LE(SizeClassHeap::kClassCount, 60u);
  for (unsigned c = 0; c < SizeClassHeap::kClassCount; ++c) {
    std::size_t size = SizeClassHeap::class_size(c);
    EXPECT_EQ(size % 16, 0u);
    EXPECT_EQ(SizeClassHeap::class_of(size), c);
    if (c > 0) {
      std::size_t below = SizeClassHeap::class_size(c - 1);
      EXPECT_GT(size, below);
      EXPECT_EQ(SizeClassHeap::class_of(below + 1), c);
      EXPECT_LE(size - below, std::max<std::size_t>(16, below / 4)) << "step above " << below;
    }
    std::size_t span = SizeClassHeap::class_span_pages(c) * kPageSize;
    EXPECT_GE(span / size, 4u);
    EXPECT_LE(span % size * 32, span) << "span tail waste of class " << size;
  }
  for (std::size_t s = 0; s <= SizeClassHeap::kMaxSmallSize; ++s) {
    unsigned c = SizeClassHeap::class_of(s);
    ASSERT_GE(SizeClassHeap::class_size(c), s);
    if (c > 0) {
      ASSERT_LT(SizeClassHeap::class_size(c - 1), s);
    }
  }
}

TEST(SizeClassHeap, ZeroSizeGivesUniqueMinimumBlocks) {
  auto f = make();
  void* a = f->heap.allocate(0);
  void* b = f->heap.allocate(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(f->heap.usable_size(a), 16u);
  f->heap.free(a);
  f->heap.free(b);
  f->heap.free(nullptr);
  EXPECT_TRUE(f->heap.check());
  EXPECT_EQ(f->heap.stats().allocations, 0u);
}

TEST(SizeClassHeap, RandomOperationsMatchTheModel) {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE(seed);
    auto f = make();
    Model model(f->heap);
    std::mt19937_64 rng(seed);
    for (int op = 0; op < 6000; ++op) {
      unsigned what = rng() % 100;
      if (what < 45 || model.count() == 0) {
        std::size_t size = random_size(rng);
        std::size_t alignment = 16;
        void* p;
        if (what < 5) {
          alignment = std::size_t{1} << (rng() % 17);  // 1 B .. 64 KiB
          p = f->heap.allocate_aligned(alignment, size);
        } else {
          p = f->heap.allocate(size);
        }
        ASSERT_NE(p, nullptr);
        model.add(p, size, alignment);
      } else if (what < 85) {
        void* p = model.nth(rng() % model.count());
        model.verify(p);
        model.remove(p);
        f->heap.free(p);
      } else {
        void* p = model.nth(rng() % model.count());
        std::size_t old_size = model.size_of(p);
        std::size_t size = random_size(rng);
        model.verify(p);
        std::uint64_t old_id = model.id_of(p);
        void* q = f->heap.reallocate(p, size);
        ASSERT_NE(q, nullptr);
        // The kept prefix survives a move; then the block is re-tagged as a new one.
        auto* bytes = static_cast<std::uint8_t*>(q);
        for (std::size_t i = 0; i < std::min(old_size, size); ++i)
          ASSERT_EQ(bytes[i], tag_of(old_id, i)) << "byte " << i;
        model.remove(p);
        model.add(q, size);
      }
      if (op % 97 == 0) {
        ASSERT_TRUE(f->heap.check()) << "op " << op;
        model.verify_all();
        EXPECT_EQ(f->heap.stats().bytes_from_pages, f->pages.outstanding() * kPageSize);
      }
    }
    ASSERT_TRUE(f->heap.check());
    model.verify_all();
    model.free_all();
    ASSERT_TRUE(f->heap.check());
    HeapStats st = f->heap.stats();
    EXPECT_EQ(st.bytes_in_use, 0u);
    EXPECT_EQ(st.allocations, 0u);
    f->heap.trim();
    ASSERT_TRUE(f->heap.check());
  }
}

TEST(SizeClassHeap, ReallocKeepsContentsWhenItMoves) {
  auto f = make();
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::size_t a = random_size(rng), b = random_size(rng);
    auto* p = static_cast<std::uint8_t*>(f->heap.allocate(a));
    ASSERT_NE(p, nullptr);
    for (std::size_t i = 0; i < a; ++i) p[i] = tag_of(round, i);
    auto* q = static_cast<std::uint8_t*>(f->heap.reallocate(p, b));
    ASSERT_NE(q, nullptr);
    ASSERT_GE(f->heap.usable_size(q), b);
    for (std::size_t i = 0; i < std::min(a, b); ++i) ASSERT_EQ(q[i], tag_of(round, i)) << i;
    f->heap.free(q);
  }
  EXPECT_TRUE(f->heap.check());
}

TEST(SizeClassHeap, ReallocStaysInPlaceWithinItsClass) {
  auto f = make();
  SizeClassHeap& heap = f->heap;
  void* p = heap.allocate(20);  // the 32-byte class
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(heap.reallocate(p, 32), p);
  EXPECT_EQ(heap.reallocate(p, 17), p);
  EXPECT_EQ(heap.usable_size(p), 32u);
  void* bigger = heap.reallocate(p, 33);  // the next class: moves
  ASSERT_NE(bigger, nullptr);
  EXPECT_NE(bigger, p);
  EXPECT_EQ(heap.usable_size(bigger), 48u);
  // realloc(p, 0) is the minimum block, never a free.
  void* tiny = heap.reallocate(bigger, 0);
  ASSERT_NE(tiny, nullptr);
  EXPECT_EQ(heap.usable_size(tiny), 16u);
  EXPECT_EQ(heap.reallocate(tiny, 0), tiny);
  heap.free(tiny);
  // realloc(nullptr, n) allocates.
  void* fresh = heap.reallocate(nullptr, 100);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(heap.usable_size(fresh), 112u);
  heap.free(fresh);
  EXPECT_TRUE(heap.check());
  EXPECT_EQ(heap.stats().allocations, 0u);
}

TEST(SizeClassHeap, ReallocAcrossTheSmallLargeBoundary) {
  auto f = make();
  SizeClassHeap& heap = f->heap;
  auto* p = static_cast<std::uint8_t*>(heap.allocate(3000));
  for (std::size_t i = 0; i < 3000; ++i) p[i] = tag_of(1, i);
  // Small to large.
  auto* q = static_cast<std::uint8_t*>(heap.reallocate(p, 100000));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(q) % kPageSize, 0u);  // large: whole pages
  EXPECT_EQ(heap.usable_size(q), 25 * kPageSize);
  for (std::size_t i = 0; i < 3000; ++i) ASSERT_EQ(q[i], tag_of(1, i));
  // Large, same number of pages: in place.
  EXPECT_EQ(heap.reallocate(q, 25 * kPageSize), q);
  EXPECT_EQ(heap.reallocate(q, 24 * kPageSize + 1), q);
  // Large, fewer pages: moves (and gives the pages back).
  std::size_t held = heap.stats().bytes_from_pages;
  auto* r = static_cast<std::uint8_t*>(heap.reallocate(q, 50000));
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r, q);
  EXPECT_LT(heap.stats().bytes_from_pages, held);
  for (std::size_t i = 0; i < 3000; ++i) ASSERT_EQ(r[i], tag_of(1, i));
  // Large to small.
  auto* s = static_cast<std::uint8_t*>(heap.reallocate(r, 2000));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(heap.usable_size(s), 2048u);
  for (std::size_t i = 0; i < 2000; ++i) ASSERT_EQ(s[i], tag_of(1, i));
  heap.free(s);
  EXPECT_TRUE(heap.check());
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
}

TEST(SizeClassHeap, OverflowingSizesFail) {
  auto f = make();
  SizeClassHeap& heap = f->heap;
  for (std::size_t size : {kSizeMax, kSizeMax - 1, kSizeMax - kPageSize, kSizeMax - 4 * kPageSize,
                           kSizeMax / 2, kSizeMax / 2 + 1, SizeClassHeap::kMaxRequest + 1}) {
    EXPECT_EQ(heap.allocate(size), nullptr) << size;
    EXPECT_EQ(heap.allocate_aligned(16, size), nullptr) << size;
    EXPECT_EQ(heap.allocate_aligned(4096, size), nullptr) << size;
    EXPECT_EQ(heap.allocate_aligned(std::size_t{1} << 20, size), nullptr) << size;
  }
  EXPECT_EQ(heap.allocate_aligned(std::size_t{1} << 63, 16), nullptr);
  EXPECT_EQ(heap.allocate_aligned(SizeClassHeap::kMaxRequest * 2, 16), nullptr);
  // Within the limit but beyond the budget: fails cleanly, takes nothing.
  EXPECT_EQ(heap.allocate(SizeClassHeap::kMaxRequest), nullptr);
  EXPECT_EQ(heap.allocate_aligned(SizeClassHeap::kMaxRequest, 1), nullptr);
  void* p = heap.allocate(100);
  ASSERT_NE(p, nullptr);
  std::memset(p, 0x3c, 100);
  EXPECT_EQ(heap.reallocate(p, kSizeMax), nullptr);
  EXPECT_EQ(heap.reallocate(p, kSizeMax - kPageSize + 1), nullptr);
  EXPECT_EQ(heap.usable_size(p), 112u);  // unchanged, still valid
  EXPECT_EQ(static_cast<std::uint8_t*>(p)[99], 0x3c);
  heap.free(p);
  EXPECT_TRUE(heap.check());
  EXPECT_EQ(heap.stats().allocations, 0u);
}

TEST(SizeClassHeap, AlignmentMustBeAPowerOfTwo) {
  auto f = make();
  for (std::size_t bad : {std::size_t{0}, std::size_t{3}, std::size_t{24}, std::size_t{48},
                          std::size_t{96}, std::size_t{4095}, std::size_t{12288}, kSizeMax}) {
    EXPECT_EQ(f->heap.allocate_aligned(bad, 64), nullptr) << bad;
  }
  EXPECT_TRUE(f->heap.check());
  EXPECT_EQ(f->heap.stats().allocations, 0u);
}

TEST(SizeClassHeap, AlignedAllocationsUpToAMebibyte) {
  auto f = make();
  Model model(f->heap);
  for (unsigned shift = 0; shift <= 21; ++shift) {
    std::size_t alignment = std::size_t{1} << shift;
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{5000},
                             std::size_t{40000}, std::size_t{300000}}) {
      void* p = f->heap.allocate_aligned(alignment, size);
      ASSERT_NE(p, nullptr) << alignment << " " << size;
      model.add(p, size, alignment);
    }
  }
  ASSERT_TRUE(f->heap.check());
  model.verify_all();
  model.free_all();
  EXPECT_TRUE(f->heap.check());
  EXPECT_EQ(f->heap.stats().bytes_in_use, 0u);
}

TEST(SizeClassHeap, SmallAlignmentsUseASizeClass) {
  auto f = make();
  // 64-aligned 100 bytes: the 128-byte class (slots are multiples of 128).
  void* p = f->heap.allocate_aligned(64, 100);
  EXPECT_EQ(f->heap.usable_size(p), 128u);
  void* q = f->heap.allocate_aligned(4096, 10);
  EXPECT_EQ(f->heap.usable_size(q), 4096u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(q) % 4096, 0u);
  f->heap.free(p);
  f->heap.free(q);
  EXPECT_TRUE(f->heap.check());
}

// Fills a small budget with blocks of `size` until the heap says no, frees everything,
// and returns how many fitted.
std::size_t fill_and_empty(Fixture& f, std::size_t size) {
  std::vector<void*> blocks;
  for (;;) {
    void* p = f.heap.allocate(size);
    if (!p) break;
    std::memset(p, 0x5a, size);
    blocks.push_back(p);
    if (blocks.size() % 257 == 0) {
      EXPECT_TRUE(f.heap.check());
    }
  }
  EXPECT_TRUE(f.heap.check());
  EXPECT_EQ(f.heap.allocate(size), nullptr);
  EXPECT_LE(f.pages.outstanding(), f.pages.budget());
  for (void* p : blocks) f.heap.free(p);
  EXPECT_TRUE(f.heap.check());
  EXPECT_EQ(f.heap.stats().allocations, 0u);
  EXPECT_EQ(f.heap.stats().bytes_from_pages, f.pages.outstanding() * kPageSize);
  return blocks.size();
}

TEST(SizeClassHeap, ExhaustionThenEverythingComesBack) {
  constexpr std::size_t kBudget = 512;  // 2 MiB
  for (std::size_t size : {std::size_t{1}, std::size_t{64}, std::size_t{700}, std::size_t{4096},
                           std::size_t{30000}, std::size_t{40000}, std::size_t{200000}}) {
    SCOPED_TRACE(size);
    auto f = make(kBudget, TestPages::Mode::kArena);
    std::size_t first = fill_and_empty(*f, size);
    ASSERT_GT(first, 0u);
    // Kept after freeing everything: page-map nodes (a few), at most one descriptor
    // page and at most one empty span of the class; large blocks keep nothing.
    std::size_t kept = f->pages.outstanding();
    f->heap.trim();
    ASSERT_TRUE(f->heap.check());
    std::size_t nodes = f->pages.outstanding();
    EXPECT_EQ(nodes, 3u);  // one node of each level below the root
    std::size_t span_pages = size <= SizeClassHeap::kMaxSmallSize
                                 ? SizeClassHeap::class_span_pages(SizeClassHeap::class_of(size))
                                 : 0;
    EXPECT_LE(kept, nodes + 1 + span_pages);
    EXPECT_EQ(f->heap.stats().bytes_from_pages, nodes * kPageSize);
    // And the same number fits again.
    std::size_t second = fill_and_empty(*f, size);
    EXPECT_GE(second + 1, first);
  }
}

// Memory cached for one class must not make another request fail: the heap trims and
// retries when the source runs dry.
TEST(SizeClassHeap, CachedSpansGiveWayToOtherRequests) {
  constexpr std::size_t kBudget = 256;
  auto f = make(kBudget, TestPages::Mode::kArena);
  std::vector<void*> blocks;
  for (unsigned c = 0; c < SizeClassHeap::kClassCount; ++c) {
    void* p = f->heap.allocate(SizeClassHeap::class_size(c));
    if (p) blocks.push_back(p);
  }
  for (void* p : blocks) f->heap.free(p);
  ASSERT_TRUE(f->heap.check());
  std::size_t cached = f->pages.outstanding();
  EXPECT_GT(cached, kBudget / 2);  // one empty span per class kept
  // A large block that only fits if the caches go. The first pages the heap took, a
  // descriptor page, the first span and the 3 page-map nodes, stay at the bottom of the
  // arena (the span's place is free again, but lies between them).
  void* big = f->heap.allocate((kBudget - 8) * kPageSize);
  ASSERT_NE(big, nullptr) << "outstanding " << f->pages.outstanding();
  ASSERT_TRUE(f->heap.check());
  f->heap.free(big);
  ASSERT_TRUE(f->heap.check());
  EXPECT_LE(f->pages.outstanding(), 4u);
}

TEST(SizeClassHeap, RetentionIsBoundedAndDoesNotThrash) {
  auto f = make();
  SizeClassHeap& heap = f->heap;
  // A loop at a span boundary takes pages once.
  void* first = heap.allocate(64);
  heap.free(first);
  std::size_t held = f->pages.outstanding();
  for (int i = 0; i < 1000; ++i) {
    void* p = heap.allocate(64);
    ASSERT_NE(p, nullptr);
    heap.free(p);
    ASSERT_EQ(f->pages.outstanding(), held);
  }
  // Many spans of one class emptied: one is kept.
  const std::size_t span_pages = SizeClassHeap::class_span_pages(SizeClassHeap::class_of(64));
  std::vector<void*> blocks;
  for (int i = 0; i < 10000; ++i) blocks.push_back(heap.allocate(64));
  EXPECT_GT(f->pages.outstanding(), held + 20 * span_pages);
  std::shuffle(blocks.begin(), blocks.end(), std::mt19937_64(5));
  for (void* p : blocks) heap.free(p);
  ASSERT_TRUE(heap.check());
  // Back to one empty span and one descriptor page (plus any new page-map leaf).
  EXPECT_LE(f->pages.outstanding(), held + 2);
  EXPECT_EQ(heap.trim(), (span_pages + 1) * kPageSize);
  ASSERT_TRUE(heap.check());
}

TEST(SizeClassHeap, FragmentationStaysBoundedUnderChurn) {
  auto f = make();
  Model model(f->heap);
  std::mt19937_64 rng(11);
  std::vector<void*> live;
  // Grow to ~4000 blocks, churn, then shrink to a tenth: the heap should give most of
  // the memory back (spans empty out in a random order, so not all of it).
  for (int op = 0; op < 40000; ++op) {
    if (live.size() < 4000 || rng() % 2) {
      std::size_t size = 1 + rng() % 2048;
      void* p = f->heap.allocate(size);
      ASSERT_NE(p, nullptr);
      live.push_back(p);
      model.add(p, size);
    } else {
      std::size_t i = rng() % live.size();
      model.remove(live[i]);
      f->heap.free(live[i]);
      live[i] = live.back();
      live.pop_back();
    }
  }
  HeapStats busy = f->heap.stats();
  double busy_ratio = static_cast<double>(busy.bytes_from_pages) / model.requested_total();
  EXPECT_LT(busy_ratio, 1.6);
  std::shuffle(live.begin(), live.end(), rng);
  while (live.size() > 400) {
    model.remove(live.back());
    f->heap.free(live.back());
    live.pop_back();
  }
  ASSERT_TRUE(f->heap.check());
  HeapStats idle = f->heap.stats();
  EXPECT_LT(idle.bytes_from_pages, busy.bytes_from_pages * 3 / 4);
  model.verify_all();
  for (void* p : live) f->heap.free(p);
  EXPECT_TRUE(f->heap.check());
}

TEST(SizeClassHeap, StatsAddUp) {
  auto f = make();
  SizeClassHeap& heap = f->heap;
  HeapStats empty = heap.stats();
  EXPECT_EQ(empty.bytes_in_use, 0u);
  EXPECT_EQ(empty.bytes_from_pages, 0u);
  EXPECT_EQ(empty.largest_free, 0u);
  std::vector<void*> blocks;
  std::size_t usable = 0;
  for (std::size_t size : {1, 16, 17, 500, 1024, 1025, 9000, 32768, 32769, 1000000}) {
    void* p = heap.allocate(size);
    blocks.push_back(p);
    usable += heap.usable_size(p);
  }
  HeapStats st = heap.stats();
  EXPECT_EQ(st.bytes_in_use, usable);
  EXPECT_EQ(st.allocations, blocks.size());
  EXPECT_EQ(st.bytes_from_pages, f->pages.outstanding() * kPageSize);
  EXPECT_EQ(st.bytes_free, st.bytes_from_pages - st.bytes_in_use);
  EXPECT_EQ(st.largest_free, 32768u);  // the 32 KiB span has free slots
  EXPECT_EQ(heap.usable_size(blocks[8]), 9 * kPageSize);
  EXPECT_EQ(heap.usable_size(blocks[9]), 245 * kPageSize);
  for (void* p : blocks) heap.free(p);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
  EXPECT_TRUE(heap.check());
}

TEST(SizeClassHeap, CheckFindsADoubleFree) {
  auto f = make();
  void* a = f->heap.allocate(48);
  void* b = f->heap.allocate(48);
  f->heap.free(a);
  EXPECT_TRUE(f->heap.check());
  f->heap.free(a);  // undefined, but check() must notice
  EXPECT_FALSE(f->heap.check());
  (void)b;
}

TEST(SizeClassHeapDeathTest, FreeingAForeignPointerTraps) {
  auto f = make();
  void* p = f->heap.allocate(100000);
  int local = 0;
  EXPECT_DEATH(f->heap.free(&local), "");
  EXPECT_DEATH(f->heap.free(static_cast<char*>(p) + 16), "");  // inside a large block
  f->heap.free(p);
}

}  // namespace
