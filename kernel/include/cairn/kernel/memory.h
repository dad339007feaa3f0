// Early physical memory: the RAM the boot protocol reports, minus the image, boot
// structures and modules. Boot-time allocations (page tables, stacks) come from here,
// and the rest becomes the C library's heap (sbrk). The page-frame allocator that
// replaces this with per-page accounting is tracked as [M3].
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/boot_info.h>
#include <cairn/kernel/result.h>

namespace cairn::memory {

inline constexpr std::uint64_t kPageSize = 4096;

void init(const BootInfo& info);

// Physically contiguous, zeroed, page-aligned memory that is never freed.
Result<void*> allocate_pages(std::size_t count);

// The heap: grows by `increment` bytes (may be negative); returns the old break, or an
// ENOMEM error when the heap region is exhausted.
Result<void*> sbrk(std::intptr_t increment);

struct Stats {
  std::uint64_t ram_total;   // bytes of RAM the boot protocol reported
  std::uint64_t heap_total;  // bytes available to sbrk
  std::uint64_t heap_used;   // bytes handed out by sbrk
  std::uint64_t boot_pages;  // bytes handed out by allocate_pages
};
Stats stats();

}  // namespace cairn::memory
