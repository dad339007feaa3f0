// TLSF heap: see tlsf.h for the structure and docs/memory.md for the bounds.
#include "tlsf.h"

#include <bit>
#include <cstring>

namespace cairn::mm {
namespace {

// Flags in the low bits of a block's size word (sizes are multiples of 16).
constexpr std::size_t kFree = 1;
constexpr std::size_t kPrevFree = 2;  // then prev_phys points at the previous block
constexpr std::size_t kFirst = 4;     // first block of its region: nothing precedes it
constexpr std::size_t kFlagMask = 15;

constexpr std::size_t kHeader = 16;      // prev_phys + size word, before the payload
constexpr std::size_t kSizeWord = 8;     // what a used block really costs: usable = size - 8
constexpr std::size_t kMinBlock = 32;    // a free block must hold its two list links
constexpr std::size_t kRegionHead = 16;  // Region::next, Region::prev
// Region head, plus the sentinel's 16 bytes at the end (the first block's prev_phys
// word holds Region::bytes).
constexpr std::size_t kRegionOverhead = kRegionHead + kHeader;

constexpr std::size_t align_up(std::size_t v, std::size_t a) { return (v + a - 1) & ~(a - 1); }

}  // namespace

struct TlsfHeap::Block {
  Block* prev_phys;  // valid only while kPrevFree is set
  std::size_t size_flags;
  Block* next_free;  // the free-list links: valid only while kFree is set
  Block* prev_free;

  std::size_t size() const { return size_flags & ~kFlagMask; }
  bool is_free() const { return size_flags & kFree; }
  bool prev_is_free() const { return size_flags & kPrevFree; }
  bool is_first() const { return size_flags & kFirst; }
  void set_size(std::size_t s) { size_flags = s | (size_flags & kFlagMask); }

  Block* at(std::size_t offset) {
    return reinterpret_cast<Block*>(reinterpret_cast<char*>(this) + offset);
  }
  Block* next() { return at(size()); }
  const Block* next() const { return const_cast<Block*>(this)->next(); }
  bool is_last() const { return next()->size() == 0; }  // the next one is the sentinel
  void* payload() { return reinterpret_cast<char*>(this) + kHeader; }
  static Block* of(const void* payload) {
    return reinterpret_cast<Block*>(const_cast<char*>(static_cast<const char*>(payload)) - kHeader);
  }

  // The next block's header mirrors this block's state (boundary tag).
  void mark_free() {
    size_flags |= kFree;
    Block* n = next();
    n->prev_phys = this;
    n->size_flags |= kPrevFree;
  }
  void mark_used() {
    size_flags &= ~kFree;
    next()->size_flags &= ~kPrevFree;
  }
};

struct TlsfHeap::Region {
  Region* next;
  Region* prev;
  std::size_t bytes;  // the same word as the first block's prev_phys (never used)

