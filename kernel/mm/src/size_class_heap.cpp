// SizeClassHeap: see size_class_heap.h for the design.
#include "size_class_heap.h"

#include <cstring>
#include <new>

namespace cairn::mm {
namespace {

constexpr std::size_t kPageShift = 12;
static_assert(std::size_t{1} << kPageShift == kPageSize);

// Size-class lookup: 16-byte steps up to 1 KiB, 128-byte steps above (every class
// boundary above 1 KiB is a multiple of 256), as in tcmalloc. Two small tables instead
// of one 2 KiB table keep the lookup in a cache line or two.
constexpr std::size_t kSmallIndexLimit = 1024;
constexpr std::size_t kSmallIndexEntries = kSmallIndexLimit / 16 + 1;
constexpr std::size_t kLargeIndexEntries = SizeClassHeap::kMaxSmallSize / 128 + 1;

// A span holds at least 16 KiB and (up to 128 KiB) at least 8 slots, grown a page at a
// time until the tail that no slot fits in is at most 1/32 of it. Small spans keep the
// footprint of a program that touches many classes low (one span per class); the
// slot minimum keeps span turnover rare for the big classes.
constexpr std::size_t kMinSpanBytes = 16 * 1024;
constexpr std::size_t kMinSpanSlots = 8;
constexpr std::size_t kSlotTargetBytes = 128 * 1024;

struct ClassTables {
  std::uint32_t size[SizeClassHeap::kClassCount] = {};
  std::uint32_t pages[SizeClassHeap::kClassCount] = {};
  std::uint32_t capacity[SizeClassHeap::kClassCount] = {};
  std::uint32_t batch[SizeClassHeap::kClassCount] = {};  // slots carved per refill
  std::uint32_t align[SizeClassHeap::kClassCount] = {};  // every slot is aligned to this
  std::uint8_t small_index[kSmallIndexEntries] = {};
  std::uint8_t large_index[kLargeIndexEntries] = {};
  unsigned count = 0;
};

constexpr ClassTables make_tables() {
  ClassTables t;
  unsigned n = 0;
  for (std::uint32_t s = 16; s <= 256; s += 16) t.size[n++] = s;
  for (std::uint32_t base = 256; base < SizeClassHeap::kMaxSmallSize; base *= 2) {
    for (std::uint32_t step = 1; step <= 4; ++step) t.size[n++] = base + base / 4 * step;
  }
  t.count = n;
  for (unsigned c = 0; c < n; ++c) {
    std::size_t slot = t.size[c];
    std::size_t want = slot * kMinSpanSlots;
    if (want > kSlotTargetBytes) want = kSlotTargetBytes;
    if (want < kMinSpanBytes) want = kMinSpanBytes;
    std::size_t pages = (want + kPageSize - 1) / kPageSize;
    while ((pages * kPageSize) % slot * 32 > pages * kPageSize) ++pages;
    t.pages[c] = static_cast<std::uint32_t>(pages);
    t.capacity[c] = static_cast<std::uint32_t>(pages * kPageSize / slot);
    std::size_t batch = kPageSize / slot;
    t.batch[c] = static_cast<std::uint32_t>(batch == 0 ? 1 : batch);
    std::size_t align = slot & (~slot + 1);  // lowest set bit; spans are page-aligned
    t.align[c] = static_cast<std::uint32_t>(align > kPageSize ? kPageSize : align);
  }
  unsigned c = 0;
  for (std::size_t i = 0; i < kSmallIndexEntries; ++i) {
    while (t.size[c] < i * 16) ++c;
    t.small_index[i] = static_cast<std::uint8_t>(c);
  }
  c = 0;
  for (std::size_t i = 0; i < kLargeIndexEntries; ++i) {
    while (t.size[c] < i * 128) ++c;
    t.large_index[i] = static_cast<std::uint8_t>(c);
  }
  return t;
}

constexpr ClassTables kTables = make_tables();
static_assert(kTables.count == SizeClassHeap::kClassCount);
static_assert(kTables.size[SizeClassHeap::kClassCount - 1] == SizeClassHeap::kMaxSmallSize);

constexpr std::size_t kNodeEntries = 512;                     // page-map fan-out: 9 bits a level
constexpr unsigned kDescriptorsPerPage = kPageSize / 64 - 1;  // slot 0 is the header

inline std::uintptr_t page_of(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) >> kPageShift;
}

inline void*& next_of(void* slot) { return *static_cast<void**>(slot); }

}  // namespace

