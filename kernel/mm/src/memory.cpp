#include <cairn/kernel/memory.h>

#include <errno.h>

#include <cstring>

#include <cairn/kernel/console.h>
#include <cairn/kernel/ksyms.h>
#include <cairn/sched/thread.h>

#include "buddy.h"
#include "free_ranges.h"

extern "C" char __image_start[];

namespace cairn::memory {
namespace {

constexpr std::uint64_t kLowMemoryEnd = 0x100000;  // BIOS, EBDA, option ROMs: never used
constexpr const char* kOwnerNames[kOwnerCount] = {"page tables", "stacks", "tls",
                                                  "heap",        "mmap",   "other"};

mm::BuddyAllocator pages;
std::uint64_t ram_total, managed;
std::uint64_t by_owner[kOwnerCount];

std::uint64_t page_up(std::uint64_t a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }
std::uint64_t page_down(std::uint64_t a) { return a & ~(kPageSize - 1); }

}  // namespace

void init(const BootInfo& info) {
  FreeRanges free;
  for (const MemoryRegion& r : info.memory()) {
    if (r.kind != MemoryKind::kRam) continue;
    ram_total += r.size;
    free.add(page_up(r.base), page_down(r.end()));
  }
  free.remove(0, kLowMemoryEnd);
  free.remove(page_down(reinterpret_cast<std::uint64_t>(__image_start)), page_up(ksyms_end()));
  free.remove(page_down(info.reserved_base), page_up(info.reserved_end));
  for (const BootModule& m : info.boot_modules())
    free.remove(page_down(m.base), page_up(m.base + m.size));
  if (free.count() == 0) return;

  // One state byte per page of the span the free memory covers, taken from the end of
  // the largest range.
  std::uint64_t span_base = free[0].base, span_end = free[free.count() - 1].end;
  std::uint64_t state_bytes = page_up((span_end - span_base) / kPageSize);
  Range largest = free.largest();
  if (largest.size() <= state_bytes) return;  // no memory to manage: every request fails
  auto* state = reinterpret_cast<std::uint8_t*>(largest.end - state_bytes);
  free.remove(largest.end - state_bytes, largest.end);

  pages.init(span_base, span_end, state);
  for (std::size_t i = 0; i < free.count(); ++i) {
    pages.add(free[i].base, free[i].end);
    managed += free[i].size();
  }
}

// The page allocator is shared by every thread; interrupt handlers never allocate, so
// holding off preemption is all the locking one CPU needs.
Result<void*> allocate_pages(std::size_t count, Owner owner, bool zeroed) {
  sched::PreemptGuard guard;
  std::uintptr_t address = pages.allocate(count);
  if (!address) return Error(ENOMEM, "out of memory");
  by_owner[static_cast<int>(owner)] += count * kPageSize;
  if (zeroed) std::memset(reinterpret_cast<void*>(address), 0, count * kPageSize);
  return reinterpret_cast<void*>(address);
}

void free_pages(void* address, std::size_t count, Owner owner) {
  sched::PreemptGuard guard;
  pages.free(reinterpret_cast<std::uintptr_t>(address), count);
  by_owner[static_cast<int>(owner)] -= count * kPageSize;
}

Stats stats() {
  Stats s = {ram_total,
             managed,
             pages.free_pages() * kPageSize,
             pages.largest_free_block() * kPageSize,
             {}};
  for (int i = 0; i < kOwnerCount; ++i) s.by_owner[i] = by_owner[i];
  return s;
}

void print_stats() {
  Stats s = stats();
  auto kib = [](std::uint64_t bytes) { return static_cast<unsigned long>(bytes >> 10); };
  kprintf("cairn: memory: %lu KiB RAM, %lu KiB managed, %lu KiB free (largest block %lu KiB)\n",
          kib(s.ram_total), kib(s.managed), kib(s.free), kib(s.largest_free));
  for (int i = 0; i < kOwnerCount; ++i)
    if (s.by_owner[i])
      kprintf("cairn: memory:   %-12s %lu KiB\n", kOwnerNames[i], kib(s.by_owner[i]));
}

}  // namespace cairn::memory
