#include "buddy.h"

#include <cstring>

namespace cairn::mm {
namespace {

int order_for(std::size_t pages) {
  int order = 0;
  while ((std::size_t{1} << order) < pages) ++order;
  return order;
}

}  // namespace

void BuddyAllocator::init(std::uintptr_t base, std::uintptr_t end, std::uint8_t* page_state) {
  base_ = base;
  end_ = end;
  state_ = page_state;
  std::memset(state_, kNotFreeHead, (end - base) / kPage);
  for (auto*& list : lists_) list = nullptr;
  free_pages_ = 0;
}

void BuddyAllocator::push(std::uintptr_t address, int order) {
  auto* block = reinterpret_cast<FreeBlock*>(address);
  block->prev = nullptr;
  block->next = lists_[order];
  if (block->next) block->next->prev = block;
  lists_[order] = block;
  state_[index(address)] = static_cast<std::uint8_t>(order);
}

void BuddyAllocator::remove(std::uintptr_t address, int order) {
  auto* block = reinterpret_cast<FreeBlock*>(address);
  if (block->prev)
    block->prev->next = block->next;
  else
    lists_[order] = block->next;
  if (block->next) block->next->prev = block->prev;
  state_[index(address)] = kNotFreeHead;
}

void BuddyAllocator::free_block(std::uintptr_t address, int order) {
  free_pages_ += std::size_t{1} << order;
  // Merge with the buddy while it is a free block of the same order.
  while (order < kMaxOrder) {
    std::uintptr_t buddy = address ^ (kPage << order);
    if (buddy < base_ || buddy + (kPage << order) > end_ || state_[index(buddy)] != order) break;
    remove(buddy, order);
    address = address < buddy ? address : buddy;
    ++order;
  }
  push(address, order);
}

void BuddyAllocator::free(std::uintptr_t address, std::size_t pages) {
  // Split the run into the largest aligned power-of-two blocks it contains.
  while (pages) {
    int order = 0;
    while (order < kMaxOrder && (address & ((kPage << (order + 1)) - 1)) == 0 &&
           (std::size_t{1} << (order + 1)) <= pages)
      ++order;
    free_block(address, order);
    address += kPage << order;
    pages -= std::size_t{1} << order;
  }
}

// Looks in page indexes [from, to) for `pages` contiguous free pages made of adjacent
// free blocks, hopping from block head to block head.
bool BuddyAllocator::find_run(std::size_t from, std::size_t to, std::size_t pages,
                              std::size_t* start, std::size_t* length) const {
  *start = from;
  *length = 0;
  for (std::size_t i = from; i < to;) {
    std::uint8_t order = state_[i];
    if (order == kNotFreeHead) {
      *length = 0;
      *start = ++i;
      continue;
    }
    *length += std::size_t{1} << order;
    i += std::size_t{1} << order;
    if (*length >= pages) return true;
  }
  return false;
}

// Takes `pages` contiguous free pages (next-fit over runs of adjacent free blocks) and
// frees what the last block holds beyond them.
std::uintptr_t BuddyAllocator::allocate_run(std::size_t pages) {
  std::size_t total = (end_ - base_) / kPage, start, length;
  if (cursor_ >= total) cursor_ = 0;
  // The cursor may point inside a free block that merged since; the scan then skips that
  // block's start, which the second pass from the beginning still covers.
  if (!find_run(cursor_, total, pages, &start, &length) &&
      !find_run(0, total, pages, &start, &length))
    return 0;
  std::uintptr_t address = base_ + start * kPage;
  std::size_t taken = 0;
  while (taken < length) {
    int order = state_[start + taken];
    remove(address + taken * kPage, order);
    taken += std::size_t{1} << order;
  }
  free_pages_ -= length;
  if (length > pages) free(address + pages * kPage, length - pages);
  cursor_ = start + pages;
  return address;
}

std::uintptr_t BuddyAllocator::allocate(std::size_t pages) {
  if (pages == 0 || pages > (end_ - base_) / kPage) return 0;
  if (pages >= kRunThreshold && (pages & (pages - 1))) return allocate_run(pages);
  int want = order_for(pages);
  int order = want;
  while (order <= kMaxOrder && !lists_[order]) ++order;
  if (order > kMaxOrder) return allocate_run(pages);
  std::uintptr_t block = reinterpret_cast<std::uintptr_t>(lists_[order]);
  remove(block, order);
  free_pages_ -= std::size_t{1} << order;
  while (order > want) {  // keep the front half, free the back half
    --order;
    push(block + (kPage << order), order);
    free_pages_ += std::size_t{1} << order;
  }
  std::size_t tail = (std::size_t{1} << want) - pages;
  if (tail) free(block + pages * kPage, tail);
  return block;
}

std::size_t BuddyAllocator::largest_free_block() const {
  for (int order = kMaxOrder; order >= 0; --order)
    if (lists_[order]) return std::size_t{1} << order;
  return 0;
}

bool BuddyAllocator::check() const {
  std::size_t counted = 0, heads = 0;
  for (int order = 0; order <= kMaxOrder; ++order) {
    const FreeBlock* prev = nullptr;
    for (const FreeBlock* b = lists_[order]; b; prev = b, b = b->next) {
      auto address = reinterpret_cast<std::uintptr_t>(b);
      if (b->prev != prev || address < base_ || address + (kPage << order) > end_) return false;
      if (address & ((kPage << order) - 1)) return false;  // aligned to its size
      if (state_[index(address)] != order) return false;
      // Its buddy, if it lies in the span, must not be a free block of the same order.
      std::uintptr_t buddy = address ^ (kPage << order);
      if (order < kMaxOrder && buddy >= base_ && buddy + (kPage << order) <= end_ &&
          state_[index(buddy)] == order)
        return false;
      counted += std::size_t{1} << order;
      ++heads;
    }
  }
  std::size_t marked = 0;
  for (std::size_t i = 0; i < (end_ - base_) / kPage; ++i) marked += state_[i] != kNotFreeHead;
  return counted == free_pages_ && marked == heads;
}

}  // namespace cairn::mm