  Block* first() { return reinterpret_cast<Block*>(reinterpret_cast<char*>(this) + kRegionHead); }
  static Region* of(Block* first) {
    return reinterpret_cast<Region*>(reinterpret_cast<char*>(first) - kRegionHead);
  }
};

static_assert(sizeof(void*) == 8 && sizeof(std::size_t) == 8);
static_assert(kMinBlock >= kHeader + 2 * sizeof(void*));  // header and list links
static_assert(TlsfHeap::kMinAlignment == std::size_t{1} << 4);
static_assert(kMinBlock <= TlsfHeap::kMinRegionBytes);

// ---- Size classes -------------------------------------------------------------------

[[gnu::always_inline]] inline TlsfHeap::Index TlsfHeap::index_of(std::size_t size) {
  if (size < (std::size_t{1} << kFlShift)) return {0, static_cast<unsigned>(size >> kAlignLog2)};
  unsigned log2 = static_cast<unsigned>(std::bit_width(size)) - 1;
  unsigned sl = static_cast<unsigned>(size >> (log2 - kSlLog2)) ^ kSlCount;
  return {log2 - (kFlShift - 1), sl};
}

[[gnu::always_inline]] inline TlsfHeap::Index TlsfHeap::index_at_least(std::size_t size) {
  // Round up to the next class boundary: every block on that class's list is then at
  // least `size`, so its head can be taken without looking at it (good fit, O(1)).
  if (size >= (std::size_t{1} << kFlShift)) {
    unsigned log2 = static_cast<unsigned>(std::bit_width(size)) - 1;
    size += (std::size_t{1} << (log2 - kSlLog2)) - 1;
  }
  return index_of(size);
}

[[gnu::always_inline]] inline std::size_t TlsfHeap::block_size_for(std::size_t request) {
  std::size_t s = align_up(request + kSizeWord, kMinAlignment);
  return s < kMinBlock ? kMinBlock : s;
}

// ---- Free lists ---------------------------------------------------------------------

[[gnu::always_inline]] inline void TlsfHeap::insert_free(Block* b) {
  Index i = index_of(b->size());
  Block* head = heads_[i.fl][i.sl];
  b->next_free = head;
  b->prev_free = nullptr;
  if (head) head->prev_free = b;
  heads_[i.fl][i.sl] = b;
  fl_bitmap_ |= 1u << i.fl;
  sl_bitmap_[i.fl] |= 1u << i.sl;
  bytes_free_ += b->size() - kSizeWord;
}

[[gnu::always_inline]] inline void TlsfHeap::unlink(Block* b, Index i) {
  if (b->next_free) b->next_free->prev_free = b->prev_free;
  if (b->prev_free) {
    b->prev_free->next_free = b->next_free;
  } else {
    heads_[i.fl][i.sl] = b->next_free;
    if (!b->next_free) {
      sl_bitmap_[i.fl] &= ~(1u << i.sl);
      if (!sl_bitmap_[i.fl]) fl_bitmap_ &= ~(1u << i.fl);
    }
  }
  if (b == spare_) spare_ = nullptr;
  bytes_free_ -= b->size() - kSizeWord;
}

[[gnu::always_inline]] inline void TlsfHeap::remove_free(Block* b) {
  unlink(b, index_of(b->size()));
}

[[gnu::always_inline]] inline TlsfHeap::Block* TlsfHeap::pop(Index i) {
  Block* b = heads_[i.fl][i.sl];
  unlink(b, i);
  return b;
}

[[gnu::always_inline]] inline TlsfHeap::Block* TlsfHeap::find_free(std::size_t size) {
  Index i = index_at_least(size);
  if (i.fl < kFlCount) {
    std::uint32_t sl_map = sl_bitmap_[i.fl] & (~0u << i.sl);
    if (!sl_map) {
      // Nothing in this power of two: the smallest non-empty larger one.
      std::uint32_t fl_map = fl_bitmap_ & (~0u << (i.fl + 1));
      if (fl_map) {
        i.fl = static_cast<unsigned>(std::countr_zero(fl_map));
        sl_map = sl_bitmap_[i.fl];
      }
    }
    if (sl_map) return pop(Index{i.fl, static_cast<unsigned>(std::countr_zero(sl_map))});
  }
  // Rounding up skips blocks of the request's own class that are big enough; looking
  // at the head of that one list (still O(1)) often avoids growing the heap.
  Index own = index_of(size);
  if (own.fl < kFlCount && heads_[own.fl][own.sl] && heads_[own.fl][own.sl]->size() >= size)
    return pop(own);
  return nullptr;
}

// ---- Regions ------------------------------------------------------------------------

TlsfHeap::Block* TlsfHeap::grow(std::size_t size) {
  // size < 2^38 (callers bound it by kMaxRequest), so none of this can overflow.
  std::size_t need = align_up(size + kRegionOverhead, kPageSize) / kPageSize;
  std::size_t pages = need < kMinRegionBytes / kPageSize ? kMinRegionBytes / kPageSize : need;
  void* memory = source_.allocate(source_.context, pages);
  if (!memory && pages != need) {
    pages = need;
    memory = source_.allocate(source_.context, pages);
  }
  if (!memory) return nullptr;

  auto* r = static_cast<Region*>(memory);
  r->bytes = pages * kPageSize;
  r->prev = nullptr;
  r->next = regions_;
  if (regions_) regions_->prev = r;
  regions_ = r;
  ++regions_count_;
  bytes_from_pages_ += r->bytes;

  Block* b = r->first();
  b->size_flags = (r->bytes - kRegionOverhead) | kFirst;
  b->next()->size_flags = 0;  // the sentinel: size 0, used
  b->mark_free();             // free but on no list: the caller takes it
  return b;
}

void TlsfHeap::release_region(Block* whole) {
  Region* r = Region::of(whole);
  if (r->prev)
    r->prev->next = r->next;
  else
    regions_ = r->next;
  if (r->next) r->next->prev = r->prev;
  --regions_count_;
  bytes_from_pages_ -= r->bytes;
  source_.free(source_.context, r, r->bytes / kPageSize);
}

std::size_t TlsfHeap::trim() {
  if (!spare_) return 0;
  Block* b = spare_;
  std::size_t bytes = Region::of(b)->bytes;
  remove_free(b);
  release_region(b);
  return bytes;
}

// ---- Blocks -------------------------------------------------------------------------

[[gnu::always_inline]] inline TlsfHeap::Block* TlsfHeap::take_block(std::size_t size) {
  Block* b = find_free(size);
  return b ? b : grow(size);
}

[[gnu::always_inline]] inline void TlsfHeap::split_tail(Block* b, std::size_t size) {
  std::size_t rest = b->size() - size;
  if (rest < kMinBlock) return;  // too small to be a block: stays with b
  Block* tail = b->at(size);
  b->set_size(size);
  tail->size_flags = rest;  // previous (b) used
  Block* after = tail->next();
  if (after->is_free()) {  // when b shrinks in place
    remove_free(after);
    tail->set_size(rest + after->size());
  }
  tail->mark_free();
  insert_free(tail);
}

[[gnu::always_inline]] inline void* TlsfHeap::use(Block* b, std::size_t size) {
  b->mark_used();
  split_tail(b, size);
  bytes_in_use_ += b->size() - kSizeWord;
  ++allocations_;
  return b->payload();
}

[[gnu::always_inline]] inline void TlsfHeap::free_block(Block* b) {
  if (b->prev_is_free()) {
    Block* prev = b->prev_phys;
    remove_free(prev);
    prev->set_size(prev->size() + b->size());
    b = prev;
  }
  Block* next = b->next();
  if (next->is_free()) {
    remove_free(next);
    b->set_size(b->size() + next->size());
  }
  b->mark_free();
  if (b->is_first() && b->is_last()) {
    // The whole region is free: keep one small one, give the rest back.
    if (!spare_ && Region::of(b)->bytes <= kMinRegionBytes) {
      insert_free(b);
      spare_ = b;
    } else {
      release_region(b);
    }
    return;
  }
  insert_free(b);
}

// ---- The interface ------------------------------------------------------------------

void* TlsfHeap::allocate(std::size_t size) {
  if (size > kMaxRequest) return nullptr;
  std::size_t block_size = block_size_for(size);
  Block* b = take_block(block_size);
  return b ? use(b, block_size) : nullptr;
}

void* TlsfHeap::allocate_aligned(std::size_t alignment, std::size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1))) return nullptr;  // not a power of two
  if (alignment <= kMinAlignment) return allocate(size);
  if (size > kMaxRequest || alignment > kMaxRequest) return nullptr;
  std::size_t block_size = block_size_for(size);
  // Room for the block and a leading gap that is either empty or a free block of its
  // own (at least kMinBlock): the gap is then under alignment + kMinBlock.
  Block* b = take_block(block_size + alignment + kMinBlock);
  if (!b) return nullptr;
  auto payload = reinterpret_cast<std::uintptr_t>(b->payload());
  std::size_t gap = align_up(payload, alignment) - payload;
  if (gap != 0 && gap < kMinBlock) gap = align_up(payload + kMinBlock, alignment) - payload;
  if (gap) {
    Block* aligned = b->at(gap);
    aligned->size_flags = (b->size() - gap) | kFree | kPrevFree;
    aligned->prev_phys = b;
    b->set_size(gap);  // keeps kFree and kFirst; its previous block is used
    insert_free(b);
    b = aligned;
  }
  return use(b, block_size);
}

