// A set of free physical address ranges: RAM minus what is in use. Fixed capacity (it
// runs before any allocator exists). Host-tested in tests/unit/free_ranges_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::memory {

struct Range {
  std::uint64_t base;
  std::uint64_t end;  // exclusive
  std::uint64_t size() const { return end - base; }
};

class FreeRanges {
 public:
  static constexpr std::size_t kCapacity = 64;

  // Adds [base, end), merging with neighbours. Returns false, changing nothing, when
  // the range would need a new slot and the table is full.
  bool add(std::uint64_t base, std::uint64_t end);
  // Removes [base, end) from whatever ranges it overlaps. Returns false, changing
  // nothing, when the split would need a slot and the table is full.
  bool remove(std::uint64_t base, std::uint64_t end);
  // The largest range ({0, 0} when empty).
  Range largest() const;
  std::uint64_t total() const;
  std::size_t count() const { return count_; }
  const Range& operator[](std::size_t i) const { return ranges_[i]; }

 private:
  Range ranges_[kCapacity] = {};  // sorted by base, non-overlapping, non-adjacent
  std::size_t count_ = 0;
  void erase(std::size_t i);
  bool insert(std::size_t i, Range r);
};

}  // namespace cairn::memory