// A page of span descriptors; this header takes the first 64-byte slot.
struct SizeClassHeap::DescriptorPage {
  DescriptorPage* next;
  DescriptorPage* prev;
  Span* free;            // freed descriptors, linked through Span::next
  std::uint32_t used;    // descriptors handed out
  std::uint32_t bumped;  // descriptors ever carved
  bool full;             // on descriptors_full_
  Span* slot(unsigned i) { return reinterpret_cast<Span*>(this) + 1 + i; }
};

unsigned SizeClassHeap::class_of(std::size_t size) {
  return size <= kSmallIndexLimit ? kTables.small_index[(size + 15) >> 4]
                                  : kTables.large_index[(size + 127) >> 7];
}
std::size_t SizeClassHeap::class_size(unsigned cls) { return kTables.size[cls]; }
std::size_t SizeClassHeap::class_span_pages(unsigned cls) { return kTables.pages[cls]; }

// ---- The fast paths -----------------------------------------------------------------

inline SizeClassHeap::Span* SizeClassHeap::span_of(const void* p) const {
  std::uintptr_t page = page_of(p);
  if (page >> 36) return nullptr;  // beyond 48 bits: never ours
  const Top* top = root_[page >> 27];
  if (!top) return nullptr;
  const Mid* mid = top->mid[(page >> 18) & (kNodeEntries - 1)];
  if (!mid) return nullptr;
  const Leaf* leaf = mid->leaf[(page >> 9) & (kNodeEntries - 1)];
  if (!leaf) return nullptr;
  return leaf->span[page & (kNodeEntries - 1)];
}

inline void* SizeClassHeap::allocate_small(unsigned cls) {
  ClassState& c = classes_[cls];
  Span* s = c.current;
  void* p = s->free;
  if (!p) [[unlikely]] {
    p = refill(c, cls);
    if (!p) return nullptr;
    s = c.current;
  }
  s->free = next_of(p);
  ++s->used;
  bytes_in_use_ += s->slot_size;
  ++allocations_;
  return p;
}

void* SizeClassHeap::allocate(std::size_t size) {
  if (size <= kMaxSmallSize) [[likely]]
    return allocate_small(class_of(size));
  return allocate_large(size, kPageSize);
}

void SizeClassHeap::free(void* p) {
  if (!p) return;
  Span* s = span_of(p);
  if (!s) [[unlikely]]
    __builtin_trap();  // not a pointer this heap handed out
  if (s->kind == Kind::kSmall) [[likely]] {
    next_of(p) = s->free;
    s->free = p;
    bytes_in_use_ -= s->slot_size;
    --allocations_;
    if (--s->used == 0 || s->in_full) [[unlikely]]
      span_gained_room(s);
    return;
  }
  free_large(s, p);
}

// ---- Class lists ----------------------------------------------------------------------

void SizeClassHeap::push_front(ClassState& c, Span* s) {
  s->prev = nullptr;
  s->next = c.available;
  if (c.available)
    c.available->prev = s;
  else
    c.available_tail = s;
  c.available = s;
  c.current = s;
}

void SizeClassHeap::push_back(ClassState& c, Span* s) {
  s->next = nullptr;
  s->prev = c.available_tail;
  if (c.available_tail)
    c.available_tail->next = s;
  else
    c.available = s;
  c.available_tail = s;
  c.current = c.available;
}

