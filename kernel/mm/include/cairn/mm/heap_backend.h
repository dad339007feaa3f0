// What a heap allocator core stands on, and what it reports. Allocator cores are plain
// classes that manage memory they get from a PageSource; they know nothing of the
// machine, so the same code runs in the kernel and in host unit tests and fuzzers.
// Cores are not thread-safe: the malloc front end (heap.cpp) serializes calls.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::mm {

inline constexpr std::size_t kPageSize = 4096;

// Hands out and takes back runs of whole pages. `allocate` returns page-aligned memory
// (not necessarily zeroed), or nullptr when there is none left: an allocator must then
// fail the request, never crash. `free` receives exactly a run `allocate` returned.
struct PageSource {
  void* (*allocate)(void* context, std::size_t pages);
  void (*free)(void* context, void* address, std::size_t pages);
  void* context;
};

struct HeapStats {
  std::size_t bytes_in_use;      // sum of usable sizes of live allocations
  std::size_t bytes_from_pages;  // held from the PageSource right now
  std::size_t bytes_free;        // held but free (fragmentation and caches)
  std::size_t largest_free;      // largest single free block held (0 if unknown)
  std::size_t allocations;       // live allocations
};

}  // namespace cairn::mm
