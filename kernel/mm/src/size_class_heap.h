// SizeClassHeap: Cairn's fast general-purpose allocator core (CONFIG_HEAP_FAST), in the
// style of mimalloc and tcmalloc: size classes served from spans of pages.
//
// Small requests (up to kMaxSmallSize, 32 KiB) are rounded up to one of 44 size classes:
// 16 bytes apart up to 256, then four per power of two (steps of 12.5-25%) up to 32 KiB.
// A span is a run of pages cut into equal slots of one class. Each span keeps its own
// intrusive free list (the first word of a free slot points at the next) plus a "bump"
// region of slots never handed out, so a fresh span is not written before it is used.
// Every class has a list of spans that still have free slots; its head is `current`:
//
//   allocate: class = table[size]; p = current->free; current->free = *p;
//   free:     span = page_map[p >> 12]; *p = span->free; span->free = p;
//
// plus a counter update and one predictable branch each way; everything else (a span
// running dry, a full span getting a slot back, a span going empty) is a slow path.
//
// free() finds a pointer's span without a per-object header through a page map: a radix
// tree keyed by page number (4 levels of 512 entries, the top one inside this object,
// the rest pages from the PageSource), the same shape as x86_64 page tables, covering a
// 48-bit address space. Every page of a span maps to its descriptor; a large block maps
// the page its pointer is on. Span descriptors (64 bytes) live apart from the spans, in
// descriptor pages, so spans are exact page multiples and slots are naturally aligned.
//
// Large requests (above 32 KiB, or aligned above a page) are page runs taken straight
// from the PageSource, described by a descriptor, and given back by free() at once.
//
// Retention (bounded): a span that goes empty is returned to the source unless it is
// its class's only empty span, which is kept (at the back of the class's list) so an
// allocate/free loop at a span boundary does not take and give pages on every call.
// Likewise at most one empty descriptor page is kept. Page-map nodes are kept for the
// heap's lifetime (8 bytes per 4 KiB page of address range ever used, ~0.2%). trim()
// returns the cached spans and descriptor pages; an allocation that finds the source
// exhausted calls it and retries, so cached memory never causes a failure.
//
// Threads: the core is single-threaded (heap_backend.h). The plan for SMP is a
// per-thread (per-CPU) ThreadCache in front of it: per class, a short singly linked
// list of free slots, popped and pushed without a lock, refilled from and flushed to
// this heap in batches under its lock. Because every slot goes back to its own span's
// free list here, a slot freed by a thread other than the one that allocated it needs
// no special handling. See docs/memory.md.
//
// Invalid frees: a pointer this heap does not own traps (__builtin_trap). A double free
// or a pointer into the middle of a slot is not detected on the fast path; check()
// finds the damage afterwards.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/mm/heap_backend.h>

namespace cairn::mm {

class SizeClassHeap {
 public:
  static constexpr std::size_t kMinAlignment = 16;  // x86_64 ABI: malloc is 16-aligned
  static constexpr std::size_t kMaxSmallSize = 32 * 1024;
  static constexpr unsigned kClassCount = 44;
  // Requests and alignments above this fail; it bounds every size computation, so no
  // arithmetic on a request can overflow.
  static constexpr std::size_t kMaxRequest = std::size_t{1} << 40;  // 1 TiB

  explicit constexpr SizeClassHeap(PageSource source) : source_(source) {
    for (ClassState& c : classes_) c.current = &no_span_;
  }
  SizeClassHeap(const SizeClassHeap&) = delete;
  SizeClassHeap& operator=(const SizeClassHeap&) = delete;
  // No destructor on purpose (as TlsfHeap): the kernel heap lives for the whole run and
  // free() must keep working after static destructors. Owners that want their pages
  // back free everything, call trim() and reclaim the page-map nodes with the source.