void SizeClassHeap::unlink_available(ClassState& c, Span* s) {
  (s->prev ? s->prev->next : c.available) = s->next;
  (s->next ? s->next->prev : c.available_tail) = s->prev;
  c.current = c.available ? c.available : &no_span_;
}

// Makes c.current's free list non-empty and returns its head: carves never-used slots
// from the current span, or retires a span that ran dry to the full list and moves on,
// or takes a new span. nullptr when no memory is left.
void* SizeClassHeap::refill(ClassState& c, unsigned cls) {
  for (;;) {
    Span* s = c.current;
    if (s == &no_span_) {
      s = new_span(cls);
      if (!s) return nullptr;
      push_front(c, s);
    }
    if (s->free) return s->free;
    if (s->bumped < s->capacity) {
      // Carve a page's worth at a time: a new span's memory is first written when it is
      // about to be used, never all at once.
      std::uint32_t n = s->capacity - s->bumped;
      if (n > kTables.batch[cls]) n = kTables.batch[cls];
      char* first = s->start + std::size_t{s->bumped} * s->slot_size;
      char* q = first;
      for (std::uint32_t i = 1; i < n; ++i, q += s->slot_size) next_of(q) = q + s->slot_size;
      next_of(q) = nullptr;
      s->bumped += n;
      s->free = first;
      return first;
    }
    unlink_available(c, s);
    s->in_full = true;
    s->prev = nullptr;
    s->next = c.full;
    if (c.full) c.full->prev = s;
    c.full = s;
  }
}

// free() made s a full span with a free slot, or an empty span (or both).
void SizeClassHeap::span_gained_room(Span* s) {
  ClassState& c = classes_[s->cls];
  if (s->in_full) {
    (s->prev ? s->prev->next : c.full) = s->next;
    if (s->next) s->next->prev = s->prev;
    s->in_full = false;
    // At the back: the current span keeps serving until it runs dry, instead of the
    // span bouncing between the lists on every allocate/free pair.
    push_back(c, s);
  }
  if (s->used != 0) return;
  // Only the span that went empty last can be empty (spans reach used == 0 only here),
  // so this test is the whole "at most one empty span per class" policy.
  Span* e = c.last_empty;
  if (e && e != s && e->used == 0) {
    release_span(s);
    return;
  }
  c.last_empty = s;
  // Last in line: partially used spans fill up first, which keeps this one clean for
  // reuse (and whole for release).
  if (c.available_tail != s) {
    unlink_available(c, s);
    push_back(c, s);
  }
}

SizeClassHeap::Span* SizeClassHeap::new_span(unsigned cls) {
  Span* s = new_descriptor();
  if (!s) return nullptr;
  std::size_t pages = kTables.pages[cls];
  char* run = static_cast<char*>(take_pages(pages));
  if (!run) {
    free_descriptor(s);
    return nullptr;
  }
  new (s) Span{};
  s->slot_size = kTables.size[cls];
  s->capacity = kTables.capacity[cls];
  s->start = run;
  s->pages = pages;
  s->cls = static_cast<std::uint8_t>(cls);
  s->kind = Kind::kSmall;
  if (!map(page_of(run), pages, s)) {
    give_pages(run, pages);
    free_descriptor(s);
    return nullptr;
  }
  return s;
}

// s is empty and on its class's available list.
void SizeClassHeap::release_span(Span* s) {
  ClassState& c = classes_[s->cls];
  unlink_available(c, s);
  if (c.last_empty == s) c.last_empty = nullptr;
  unmap(page_of(s->start), s->pages);
  give_pages(s->start, s->pages);
  free_descriptor(s);
}

// ---- Aligned, large, realloc ------------------------------------------------------------

