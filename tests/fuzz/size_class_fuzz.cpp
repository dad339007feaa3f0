// libFuzzer target for SizeClassHeap. The input is a program of heap operations on 64
// slots with a small page budget, so that exhaustion, span turnover and the large path
// are all common. Every live block carries a pattern; an overwritten pattern, two live
// blocks overlapping, a misaligned or too-small block, check() failing, statistics or
// page counts not adding up, or memory not coming back after everything is freed
// aborts. ASan and UBSan watch the heap's own accesses.
//
// Input: byte 0 picks the budget and where the arena starts. Then each
// operation is an opcode byte, a slot byte and a size: a byte choosing the range
// (tiny, small, the class limit, large, or an overflowing value) and two more.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include <sanitizer/asan_interface.h>

#include "fuzz_check.h"
#include "size_class_heap.h"

using cairn::mm::HeapStats;
using cairn::mm::kPageSize;
using cairn::mm::PageSource;
using cairn::mm::SizeClassHeap;

namespace {

constexpr std::size_t kSlots = 64;

// The harness's own loops (patterns, the page ledger) are most of the work; coverage of
// them tells the fuzzer nothing, and instrumenting their compares made it several times
// slower.
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

// Pages with a budget, handed out first fit from one arena, 2 MiB-aligned like RAM in a
// VM (optionally starting just below a 2 MiB boundary, so that spans straddle page-map
// leaves). The arena lives for the whole process, so inputs do not pay page faults.
// Pages not handed out are ASan-poisoned: the heap touching a page it gave back, or
// running past the end of a run into a free page, is reported by ASan.
struct Pages {
  static constexpr std::size_t kMaxBudget = 64 + 127 * 8;
  static constexpr std::size_t kArenaPages = (kMaxBudget + 512 + 511) / 512 * 512;

  explicit Pages(std::size_t budget_pages, bool straddle) : budget(budget_pages) {
    static std::uint8_t* arena = static_cast<std::uint8_t*>(
        std::aligned_alloc(std::size_t{2} << 20, kArenaPages * kPageSize));
    offset = straddle ? 512 - 16 : 0;
    base = arena + offset * kPageSize;
    ASAN_POISON_MEMORY_REGION(arena, kArenaPages * kPageSize);
    used.assign(budget, false);
  }
  ~Pages() { ASAN_UNPOISON_MEMORY_REGION(base, budget * kPageSize); }

  std::size_t budget;
  std::size_t outstanding = 0;
  std::size_t offset;  // pages from a 2 MiB boundary to base
  std::uint8_t* base;
  std::vector<bool> used;
  std::vector<std::pair<void*, std::size_t>> runs;

