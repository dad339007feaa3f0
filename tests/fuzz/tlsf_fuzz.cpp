// libFuzzer target for the TLSF heap core. The input is a program of heap operations on
// 64 slots; each live block carries a pattern derived from its id. Any inconsistency
// (a pattern overwritten, blocks overlapping, check() failing, statistics or pages not
// adding up) aborts, and ASan/UBSan watch the allocator's own memory accesses.
//
// Input layout: byte 0 picks the page budget (small, so that exhaustion is common);
// then each operation is an opcode byte, a slot byte and a size (1 to 4 bytes, its
// first byte says how long it is).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sanitizer/asan_interface.h>

#include "fuzz_check.h"
#include "tlsf.h"

using cairn::mm::HeapStats;
using cairn::mm::kPageSize;
using cairn::mm::PageSource;
using cairn::mm::TlsfHeap;

namespace {

// A page source with a budget, carved first-fit out of one static arena: no system
// calls, so runs are fast and repeatable. Pages not handed out are poisoned, so ASan
// reports any access the heap makes to memory it has returned (or never received).
constexpr std::size_t kArenaPages = 1024;
alignas(4096) std::uint8_t arena[kArenaPages * kPageSize];
// Poisoned once; each input returns every run (checked), so the arena is poisoned again
// whenever an input starts.
const bool arena_poisoned = [] {
  ASAN_POISON_MEMORY_REGION(arena, sizeof arena);
  return true;
}();

struct Pages {
  std::size_t budget = 0;
  std::size_t outstanding = 0;
  bool taken[kArenaPages] = {};
  std::uint16_t run_at[kArenaPages] = {};  // length of the run handed out at a page, or 0

  static void* take(void* context, std::size_t pages) {
    auto* self = static_cast<Pages*>(context);
    FUZZ_CHECK(pages > 0);
    if (pages > self->budget - self->outstanding) return nullptr;
    std::size_t free_run = 0;
    for (std::size_t page = 0; page < kArenaPages; ++page) {
      free_run = self->taken[page] ? 0 : free_run + 1;
      if (free_run < pages) continue;
      std::size_t start = page + 1 - pages;
      std::memset(self->taken + start, 1, pages);
      self->run_at[start] = static_cast<std::uint16_t>(pages);
      self->outstanding += pages;
      std::uint8_t* p = arena + start * kPageSize;
      ASAN_UNPOISON_MEMORY_REGION(p, pages * kPageSize);
      // Not zeroed (the heap must not assume it); the ends are where headers go.
      std::memset(p, 0xa5, 256);
      std::memset(p + pages * kPageSize - 256, 0xa5, 256);
      return p;
    }
    return nullptr;  // the arena is fragmented: as real page allocators can be
  }
  static void give(void* context, void* address, std::size_t pages) {
    auto* self = static_cast<Pages*>(context);
    auto offset = static_cast<std::size_t>(static_cast<std::uint8_t*>(address) - arena);
    FUZZ_CHECK(offset % kPageSize == 0 && offset / kPageSize < kArenaPages);
    FUZZ_CHECK(self->run_at[offset / kPageSize] == pages);  // exactly a run handed out
    self->run_at[offset / kPageSize] = 0;
    std::memset(self->taken + offset / kPageSize, 0, pages);
    self->outstanding -= pages;
    ASAN_POISON_MEMORY_REGION(address, pages * kPageSize);
  }
};

struct Slot {
  std::uint8_t* p = nullptr;
  std::size_t size = 0;
  std::uint32_t id = 0;
};

// Block contents: a fixed pseudo-random sequence, started at an offset taken from the
// block's id. Blocks up to 16 KiB carry it entirely; larger ones only in 64-byte samples
// every 16 KiB and at the end, so that the cost of an operation does not grow with its
// size (memcpy/memcmp rather than byte loops, which would be instrumented, for speed).
constexpr std::size_t kPeriod = 4093;  // prime: ids give distinct offsets
constexpr std::size_t kChunk = 4096;
constexpr std::size_t kFullUpTo = 16 * 1024;
constexpr std::size_t kStride = 16 * 1024;
constexpr std::size_t kSample = 64;
struct Sequence {
  std::uint8_t bytes[kPeriod + kChunk];
  Sequence() {
    std::uint32_t x = 2463534242u;
    for (std::size_t i = 0; i < kPeriod; ++i) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      bytes[i] = static_cast<std::uint8_t>(x);
    }
    for (std::size_t i = kPeriod; i < sizeof bytes; ++i) bytes[i] = bytes[i - kPeriod];
  }
};
const Sequence sequence;

const std::uint8_t* expected(std::uint32_t id, std::size_t offset) {
  return sequence.bytes + (id * 131u + offset) % kPeriod;
}

