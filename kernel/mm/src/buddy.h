// The page-frame allocator: a binary buddy system over physical pages. Free blocks are
// 2^order pages, aligned to their size; their list links live in the free pages
// themselves (all RAM is mapped), and one byte per page records which pages head a
// free block of which order. Requests for any number of pages are served exactly: the
// block is rounded up to a power of two and the unused tail is freed again.
//
// Large requests that are not a power of two (a heap growing by "1 MiB + a header")
// are served first-fit from runs of adjacent free blocks instead: splitting a block
// for each would leave tails that never fit the next request, and a loop of 1 MiB
// allocations would end with half of memory free in unusable pieces. The scan is
// next-fit (it resumes where the last one ended), so such loops stay cheap.
// Host-tested in tests/unit/buddy_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::mm {

class BuddyAllocator {
 public:
  static constexpr int kMaxOrder = 20;  // blocks of up to 2^20 pages (4 GiB)
  static constexpr std::uint8_t kNotFreeHead = 0xff;
  static constexpr std::size_t kRunThreshold = 16;  // pages; see above

  // Manages pages within [base, end) (page-aligned addresses). `page_state` has one
  // byte per page of that span and must outlive the allocator.
  void init(std::uintptr_t base, std::uintptr_t end, std::uint8_t* page_state);

  // Hands [start, end) (page-aligned, inside the span, not already free) to the allocator.
  void add(std::uintptr_t start, std::uintptr_t end) { free(start, (end - start) / kPage); }

  // Returns the address of `pages` contiguous pages, or 0 when no run is that long.
  std::uintptr_t allocate(std::size_t pages);
  // Returns pages from an allocate() call, or from add(); any sub-run of them is fine too.
  void free(std::uintptr_t address, std::size_t pages);

  std::size_t free_pages() const { return free_pages_; }
  // Size in pages of the largest free block.
  std::size_t largest_free_block() const;
  // Verifies lists and page states agree (for tests).
  bool check() const;

 private:
  static constexpr std::size_t kPage = 4096;
  struct FreeBlock {
    FreeBlock* next;
    FreeBlock* prev;
  };

  std::size_t index(std::uintptr_t address) const { return (address - base_) / kPage; }
  void push(std::uintptr_t address, int order);
  void remove(std::uintptr_t address, int order);
  void free_block(std::uintptr_t address, int order);
  std::uintptr_t allocate_run(std::size_t pages);
  bool find_run(std::size_t from, std::size_t to, std::size_t pages, std::size_t* start,
                std::size_t* length) const;

  std::uintptr_t base_ = 0, end_ = 0;
  std::uint8_t* state_ = nullptr;
  FreeBlock* lists_[kMaxOrder + 1] = {};
  std::size_t free_pages_ = 0;
  std::size_t cursor_ = 0;  // page index where the next run search starts
};

}  // namespace cairn::mm