void TlsfHeap::free(void* p) {
  if (!p) return;
  Block* b = Block::of(p);
  // Cheap detection of the common misuses; a trap becomes a crash report.
  if ((reinterpret_cast<std::uintptr_t>(p) & (kMinAlignment - 1)) || b->is_free() ||
      b->size() < kMinBlock)
    __builtin_trap();
  bytes_in_use_ -= b->size() - kSizeWord;
  --allocations_;
  free_block(b);
}

void* TlsfHeap::reallocate(void* p, std::size_t size) {
  if (!p) return allocate(size);
  if (size > kMaxRequest) return nullptr;
  Block* b = Block::of(p);
  if (b->is_free() || b->size() < kMinBlock) __builtin_trap();
  std::size_t block_size = block_size_for(size);
  std::size_t old_size = b->size();

  if (block_size <= old_size) {  // shrink in place
    split_tail(b, block_size);
    bytes_in_use_ -= old_size - b->size();
    return p;
  }
  Block* next = b->next();
  if (next->is_free() && old_size + next->size() >= block_size) {  // grow in place
    remove_free(next);
    b->set_size(old_size + next->size());
    b->next()->size_flags &= ~kPrevFree;
    split_tail(b, block_size);
    bytes_in_use_ += b->size() - old_size;
    return p;
  }
  if (void* q = allocate(size)) {
    std::memcpy(q, p, old_size - kSizeWord);
    free(p);
    return q;
  }
  // Out of memory: the free previous block (with the free next one) may still hold it.
  if (b->prev_is_free()) {
    Block* prev = b->prev_phys;
    std::size_t total = prev->size() + old_size + (next->is_free() ? next->size() : 0);
    if (total >= block_size) {
      remove_free(prev);
      if (next->is_free()) remove_free(next);
      std::memmove(prev->payload(), p, old_size - kSizeWord);
      prev->size_flags = total | (prev->size_flags & kFirst);  // used, previous used
      prev->next()->size_flags &= ~kPrevFree;
      split_tail(prev, block_size);
      bytes_in_use_ += prev->size() - old_size;
      return prev->payload();
    }
  }
  return nullptr;
}

