// Physical memory: every RAM region the boot protocol reports (above 4 GiB too), minus
// the image, boot structures and modules, managed in pages by a buddy allocator.
// Everything that needs memory -- page tables, stacks, TLS, the heap, mmap -- takes
// pages from here, and says who it is, so the statistics can tell where memory went.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/boot_info.h>
#include <cairn/kernel/result.h>

namespace cairn::memory {

inline constexpr std::uint64_t kPageSize = 4096;

enum class Owner { kPageTables, kStacks, kTls, kHeap, kMmap, kOther };
inline constexpr int kOwnerCount = 6;

void init(const BootInfo& info);

// `count` physically contiguous, page-aligned pages; zeroed unless `zeroed` is false.
// An ENOMEM error when no run of that length is free.
Result<void*> allocate_pages(std::size_t count, Owner owner, bool zeroed = true);
void free_pages(void* address, std::size_t count, Owner owner);

struct Stats {
  std::uint64_t ram_total;  // bytes of RAM the boot protocol reported
  std::uint64_t managed;    // bytes the page allocator was given
  std::uint64_t free;       // bytes free now
  std::uint64_t largest_free;
  std::uint64_t by_owner[kOwnerCount];  // bytes allocated now, per owner
};
Stats stats();

// Prints the statistics (CONFIG_MEMORY_STATS prints them when the VM ends).
void print_stats();

}  // namespace cairn::memory