void* SizeClassHeap::allocate_aligned(std::size_t alignment, std::size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > kMaxRequest)
    return nullptr;
  if (alignment <= kMinAlignment) return allocate(size);
  if (alignment <= kPageSize && size <= kMaxSmallSize) {
    // Slots of a class are multiples of its size from a page-aligned start, so a class
    // whose size is a multiple of the alignment aligns every slot. The 4 KiB class
    // always qualifies, so this search is short and cannot fail.
    for (unsigned cls = class_of(size); cls < kClassCount; ++cls) {
      if (kTables.align[cls] >= alignment) return allocate_small(cls);
    }
  }
  return allocate_large(size, alignment < kPageSize ? kPageSize : alignment);
}

// A run of whole pages; alignment is a power of two, at least a page. An alignment above
// a page takes alignment/page - 1 extra pages and places the block at the aligned page
// inside the run (the run is given back whole).
void* SizeClassHeap::allocate_large(std::size_t size, std::size_t alignment) {
  if (size > kMaxRequest || alignment > kMaxRequest) return nullptr;
  std::size_t pages = (size + kPageSize - 1) >> kPageShift;
  if (pages == 0) pages = 1;
  std::size_t total = pages + (alignment >> kPageShift) - 1;  // <= 2^29: no overflow
  Span* d = new_descriptor();
  if (!d) return nullptr;
  char* run = static_cast<char*>(take_pages(total));
  if (!run) {
    free_descriptor(d);
    return nullptr;
  }
  std::uintptr_t block = (reinterpret_cast<std::uintptr_t>(run) + alignment - 1) & ~(alignment - 1);
  if (!map(block >> kPageShift, 1, d)) {
    give_pages(run, total);
    free_descriptor(d);
    return nullptr;
  }
  new (d) Span{};
  d->free = reinterpret_cast<void*>(block);
  d->start = run;
  d->pages = total;
  d->kind = Kind::kLarge;
  d->next = large_;
  if (large_) large_->prev = d;
  large_ = d;
  bytes_in_use_ += reinterpret_cast<std::uintptr_t>(run) + (total << kPageShift) - block;
  ++allocations_;
  return d->free;
}

void SizeClassHeap::free_large(Span* d, void* p) {
  if (d->free != p) __builtin_trap();  // inside a large block, not its start
  bytes_in_use_ -= reinterpret_cast<std::uintptr_t>(d->start) + (d->pages << kPageShift) -
                   reinterpret_cast<std::uintptr_t>(p);
  --allocations_;
  (d->prev ? d->prev->next : large_) = d->next;
  if (d->next) d->next->prev = d->prev;
  unmap(page_of(p), 1);
  give_pages(d->start, d->pages);
  free_descriptor(d);
}

std::size_t SizeClassHeap::usable_size(const void* p) const {
  const Span* s = p ? span_of(p) : nullptr;
  if (!s) return 0;
  if (s->kind == Kind::kSmall) return s->slot_size;
  if (s->free != p) return 0;
  return reinterpret_cast<std::uintptr_t>(s->start) + (s->pages << kPageShift) -
         reinterpret_cast<std::uintptr_t>(p);
}

void* SizeClassHeap::reallocate(void* p, std::size_t size) {
  if (!p) return allocate(size);
  Span* s = span_of(p);
  if (!s) __builtin_trap();
  std::size_t old_size;
  if (s->kind == Kind::kSmall) {
    if (size <= kMaxSmallSize && class_of(size) == s->cls) return p;
    old_size = s->slot_size;
  } else {
    old_size = usable_size(p);
    if (old_size == 0) __builtin_trap();
    // Same number of pages: nothing to gain by moving (a run cannot be split or grown).
    if (size > kMaxSmallSize && size <= old_size && old_size - size < kPageSize) return p;
  }
  void* q = allocate(size);
  if (!q) return size <= old_size ? p : nullptr;  // a shrink never fails
  std::memcpy(q, p, size < old_size ? size : old_size);
  free(p);
  return q;
}

// ---- Pages, the page map, descriptors ---------------------------------------------------