std::size_t TlsfHeap::usable_size(const void* p) const { return Block::of(p)->size() - kSizeWord; }

HeapStats TlsfHeap::stats() const {
  std::size_t largest = 0;
  if (fl_bitmap_) {
    // The largest block is on the highest non-empty list; that list is short.
    unsigned fl = 31 - static_cast<unsigned>(std::countl_zero(fl_bitmap_));
    unsigned sl = 31 - static_cast<unsigned>(std::countl_zero(sl_bitmap_[fl]));
    for (const Block* b = heads_[fl][sl]; b; b = b->next_free)
      if (b->size() - kSizeWord > largest) largest = b->size() - kSizeWord;
  }
  return {bytes_in_use_, bytes_from_pages_, bytes_free_, largest, allocations_};
}

// ---- Verification -------------------------------------------------------------------

bool TlsfHeap::check() const {
  std::size_t regions = 0, from_pages = 0, in_use = 0, free_bytes = 0, used = 0, free_count = 0;
  bool spare_found = false;
  const Region* before = nullptr;
  for (Region* r = regions_; r; before = r, r = r->next) {
    if (++regions > regions_count_ || r->prev != before) return false;
    if (reinterpret_cast<std::uintptr_t>(r) % kPageSize || r->bytes % kPageSize ||
        r->bytes < kRegionOverhead + kMinBlock)
      return false;
    from_pages += r->bytes;
    const Block* sentinel =
        reinterpret_cast<const Block*>(reinterpret_cast<const char*>(r) + r->bytes - kHeader);
    const Block* prev = nullptr;
    const Block* b = r->first();
    while (b != sentinel) {
      std::size_t s = b->size();
      if (s < kMinBlock || s % kMinAlignment || b->is_first() != (prev == nullptr)) return false;
      if (s > static_cast<std::size_t>(reinterpret_cast<const char*>(sentinel) -
                                       reinterpret_cast<const char*>(b)))
        return false;
      bool prev_free = prev && prev->is_free();
      if (b->prev_is_free() != prev_free || (prev_free && b->prev_phys != prev)) return false;
      if (b->is_free()) {
        if (prev_free) return false;  // should have been merged
        ++free_count;
        free_bytes += s - kSizeWord;
        // On its class's list (the list walk below checks the rest).
        Index i = index_of(s);
        if (i.fl >= kFlCount) return false;
        if (b->prev_free ? b->prev_free->next_free != b : heads_[i.fl][i.sl] != b) return false;
        if (b->next_free && b->next_free->prev_free != b) return false;
        if (b->is_first() && b->is_last()) {  // a whole free region must be the spare
          if (b != spare_ || r->bytes > kMinRegionBytes) return false;
          spare_found = true;
        }
      } else {
        ++used;
        in_use += s - kSizeWord;
      }
      prev = b;
      b = b->next();
    }
    if (!prev || sentinel->size() != 0 || sentinel->is_free() || sentinel->is_first()) return false;
    if (sentinel->prev_is_free() != prev->is_free()) return false;
    if (prev->is_free() && sentinel->prev_phys != prev) return false;
  }
  if (regions != regions_count_ || from_pages != bytes_from_pages_ || in_use != bytes_in_use_ ||
      free_bytes != bytes_free_ || used != allocations_ || spare_found != (spare_ != nullptr))
    return false;
  return check_lists(free_count);
}

