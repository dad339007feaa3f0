// TLSF: a Two-Level Segregated Fit heap (Masmano, Ripoll, Crespo, Real, ECRTS 2004).
//
// The idea in brief. Free blocks are kept in many free lists, one per size class, and
// a list only ever holds blocks of its own class. Classes come from a two-level index:
// the first level is the power of two below the size (64..127, 128..255, ...), the
// second level cuts each power of two into 32 equal slices. Two bitmaps record which
// lists are non-empty (one bit per first-level range, one word of bits per range), so
// finding "the smallest non-empty class that is certain to fit" is a couple of
// find-first-set instructions, never a search. Allocation rounds the request up to the
// next class boundary (so any block in the class found fits), takes the list head and
// splits off the rest; free merges the block with its free physical neighbours
// (boundary tags) and pushes it on its list. Every step is O(1): no loop depends on
// how many blocks exist.
//
// Memory layout. A block is its header followed by its payload:
//
//   block ->  prev_phys  (8)  only meaningful while the previous block is free; it is
//                             the last word of the previous block's payload otherwise
//             size|flags (8)  distance to the next block (a multiple of 16), three flags
//   payload-> next_free, prev_free (only while free) ... user data ...
//
// so a used block costs 8 bytes (its size word), payloads are 16-aligned, and the
// usable size is the block size minus 8. Memory comes from a PageSource in regions:
//
//   region -> Region {next, prev, bytes}   (bytes doubles as the first block's prev_phys,
//             first block ... last block     which is never read: nothing precedes it)
//             sentinel: size 0, always used  (stops merging past the end)
//
// Policy decisions (see docs/memory.md):
// - Growth: a region is at least kMinRegionBytes (64 KiB), or the request plus the
//   region overhead rounded up to pages; if the source cannot give the larger amount,
//   the exact amount is tried.
// - Giving back: a region that becomes entirely free is returned to the source at
//   once, except that one such region of at most kMinRegionBytes is kept as a spare so
//   that a malloc/free loop at a region boundary does not map and unmap pages on each
//   iteration. trim() returns the spare too.
// - Limits: requests (and alignments) above kMaxRequest fail with nullptr; every size
//   computation is checked against that bound first, so no arithmetic can overflow.
//
// Not thread-safe (see heap_backend.h). Invalid frees (a pointer this heap did not hand
// out, or a double free) are caught when the header shows it and trap (__builtin_trap),
// which the kernel reports as a crash with a backtrace.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/mm/heap_backend.h>

namespace cairn::mm {

class TlsfHeap {
 public:
  static constexpr std::size_t kMinAlignment = 16;  // x86_64 ABI: malloc is 16-aligned
  static constexpr std::size_t kMinRegionBytes = 64 * 1024;
  static constexpr std::size_t kMaxRequest = std::size_t{1} << 36;  // 64 GiB

  explicit constexpr TlsfHeap(PageSource source) : source_(source) {}
  TlsfHeap(const TlsfHeap&) = delete;
  TlsfHeap& operator=(const TlsfHeap&) = delete;
  // No destructor on purpose: the kernel's heap lives for the whole run, and free()
  // calls made after static destructors (stdio clean-up) must still work. Owners that
  // want their pages back free everything and call trim().

  // nullptr when the source is exhausted or size > kMaxRequest. Size 0 gives a unique
  // minimum block.
  void* allocate(std::size_t size);
  // `alignment` must be a power of two (nullptr otherwise); up to kMaxRequest.
  void* allocate_aligned(std::size_t alignment, std::size_t size);
  // nullptr is fine. Anything else not from this heap, or freed twice, may trap.
  void free(void* p);
  // realloc: p == nullptr allocates; otherwise grows or shrinks in place when the next
  // block allows, else moves. On failure returns nullptr and p is unchanged and valid.
  // Size 0 is a minimum-size request: p is kept (shrunk if its tail can be split off)
  // and returned, never freed, so nullptr always means failure. A front end that
  // wants glibc's "free and return NULL" does that itself.
  void* reallocate(void* p, std::size_t size);
  std::size_t usable_size(const void* p) const;  // p from this heap: >= the size asked for
  HeapStats stats() const;
  // Returns the spare region (if any) to the source; the number of bytes returned.
  std::size_t trim();
  // Walks every region, block and free list and verifies the invariants: headers
  // consistent with neighbours, no two free neighbours, each free block on exactly the
  // list of its class, bitmaps matching the lists, statistics adding up.
  bool check() const;

 private:
  struct Block;
  struct Region;

  // Index constants (see the top of the file).
  static constexpr unsigned kAlignLog2 = 4;
  static constexpr unsigned kSlLog2 = 5;  // 32 second-level classes per power of two
  static constexpr unsigned kSlCount = 1u << kSlLog2;
  // Below 2^kFlShift (512) the classes are linear, 16 bytes apart, all in first level 0.
  static constexpr unsigned kFlShift = kSlLog2 + kAlignLog2;
  static constexpr unsigned kFlMax = 38;  // blocks are smaller than 2^38 (256 GiB)
  static constexpr unsigned kFlCount = kFlMax - kFlShift + 1;

  struct Index {
    unsigned fl, sl;
  };
  static Index index_of(std::size_t size);                 // the class a block of `size` is on
  static Index index_at_least(std::size_t size);           // first class whose blocks all fit
  static std::size_t block_size_for(std::size_t request);  // request <= kMaxRequest

  void insert_free(Block* b);
  void remove_free(Block* b);
  void unlink(Block* b, Index i);       // b is on list i
  Block* pop(Index i);                  // the head of non-empty list i
  Block* find_free(std::size_t size);   // removed from its list, or nullptr
  Block* take_block(std::size_t size);  // find_free, else a new region
  Block* grow(std::size_t size);
  void release_region(Block* whole);
  void* use(Block* b, std::size_t size);        // marks used, splits off the tail
  void split_tail(Block* b, std::size_t size);  // b is used; a big enough tail is freed
  void free_block(Block* b);                    // merges, then lists or releases
  bool check_lists(std::size_t free_blocks) const;

  PageSource source_;
  Region* regions_ = nullptr;
  Block* spare_ = nullptr;  // a free block spanning a whole region, kept on purpose
  std::uint32_t fl_bitmap_ = 0;
  std::uint32_t sl_bitmap_[kFlCount] = {};
  Block* heads_[kFlCount][kSlCount] = {};
  std::size_t bytes_from_pages_ = 0;
  std::size_t bytes_in_use_ = 0;
  std::size_t bytes_free_ = 0;  // usable sizes of free blocks
  std::size_t allocations_ = 0;
  std::size_t regions_count_ = 0;
};

}  // namespace cairn::mm