void* SizeClassHeap::take_pages(std::size_t pages) {
  void* run = source_.allocate(source_.context, pages);
  // Cached memory must never make an allocation fail: give it back and try again.
  if (!run && trim() != 0) run = source_.allocate(source_.context, pages);
  if (run) pages_held_ += pages;
  return run;
}

void SizeClassHeap::give_pages(void* run, std::size_t pages) {
  pages_held_ -= pages;
  source_.free(source_.context, run, pages);
}

// Creates the nodes for every leaf the range touches first, then fills the entries, so
// a failure leaves no half-mapped range (nodes made on the way are simply kept).
bool SizeClassHeap::map(std::uintptr_t first_page, std::size_t pages, Span* s) {
  const std::uintptr_t end = first_page + pages;
  if (end > (std::uintptr_t{1} << 36)) return false;
  for (std::uintptr_t page = first_page; page < end; page = (page | (kNodeEntries - 1)) + 1) {
    Top*& top = root_[page >> 27];
    if (!top) {
      void* page = take_pages(1);
      if (!page) return false;
      top = new (page) Top{};  // pages are not zeroed
      ++node_pages_;
    }
    Mid*& mid = top->mid[(page >> 18) & (kNodeEntries - 1)];
    if (!mid) {
      void* page = take_pages(1);
      if (!page) return false;
      mid = new (page) Mid{};  // pages are not zeroed
      ++node_pages_;
    }
    Leaf*& leaf = mid->leaf[(page >> 9) & (kNodeEntries - 1)];
    if (!leaf) {
      void* page = take_pages(1);
      if (!page) return false;
      leaf = new (page) Leaf{};  // pages are not zeroed
      ++node_pages_;
    }
  }
  for (std::uintptr_t page = first_page; page < end; ++page) {
    root_[page >> 27]
        ->mid[(page >> 18) & (kNodeEntries - 1)]
        ->leaf[(page >> 9) & (kNodeEntries - 1)]
        ->span[page & (kNodeEntries - 1)] = s;
  }
  return true;
}

void SizeClassHeap::unmap(std::uintptr_t first_page, std::size_t pages) {
  for (std::uintptr_t page = first_page; page < first_page + pages; ++page) {
    root_[page >> 27]
        ->mid[(page >> 18) & (kNodeEntries - 1)]
        ->leaf[(page >> 9) & (kNodeEntries - 1)]
        ->span[page & (kNodeEntries - 1)] = nullptr;
  }
}

SizeClassHeap::Span* SizeClassHeap::new_descriptor() {
  static_assert(sizeof(DescriptorPage) <= sizeof(Span));
  static_assert(sizeof(Span) * (kDescriptorsPerPage + 1) == kPageSize);
  if (!descriptors_) {
    auto* page = static_cast<DescriptorPage*>(take_pages(1));
    if (!page) return nullptr;
    ++descriptor_pages_;
    new (page) DescriptorPage{};
    // take_pages may have trimmed, which can put other pages on the list: link, not set.
    page->next = descriptors_;
    if (descriptors_) descriptors_->prev = page;
    descriptors_ = page;
  }
  DescriptorPage* page = descriptors_;
  Span* d = page->free;
  if (d)
    page->free = d->next;
  else
    d = page->slot(page->bumped++);
  if (++page->used == kDescriptorsPerPage) {
    descriptors_ = page->next;
    if (descriptors_) descriptors_->prev = nullptr;
    page->full = true;
    page->prev = nullptr;
    page->next = descriptors_full_;
    if (descriptors_full_) descriptors_full_->prev = page;
    descriptors_full_ = page;
  }
  return d;
}