  NO_COVERAGE static void* take(void* context, std::size_t pages) {
    auto* self = static_cast<Pages*>(context);
    FUZZ_CHECK(pages > 0);
    if (pages > self->budget - self->outstanding) return nullptr;
    void* p = self->first_fit(pages);
    if (!p) return nullptr;
    ASAN_UNPOISON_MEMORY_REGION(p, pages * kPageSize);
    // Not zeroed. The heap keeps its own structures in single pages and at the start
    // of runs; filling the middle of big runs too would only cost time.
    if (pages <= 4) {
      std::memset(p, 0xa5, pages * kPageSize);
    } else {
      std::memset(p, 0xa5, kPageSize);
      std::memset(static_cast<std::uint8_t*>(p) + (pages - 1) * kPageSize, 0xa5, kPageSize);
    }
    self->runs.push_back({p, pages});
    self->outstanding += pages;
    return p;
  }
  NO_COVERAGE static void give(void* context, void* address, std::size_t pages) {
    auto* self = static_cast<Pages*>(context);
    for (auto& run : self->runs) {
      if (run.first != address) continue;
      FUZZ_CHECK(run.second == pages);
      run = self->runs.back();
      self->runs.pop_back();
      self->outstanding -= pages;
      std::size_t first = (static_cast<std::uint8_t*>(address) - self->base) / kPageSize;
      for (std::size_t i = 0; i < pages; ++i) self->used[first + i] = false;
      ASAN_POISON_MEMORY_REGION(address, pages * kPageSize);
      return;
    }
    FUZZ_CHECK(!"freed a run that was never handed out");
  }
  NO_COVERAGE void* first_fit(std::size_t pages) {
    for (std::size_t first = 0, n = 0; first + n < budget;) {
      if (used[first + n]) {
        first += n + 1;
        n = 0;
      } else if (++n == pages) {
        for (std::size_t i = 0; i < pages; ++i) used[first + i] = true;
        return base + first * kPageSize;
      }
    }
    return nullptr;
  }
};

struct Slot {
  std::uint8_t* p = nullptr;
  std::size_t size = 0;
  std::uint32_t id = 0;
};

// The pattern is a word per 8 bytes (blocks are 16-aligned), so a check is one load.
// It covers the first 4 KiB of a block and then the first 64 bytes of every 1 KiB:
// enough to catch the heap writing a free-list link, a descriptor or a page-map node
// into a live block, without filling megabytes per operation. Coverage depends only on
// the offset, so a block that changes size keeps a consistent pattern.
NO_COVERAGE std::uint64_t pattern(std::uint32_t id, std::size_t word) {
  return (id + 1) * 0x9e3779b97f4a7c15u ^ word * 0x100000001b3u;
}
NO_COVERAGE std::uint8_t pattern_byte(std::uint32_t id, std::size_t offset) {
  return static_cast<std::uint8_t>(pattern(id, offset / 8) >> (offset % 8 * 8));
}
// The next covered offset at or after i.
NO_COVERAGE std::size_t covered(std::size_t i) {
  return i < 4096 || i % 1024 < 64 ? i : (i | 1023) + 1;
}
NO_COVERAGE void fill(const Slot& s, std::size_t from) {
  std::size_t i = covered(from);
  for (; i < s.size && i % 8 != 0; ++i) s.p[i] = pattern_byte(s.id, i);
  auto* words = reinterpret_cast<std::uint64_t*>(s.p);
  for (i = covered(i); i + 8 <= s.size; i = covered(i + 8)) words[i / 8] = pattern(s.id, i / 8);
  for (; i < s.size; ++i) s.p[i] = pattern_byte(s.id, i);
}
NO_COVERAGE void verify(const Slot& s, std::size_t n) {
  bool ok = true;
  auto* words = reinterpret_cast<const std::uint64_t*>(s.p);
  std::size_t i = 0;
  for (; i + 8 <= n; i = covered(i + 8)) ok &= words[i / 8] == pattern(s.id, i / 8);
  for (; i < n; ++i) ok &= s.p[i] == pattern_byte(s.id, i);
  FUZZ_CHECK(ok);
}

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::size_t size() {
    std::uint8_t range = byte();
    std::size_t v = byte() | std::size_t{byte()} << 8;
    switch (range % 16) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        return v % 257;  // the 16-byte classes
      case 5:
      case 6:
      case 7:
        return v % 4097;
      case 8:
      case 9:
        return v % (SizeClassHeap::kMaxSmallSize + 1);
      case 10:
        return SizeClassHeap::kMaxSmallSize - 8 + v % 17;  // around the boundary
      case 11:
      case 12:
        return SizeClassHeap::kMaxSmallSize + 1 + v * 4;  // large, up to ~290 KiB
      case 13:
        return v * kPageSize + range / 16;  // large, page multiples and a bit
      case 14:
        return std::numeric_limits<std::size_t>::max() - v;  // overflow
      default:
        return SizeClassHeap::kMaxRequest - 64 + v;  // at and above the limit
    }
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

NO_COVERAGE bool overlaps(const Slot* slots, std::size_t self, const SizeClassHeap& heap) {
  auto a = reinterpret_cast<std::uintptr_t>(slots[self].p);
  std::uintptr_t a_end = a + heap.usable_size(slots[self].p);
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (i == self || !slots[i].p) continue;
    auto b = reinterpret_cast<std::uintptr_t>(slots[i].p);
    if (a < b + heap.usable_size(slots[i].p) && b < a_end) return true;
  }
  return false;
}

// Every block's whole pattern is verified when it is freed or moved; here only its
// first bytes, which is where a stray free-list link would land.
NO_COVERAGE void check_all(const SizeClassHeap& heap, const Slot* slots, const Pages& pages) {
  FUZZ_CHECK(heap.check());
  std::size_t in_use = 0, count = 0;
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (!slots[i].p) continue;
    verify(slots[i], slots[i].size < 64 ? slots[i].size : 64);
    in_use += heap.usable_size(slots[i].p);
    ++count;
  }
  HeapStats st = heap.stats();
  FUZZ_CHECK(st.bytes_in_use == in_use);
  FUZZ_CHECK(st.allocations == count);
  FUZZ_CHECK(st.bytes_from_pages == pages.outstanding * kPageSize);
  FUZZ_CHECK(st.bytes_free == st.bytes_from_pages - st.bytes_in_use);
}