bool TlsfHeap::check_lists(std::size_t free_blocks) const {
  std::size_t listed = 0;
  if (fl_bitmap_ >> kFlCount) return false;
  for (unsigned fl = 0; fl < kFlCount; ++fl) {
    if (((fl_bitmap_ >> fl) & 1) != (sl_bitmap_[fl] != 0)) return false;
    if (!sl_bitmap_[fl]) {  // the common case, kept cheap (check() runs in the fuzzer)
      static constexpr Block* kNone[kSlCount] = {};
      if (std::memcmp(heads_[fl], kNone, sizeof kNone) != 0) return false;
      continue;
    }
    for (unsigned sl = 0; sl < kSlCount; ++sl) {
      const Block* head = heads_[fl][sl];
      if (((sl_bitmap_[fl] >> sl) & 1) != (head != nullptr)) return false;
      const Block* prev = nullptr;
      for (const Block* b = head; b; prev = b, b = b->next_free) {
        // The count bounds the walk, so a cycle cannot hang it.
        if (++listed > free_blocks || !b->is_free() || b->prev_free != prev) return false;
        Index i = index_of(b->size());
        if (i.fl != fl || i.sl != sl) return false;
        const Block* n = b->next();
        if (!n->prev_is_free() || n->prev_phys != b) return false;
      }
    }
  }
  // Every listed block is a distinct free block and there are as many as the walk found.
  return listed == free_blocks;
}

}  // namespace cairn::mm