void SizeClassHeap::free_descriptor(Span* d) {
  auto* page =
      reinterpret_cast<DescriptorPage*>(reinterpret_cast<std::uintptr_t>(d) & ~(kPageSize - 1));
  d->next = page->free;
  page->free = d;
  if (page->full) {
    (page->prev ? page->prev->next : descriptors_full_) = page->next;
    if (page->next) page->next->prev = page->prev;
    // A kept empty page is alone on the list, so at its head; now that this page has
    // room it is not needed.
    if (descriptors_ && descriptors_->used == 0) release_descriptor_page(descriptors_);
    page->full = false;
    page->prev = nullptr;
    page->next = descriptors_;
    if (descriptors_) descriptors_->prev = page;
    descriptors_ = page;
  }
  // An empty page is kept only while it is the one page with free descriptors.
  if (--page->used == 0 && (page != descriptors_ || page->next)) release_descriptor_page(page);
}

// page is empty and on descriptors_.
void SizeClassHeap::release_descriptor_page(DescriptorPage* page) {
  (page->prev ? page->prev->next : descriptors_) = page->next;
  if (page->next) page->next->prev = page->prev;
  --descriptor_pages_;
  give_pages(page, 1);
}

std::size_t SizeClassHeap::trim() {
  std::size_t before = pages_held_;
  for (ClassState& c : classes_) {
    if (c.last_empty && c.last_empty->used == 0) release_span(c.last_empty);
    c.last_empty = nullptr;
  }
  for (DescriptorPage* page = descriptors_; page;) {
    DescriptorPage* next = page->next;
    if (page->used == 0) release_descriptor_page(page);
    page = next;
  }
  return (before - pages_held_) << kPageShift;
}

// ---- Statistics and invariants -------------------------------------------------------------

HeapStats SizeClassHeap::stats() const {
  HeapStats st{};
  st.bytes_in_use = bytes_in_use_;
  st.bytes_from_pages = pages_held_ << kPageShift;
  st.bytes_free = st.bytes_from_pages - st.bytes_in_use;
  st.allocations = allocations_;
  // The largest free slot: only the head of a class's list may have run dry.
  for (unsigned cls = kClassCount; cls-- > 0;) {
    const Span* s = classes_[cls].available;
    if (s && (s->used < s->capacity || s->next)) {
      st.largest_free = s->slot_size;
      break;
    }
  }
  return st;
}

bool SizeClassHeap::check_span(const Span* s, std::size_t* live_bytes) const {
  const unsigned cls = s->cls;
  if (s->kind != Kind::kSmall || cls >= kClassCount) return false;
  if (s->slot_size != kTables.size[cls] || s->capacity != kTables.capacity[cls] ||
      s->pages != kTables.pages[cls])
    return false;
  if (reinterpret_cast<std::uintptr_t>(s->start) % kPageSize != 0) return false;
  if (s->bumped > s->capacity || s->used > s->bumped) return false;
  // The free list: exactly bumped - used slots, each on a slot boundary in the carved
  // prefix; a cycle (a double free) makes it longer than that and stops the walk.
  const std::size_t expected = s->bumped - s->used;
  const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(s->start);
  const std::uintptr_t carved_end = base + std::size_t{s->bumped} * s->slot_size;
  std::size_t count = 0;
  for (void* p = s->free; p; p = next_of(p)) {
    if (++count > expected) return false;
    auto a = reinterpret_cast<std::uintptr_t>(p);
    if (a < base || a >= carved_end || (a - base) % s->slot_size != 0) return false;
  }
  if (count != expected) return false;
  for (std::size_t i = 0; i < s->pages; ++i) {
    if (span_of(s->start + (i << kPageShift)) != s) return false;
  }
  *live_bytes += std::size_t{s->used} * s->slot_size;
  return true;
}