  // nullptr when the source is exhausted or size > kMaxRequest. Size 0 gives a unique
  // minimum (16-byte) block.
  void* allocate(std::size_t size);
  // `alignment` must be a power of two no larger than kMaxRequest (nullptr otherwise).
  // Up to a page it is met by a size class whose slots are multiples of it; above, by a
  // large block placed at an aligned offset inside a bigger run.
  void* allocate_aligned(std::size_t alignment, std::size_t size);
  // nullptr is fine. A pointer this heap did not hand out traps when the page map shows
  // it; a double free is undefined (check() reports it later).
  void free(void* p);
  // realloc: p == nullptr allocates. Stays in place when the new size maps to the same
  // size class (or, for a large block, the same number of pages); otherwise moves. A
  // shrink that cannot move stays in place. On failure returns nullptr and p is
  // unchanged. Size 0 is the minimum block, never a free: nullptr always means failure.
  void* reallocate(void* p, std::size_t size);
  std::size_t usable_size(const void* p) const;  // >= the size asked for
  HeapStats stats() const;
  // Returns cached empty spans and descriptor pages to the source; the bytes returned.
  std::size_t trim();
  // Verifies every invariant: class lists (links, membership, fullness), each span's
  // free list (in bounds, on slot boundaries, no cycles, counts adding up), at most one
  // empty span per class, the page map for every span and large block, descriptor
  // pages, and that statistics and page counts add up. For tests and fuzzers.
  bool check() const;

  // The size class a small request falls in, and that class's slot size (for tests).
  static unsigned class_of(std::size_t size);  // size <= kMaxSmallSize
  static std::size_t class_size(unsigned cls);
  static std::size_t class_span_pages(unsigned cls);

 private:
  enum class Kind : std::uint8_t { kSmall, kLarge };

  // One per span or large block, in a descriptor page; exactly one cache line.
  struct Span {
    void* free;          // small: free slots; large: the pointer handed out
    std::uint32_t used;  // small: live slots
    std::uint32_t slot_size;
    std::uint32_t capacity;  // slots in the span
    std::uint32_t bumped;    // slots ever handed out: [0, bumped) were carved
    char* start;             // first page of the run
    std::size_t pages;       // length of the run
    Span* next;              // class list (small) or the large list
    Span* prev;
    std::uint8_t cls;
    Kind kind;
    bool in_full;  // on the class's full list (no free slot), not the available one
  };
  static_assert(sizeof(Span) == 64);

  struct ClassState {
    Span* current = nullptr;    // head of `available`, or &no_span_ (its free is null)
    Span* available = nullptr;  // spans with free slots (only the head may have run dry)
    Span* available_tail = nullptr;
    Span* full = nullptr;        // spans with every slot in use
    Span* last_empty = nullptr;  // the span that went empty last (maybe reused since)
  };

  // Page map nodes: 512 entries each, one page.
  struct Leaf {
    Span* span[512];
  };
  struct Mid {
    Leaf* leaf[512];
  };
  struct Top {
    Mid* mid[512];
  };

  struct DescriptorPage;

  // Read, never written: `current` of a class with no span points here so the fast path
  // needs no null check.
  static inline Span no_span_{};

  Span* span_of(const void* p) const;
  void* allocate_small(unsigned cls);
  void* refill(ClassState& c, unsigned cls);  // current->free non-empty, or nullptr
  void span_gained_room(Span* s);             // slow path of free
  Span* new_span(unsigned cls);
  void release_span(Span* s);
  void* allocate_large(std::size_t size, std::size_t alignment);
  void free_large(Span* d, void* p);

  void* take_pages(std::size_t pages);  // trims and retries once when the source is dry
  void give_pages(void* run, std::size_t pages);
  bool map(std::uintptr_t first_page, std::size_t pages, Span* s);  // may allocate nodes
  void unmap(std::uintptr_t first_page, std::size_t pages);
  Span* new_descriptor();
  void free_descriptor(Span* d);
  void release_descriptor_page(DescriptorPage* page);

  static void push_back(ClassState& c, Span* s);
  static void push_front(ClassState& c, Span* s);
  static void unlink_available(ClassState& c, Span* s);
  bool check_span(const Span* s, std::size_t* live_bytes) const;

  PageSource source_;
  ClassState classes_[kClassCount] = {};
  Span* large_ = nullptr;                  // large blocks, doubly linked
  DescriptorPage* descriptors_ = nullptr;  // descriptor pages with a free descriptor
  DescriptorPage* descriptors_full_ = nullptr;
  std::size_t bytes_in_use_ = 0;
  std::size_t allocations_ = 0;
  std::size_t pages_held_ = 0;  // everything: spans, large runs, descriptors, nodes
  std::size_t node_pages_ = 0;  // page-map nodes (kept)
  std::size_t descriptor_pages_ = 0;
  Top* root_[512] = {};  // page map: bits 47..39 of the address
};

}  // namespace cairn::mm
