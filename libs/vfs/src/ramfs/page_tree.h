// The pages of a sparse file: a radix tree of 512-way nodes (the x86-64 page-table
// shape) indexed by page number. Missing pages are holes; the tree grows in height as
// the file does, so a small file costs one node and a 1 TiB sparse file a handful.
// Not thread-safe: the owner locks.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/result.h>

namespace cairn::vfs::ramfs {

class PageTree {
 public:
  static constexpr std::size_t kPageSize = 4096;
  static constexpr std::uint64_t kMaxPages = std::uint64_t{1} << 36;  // 256 TiB

  PageTree() = default;
  ~PageTree();
  PageTree(const PageTree&) = delete;
  PageTree& operator=(const PageTree&) = delete;

  // The page at `index`, or null for a hole.
  std::byte* find(std::uint64_t index) const;
  // The page at `index`, allocated (zeroed) when it was a hole. ENOSPC when memory is out,
  // EFBIG beyond kMaxPages.
  Result<std::byte*> get_or_allocate(std::uint64_t index);
  // Frees every page at `first` and beyond.
  void free_from(std::uint64_t first);
  std::uint64_t page_count() const { return pages_; }

 private:
  static constexpr unsigned kBits = 9;
  static constexpr std::size_t kFanout = std::size_t{1} << kBits;
  struct Node {
    void* slots[kFanout];
  };
  static std::uint64_t capacity(unsigned height) {
    return height == 0 ? 0 : std::uint64_t{1} << (kBits * height);
  }
  void free_subtree(void* node, unsigned height);
  // Frees pages >= first in a subtree covering [base, base + capacity(height)); true
  // when the subtree became empty (and was freed).
  bool trim(void*& node, unsigned height, std::uint64_t base, std::uint64_t first);

  void* root_ = nullptr;
  unsigned height_ = 0;  // 0: empty; 1: root is a node of page pointers
  std::uint64_t pages_ = 0;
};

}  // namespace cairn::vfs::ramfs