// Calls f(offset, length) for the patterned parts of a block of `size` below `upto`.
template <typename F>
void for_each_patterned(std::size_t size, std::size_t upto, F f) {
  if (size <= kFullUpTo) {
    for (std::size_t i = 0; i < upto; i += kChunk) f(i, kChunk < upto - i ? kChunk : upto - i);
    return;
  }
  for (std::size_t i = 0; i < upto; i += kStride) f(i, kSample < upto - i ? kSample : upto - i);
  if (upto == size) f(size - kSample, kSample);
}
void fill(const Slot& s) {
  for_each_patterned(s.size, s.size, [&](std::size_t i, std::size_t n) {
    std::memcpy(s.p + i, expected(s.id, i), n);
  });
}
// The pattern written for s.size is intact below `upto`.
void verify(const Slot& s, std::size_t upto) {
  for_each_patterned(s.size, upto, [&](std::size_t i, std::size_t n) {
    FUZZ_CHECK(std::memcmp(s.p + i, expected(s.id, i), n) == 0);
  });
}

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // By the top bits of the first byte: small sizes, up to 16 KiB, up to 128 KiB, and
  // rarely up to 2 MiB or sizes that must be refused (near kMaxRequest or SIZE_MAX).
  std::size_t size() {
    std::uint8_t b = byte();
    switch (b >> 6) {
      case 0:
        return b & 63;
      case 1:
        return std::size_t{b & 63u} << 8 | byte();
      case 2:
        return std::size_t{b & 1u} << 16 | std::size_t{byte()} << 8 | byte();
      default:
        if (b & 32) return std::size_t{b & 31u} << 16 | std::size_t{byte()} << 8 | byte();
        if (b & 16) return SIZE_MAX - (b & 15);
        return TlsfHeap::kMaxRequest + (b & 15) - 8;  // around the limit
    }
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

constexpr std::size_t kSlots = 64;

void verify_no_overlap(const TlsfHeap& heap, const Slot* slots) {
  // Few slots: compare every pair of usable ranges.
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (!slots[i].p) continue;
    auto a = reinterpret_cast<std::uintptr_t>(slots[i].p);
    std::uintptr_t a_end = a + heap.usable_size(slots[i].p);
    for (std::size_t j = i + 1; j < kSlots; ++j) {
      if (!slots[j].p) continue;
      auto b = reinterpret_cast<std::uintptr_t>(slots[j].p);
      FUZZ_CHECK(a_end <= b || b + heap.usable_size(slots[j].p) <= a);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  Pages pages;
  // One 64 KiB region, a few, or enough for the 2 MiB requests to succeed sometimes.
  static constexpr std::size_t kBudgets[4] = {16, 40, 128, 1024};
  pages.budget = kBudgets[in.byte() & 3];
  TlsfHeap heap(PageSource{&Pages::take, &Pages::give, &pages});
  Slot slots[kSlots];
  std::uint32_t next_id = 1;

  for (std::size_t op = 0; !in.empty(); ++op) {
    std::uint8_t code = in.byte();
    Slot& s = slots[in.byte() % kSlots];
    switch (code % 8) {
      case 0:
      case 1:
      case 2:
      case 3: {  // allocate (3: aligned), replacing what the slot held
        std::size_t n = in.size();
        std::size_t alignment = code % 8 == 3 ? std::size_t{1} << (in.byte() % 24) : 0;
        if (code & 0x80) alignment |= 8;  // sometimes not a power of two
        if (s.p) {
          verify(s, s.size);
          heap.free(s.p);
          s = {};
        }
        void* p = alignment ? heap.allocate_aligned(alignment, n) : heap.allocate(n);
        bool bad_alignment = alignment & (alignment - 1);
        if (n > TlsfHeap::kMaxRequest || bad_alignment) FUZZ_CHECK(p == nullptr);
        if (!p) break;
        std::size_t want = alignment > TlsfHeap::kMinAlignment ? alignment : 16;
        FUZZ_CHECK(reinterpret_cast<std::uintptr_t>(p) % want == 0);
        FUZZ_CHECK(heap.usable_size(p) >= n);
        s = {static_cast<std::uint8_t*>(p), n, next_id++};
        fill(s);
        break;
      }
      case 4:
      case 5: {  // reallocate (from nullptr too)
        std::size_t n = in.size();
        verify(s, s.size);
        void* p = heap.reallocate(s.p, n);
        if (!p) {
          FUZZ_CHECK(s.p == nullptr || heap.usable_size(s.p) >= s.size);
          verify(s, s.size);  // untouched on failure
          break;
        }
        FUZZ_CHECK(reinterpret_cast<std::uintptr_t>(p) % TlsfHeap::kMinAlignment == 0);
        FUZZ_CHECK(heap.usable_size(p) >= n);
        if (!s.p) s.id = next_id++;
        std::size_t kept = n < s.size ? n : s.size;
        s.p = static_cast<std::uint8_t*>(p);
        verify(s, kept);  // the old contents moved or stayed
        s.size = n;
        fill(s);
        break;
      }
      case 6:  // free
        if (s.p) verify(s, s.size);
        heap.free(s.p);
        s = {};
        break;
      case 7:  // give the spare region back
        heap.trim();
        break;
    }
    // check() walks everything (about a thousand list heads even when empty), so every
    // few operations: enough to catch corruption close to the operation that made it.
    if (op % 8 == 0) FUZZ_CHECK(heap.check());
    HeapStats st = heap.stats();
    FUZZ_CHECK(st.bytes_from_pages == pages.outstanding * kPageSize);
    FUZZ_CHECK(st.bytes_in_use + st.bytes_free <= st.bytes_from_pages);
    if (op % 16 == 0) verify_no_overlap(heap, slots);
  }

  verify_no_overlap(heap, slots);
  std::size_t in_use = 0, live = 0;
  for (Slot& s : slots) {
    if (!s.p) continue;
    verify(s, s.size);
    in_use += heap.usable_size(s.p);
    ++live;
  }
  FUZZ_CHECK(heap.stats().bytes_in_use == in_use && heap.stats().allocations == live);
  for (Slot& s : slots) heap.free(s.p);
  FUZZ_CHECK(heap.check());
  // Everything free: at most the spare region is held, and trim() returns it.
  FUZZ_CHECK(pages.outstanding <= TlsfHeap::kMinRegionBytes / kPageSize);
  heap.trim();
  FUZZ_CHECK(pages.outstanding == 0);
  FUZZ_CHECK(heap.check());
  return 0;
}
