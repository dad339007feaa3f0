#include "page_tree.h"

#include <cerrno>
#include <cstring>
#include <new>

namespace cairn::vfs::ramfs {

namespace {

std::byte* allocate_page() {
  auto* page = new (std::nothrow) std::byte[PageTree::kPageSize];
  if (page) std::memset(page, 0, PageTree::kPageSize);
  return page;
}

}  // namespace

PageTree::~PageTree() {
  if (root_) free_subtree(root_, height_);
}

void PageTree::free_subtree(void* node, unsigned height) {
  if (height == 0) {
    delete[] static_cast<std::byte*>(node);
    --pages_;
    return;
  }
  auto* n = static_cast<Node*>(node);
  for (void* slot : n->slots)
    if (slot) free_subtree(slot, height - 1);
  delete n;
}

std::byte* PageTree::find(std::uint64_t index) const {
  if (index >= capacity(height_)) return nullptr;
  void* node = root_;
  for (unsigned level = height_; level > 0 && node; --level) {
    std::size_t slot = (index >> (kBits * (level - 1))) & (kFanout - 1);
    node = static_cast<Node*>(node)->slots[slot];
  }
  return static_cast<std::byte*>(node);
}

Result<std::byte*> PageTree::get_or_allocate(std::uint64_t index) {
  if (index >= kMaxPages) return Error(EFBIG, "file too large");
  while (index >= capacity(height_)) {
    // Grow: the old root becomes slot 0 of a new root.
    if (root_) {
      Node* top = new (std::nothrow) Node{};
      if (!top) return Error(ENOSPC, "out of memory");
      top->slots[0] = root_;
      root_ = top;
    }
    ++height_;
  }
  void** slot = &root_;
  for (unsigned level = height_; level > 0; --level) {
    if (!*slot) {
      *slot = new (std::nothrow) Node{};
      if (!*slot) return Error(ENOSPC, "out of memory");
    }
    std::size_t i = (index >> (kBits * (level - 1))) & (kFanout - 1);
    slot = &static_cast<Node*>(*slot)->slots[i];
  }
  if (!*slot) {
    *slot = allocate_page();
    if (!*slot) return Error(ENOSPC, "out of memory");
    ++pages_;
  }
  return static_cast<std::byte*>(*slot);
}

bool PageTree::trim(void*& node, unsigned height, std::uint64_t base, std::uint64_t first) {
  if (!node) return true;
  if (first <= base) {
    free_subtree(node, height);
    node = nullptr;
    return true;
  }
  if (height == 0) return false;
  auto* n = static_cast<Node*>(node);
  std::uint64_t span = std::uint64_t{1} << (kBits * (height - 1));
  bool empty = true;
  for (std::size_t i = 0; i < kFanout; ++i) {
    std::uint64_t child_base = base + i * span;
    if (child_base + span > first && n->slots[i]) trim(n->slots[i], height - 1, child_base, first);
    if (n->slots[i]) empty = false;
  }
  if (empty) {
    delete n;
    node = nullptr;
  }
  return empty;
}

void PageTree::free_from(std::uint64_t first) {
  if (!root_ || first >= capacity(height_)) return;
  trim(root_, height_, 0, first);
  if (!root_) height_ = 0;
}

}  // namespace cairn::vfs::ramfs