bool SizeClassHeap::check() const {
  if (no_span_.free || no_span_.used || no_span_.next) return false;
  std::size_t live_bytes = 0, live = 0, descriptors = 0, pages = 0, mapped = 0;
  const std::size_t limit = pages_held_ + 1;  // every span holds a page: bounds list walks
  for (unsigned cls = 0; cls < kClassCount; ++cls) {
    const ClassState& c = classes_[cls];
    if (c.current != (c.available ? c.available : &no_span_)) return false;
    std::size_t empty = 0, n = 0;
    bool last_empty_found = c.last_empty == nullptr;
    const Span* prev = nullptr;
    for (const Span* s = c.available; s; prev = s, s = s->next) {
      if (++n > limit || s->prev != prev || s->cls != cls || s->in_full) return false;
      if (s != c.available && s->used == s->capacity) return false;  // only the head runs dry
      if (!check_span(s, &live_bytes)) return false;
      if (s->used == 0 && (++empty > 1 || s != c.last_empty)) return false;
      last_empty_found |= s == c.last_empty;
      live += s->used;
      pages += s->pages;
      mapped += s->pages;
      ++descriptors;
    }
    if (c.available_tail != prev) return false;
    prev = nullptr;
    for (const Span* s = c.full; s; prev = s, s = s->next) {
      if (++n > limit || s->prev != prev || s->cls != cls || !s->in_full) return false;
      if (s->used != s->capacity || !check_span(s, &live_bytes)) return false;
      last_empty_found |= s == c.last_empty;
      live += s->used;
      pages += s->pages;
      mapped += s->pages;
      ++descriptors;
    }
    if (!last_empty_found) return false;
  }
  std::size_t n = 0;
  const Span* prev = nullptr;
  for (const Span* d = large_; d; prev = d, d = d->next) {
    if (++n > limit || d->prev != prev || d->kind != Kind::kLarge) return false;
    auto block = reinterpret_cast<std::uintptr_t>(d->free);
    auto start = reinterpret_cast<std::uintptr_t>(d->start);
    std::uintptr_t end = start + (d->pages << kPageShift);
    if (start % kPageSize != 0 || block % kPageSize != 0 || block < start || block >= end)
      return false;
    if (span_of(d->free) != d) return false;
    live_bytes += end - block;
    ++live;
    pages += d->pages;
    ++mapped;
    ++descriptors;
  }
  // Descriptor pages: the full ones are full, the others' free lists add up.
  std::size_t descriptor_pages = 0, descriptors_used = 0, empty_pages = 0;
  for (int list = 0; list < 2; ++list) {
    const DescriptorPage* prev_page = nullptr;
    for (const DescriptorPage* page = list ? descriptors_full_ : descriptors_; page;
         prev_page = page, page = page->next) {
      if (++descriptor_pages > limit || page->prev != prev_page || page->full != (list == 1))
        return false;
      if (page->used > page->bumped || page->bumped > kDescriptorsPerPage) return false;
      if (list == 1 && page->used != kDescriptorsPerPage) return false;
      if (list == 0 && page->used == kDescriptorsPerPage) return false;
      std::size_t free_count = 0;
      for (const Span* d = page->free; d; d = d->next) {
        if (++free_count > page->bumped - page->used) return false;
        if ((reinterpret_cast<std::uintptr_t>(d) & ~(kPageSize - 1)) !=
            reinterpret_cast<std::uintptr_t>(page))
          return false;
      }
      if (free_count != page->bumped - page->used) return false;
      descriptors_used += page->used;
      empty_pages += page->used == 0;
    }
  }
  if (empty_pages > 1 || descriptor_pages != descriptor_pages_ || descriptors_used != descriptors)
    return false;
  // The page map holds exactly the entries found above (each was checked to point at
  // its span), and its nodes are all counted.
  std::size_t nodes = 0, entries = 0;
  for (const Top* top : root_) {
    if (!top) continue;
    ++nodes;
    for (const Mid* mid : top->mid) {
      if (!mid) continue;
      ++nodes;
      for (const Leaf* leaf : mid->leaf) {
        if (!leaf) continue;
        ++nodes;
        for (const Span* s : leaf->span) entries += s != nullptr;
      }
    }
  }
  if (nodes != node_pages_ || entries != mapped) return false;
  return live_bytes == bytes_in_use_ && live == allocations_ &&
         pages + descriptor_pages_ + node_pages_ == pages_held_;
}

}  // namespace cairn::mm