// A block just handed out for `size` bytes with `alignment`.
void accept(SizeClassHeap& heap, Slot* slots, std::size_t i, std::size_t alignment) {
  Slot& s = slots[i];
  auto a = reinterpret_cast<std::uintptr_t>(s.p);
  FUZZ_CHECK(a % SizeClassHeap::kMinAlignment == 0);
  FUZZ_CHECK(a % alignment == 0);
  FUZZ_CHECK(heap.usable_size(s.p) >= s.size);
  FUZZ_CHECK(!overlaps(slots, i, heap));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  std::uint8_t setup = in.byte();
  Pages pages(64 + (setup & 0x7f) * 8, setup & 0x80);  // 256 KiB .. 4.2 MiB
  SizeClassHeap heap(PageSource{&Pages::take, &Pages::give, &pages});
  Slot slots[kSlots];
  std::uint32_t next_id = 1;

  while (!in.empty()) {
    std::uint8_t op = in.byte();
    std::size_t i = in.byte() % kSlots;
    Slot& s = slots[i];
    switch (op % 8) {
      case 0:
      case 1:
      case 2:
      case 3: {  // allocate (aligned one time in four)
        if (s.p) {
          verify(s, s.size);
          heap.free(s.p);
          s.p = nullptr;
        }
        std::size_t n = in.size();
        std::size_t alignment = 16;
        void* p;
        if (op % 8 == 3) {
          std::uint8_t a = in.byte();
          alignment = a < 224 ? std::size_t{1} << (a % 22) : a;  // some not powers of two
          p = heap.allocate_aligned(alignment, n);
          if (alignment & (alignment - 1)) FUZZ_CHECK(p == nullptr);
        } else {
          p = heap.allocate(n);
        }
        if (n > SizeClassHeap::kMaxRequest) FUZZ_CHECK(p == nullptr);
        if (!p) break;
        s = Slot{static_cast<std::uint8_t*>(p), n, next_id++};
        accept(heap, slots, i, alignment);
        fill(s, 0);
        break;
      }
      case 4:
      case 5:  // free
        if (s.p) {
          verify(s, s.size);
          heap.free(s.p);
          s.p = nullptr;
        }
        break;
      case 6: {  // reallocate, keeping the old pattern as far as it goes
        std::size_t n = in.size();
        if (s.p) verify(s, s.size);
        void* q = heap.reallocate(s.p, n);
        if (!q) {
          if (s.p) {
            verify(s, s.size);                      // unchanged on failure
            FUZZ_CHECK(n > heap.usable_size(s.p));  // and a shrink never fails
          }
          break;
        }
        std::size_t kept = s.p ? (n < s.size ? n : s.size) : 0;
        if (!s.p) s.id = next_id++;
        s.p = static_cast<std::uint8_t*>(q);
        s.size = n;
        accept(heap, slots, i, 16);
        verify(s, kept);
        fill(s, kept);
        break;
      }
      default:  // check everything; sometimes trim
        check_all(heap, slots, pages);
        if (i % 4 == 0) {
          heap.trim();
          check_all(heap, slots, pages);
        }
        break;
    }
  }

  check_all(heap, slots, pages);
  for (Slot& s : slots) {
    if (s.p) heap.free(s.p);
  }
  FUZZ_CHECK(heap.check());
  HeapStats st = heap.stats();
  FUZZ_CHECK(st.bytes_in_use == 0 && st.allocations == 0);
  // All that is left after trim() is page-map nodes: one top, one mid and a leaf per
  // 2 MiB of arena touched.
  heap.trim();
  FUZZ_CHECK(heap.check());
  FUZZ_CHECK(heap.stats().bytes_from_pages == pages.outstanding * kPageSize);
  FUZZ_CHECK(pages.outstanding <= 2 + (pages.offset + pages.budget + 511) / 512);
  // And the memory is usable again: the largest free run, less a page for a descriptor
  // and three for page-map nodes (if none were made yet), fits in one block.
  std::size_t largest = 0;
  for (std::size_t i = 0, run = 0; i < pages.budget; ++i) {
    run = pages.used[i] ? 0 : run + 1;
    if (run > largest) largest = run;
  }
  FUZZ_CHECK(largest >= 5);
  void* big = heap.allocate((largest - 4) * kPageSize);
  FUZZ_CHECK(big != nullptr);
  heap.free(big);
  FUZZ_CHECK(heap.check());
  return 0;
}
