#include "free_ranges.h"

namespace cairn::memory {

void FreeRanges::erase(std::size_t i) {
  for (; i + 1 < count_; ++i) ranges_[i] = ranges_[i + 1];
  --count_;
}

bool FreeRanges::insert(std::size_t i, Range r) {
  if (count_ == kCapacity) return false;
  for (std::size_t j = count_; j > i; --j) ranges_[j] = ranges_[j - 1];
  ranges_[i] = r;
  ++count_;
  return true;
}

bool FreeRanges::add(std::uint64_t base, std::uint64_t end) {
  if (base >= end) return true;
  // Absorb every range that overlaps or touches [base, end), then insert the union.
  std::size_t i = 0;
  while (i < count_ && ranges_[i].end < base) ++i;
  while (i < count_ && ranges_[i].base <= end) {
    if (ranges_[i].base < base) base = ranges_[i].base;
    if (ranges_[i].end > end) end = ranges_[i].end;
    erase(i);
  }
  return insert(i, {base, end});
}

bool FreeRanges::remove(std::uint64_t base, std::uint64_t end) {
  if (base >= end) return true;
  // Only cutting a hole strictly inside one range needs a new slot; refuse that up
  // front when full, so a failed call changes nothing.
  if (count_ == kCapacity)
    for (std::size_t i = 0; i < count_; ++i)
      if (ranges_[i].base < base && end < ranges_[i].end) return false;
  for (std::size_t i = 0; i < count_;) {
    Range r = ranges_[i];
    if (r.end <= base || r.base >= end) {
      ++i;
      continue;
    }
    erase(i);
    // Keep the parts of r outside [base, end).
    if (r.base < base) {
      if (!insert(i, {r.base, base})) return false;
      ++i;
    }
    if (r.end > end) {
      if (!insert(i, {end, r.end})) return false;
      ++i;
    }
  }
  return true;
}

Range FreeRanges::largest() const {
  Range best = {0, 0};
  for (std::size_t i = 0; i < count_; ++i)
    if (ranges_[i].size() > best.size()) best = ranges_[i];
  return best;
}

std::uint64_t FreeRanges::total() const {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < count_; ++i) sum += ranges_[i].size();
  return sum;
}

}  // namespace cairn::memory
