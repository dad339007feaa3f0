// Early physical memory. The largest free RAM range becomes one arena: the heap (sbrk)
// grows up from its bottom, boot-time page allocations come down from its top, and the
// two meet only when memory is exhausted.
#include <errno.h>
#include <cstring>

#include <cairn/kernel/ksyms.h>
#include <cairn/kernel/memory.h>

#include "free_ranges.h"

extern "C" char __image_start[];

namespace cairn::memory {
namespace {

constexpr std::uint64_t kLowMemoryEnd = 0x100000;  // BIOS, EBDA, option ROMs: never used

FreeRanges free_ranges;
std::uint64_t ram_total;
std::uint64_t heap_base, heap_break, pages_floor, arena_end;

std::uint64_t page_up(std::uint64_t a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }
std::uint64_t page_down(std::uint64_t a) { return a & ~(kPageSize - 1); }

}  // namespace

void init(const BootInfo& info) {
  for (const MemoryRegion& r : info.memory()) {
    if (r.kind != MemoryKind::kRam) continue;
    ram_total += r.size;
    free_ranges.add(page_up(r.base), page_down(r.end()));
  }
  free_ranges.remove(0, kLowMemoryEnd);
  free_ranges.remove(page_down(reinterpret_cast<std::uint64_t>(__image_start)),
                     page_up(ksyms_end()));
  free_ranges.remove(page_down(info.reserved_base), page_up(info.reserved_end));
  for (const BootModule& m : info.boot_modules())
    free_ranges.remove(page_down(m.base), page_up(m.base + m.size));

  Range arena = free_ranges.largest();
  heap_base = heap_break = arena.base;
  pages_floor = arena_end = arena.end;
}

Result<void*> allocate_pages(std::size_t count) {
  std::uint64_t bytes = count * kPageSize;
  if (bytes > pages_floor - heap_break) return Error(ENOMEM, "out of memory");
  pages_floor -= bytes;
  void* p = reinterpret_cast<void*>(pages_floor);
  std::memset(p, 0, bytes);
  return p;
}

Result<void*> sbrk(std::intptr_t increment) {
  std::uint64_t old = heap_break;
  if (increment > 0 && std::uint64_t(increment) > pages_floor - heap_break)
    return Error(ENOMEM, "heap exhausted");
  if (increment < 0 && std::uint64_t(-increment) > heap_break - heap_base)
    return Error(EINVAL, "heap break below its start");
  heap_break += increment;
  return reinterpret_cast<void*>(old);
}

Stats stats() {
  return {ram_total, arena_end - heap_base, heap_break - heap_base, arena_end - pages_floor};
}

}  // namespace cairn::memory
