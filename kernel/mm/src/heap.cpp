// The configured allocator core on the page-frame allocator. Not locked: there is one
// thread until the scheduler ([M4]) arrives and puts a lock (and per-thread caches) here.
// Interrupt handlers must not allocate.
#include <cairn/config.h>
#include <cairn/kernel/memory.h>
#include <cairn/mm/heap.h>

#ifdef CONFIG_HEAP_TLSF
#include "tlsf.h"
#else
#include "size_class_heap.h"
#endif

namespace cairn::mm {
namespace {

#ifdef CONFIG_HEAP_TLSF
using Core = TlsfHeap;
constexpr const char* kName = "tlsf";
#else
using Core = SizeClassHeap;
constexpr const char* kName = "size classes";
#endif

void* take_pages(void*, std::size_t count) {
  // Allocators never assume zeroed pages (calloc zeroes what it hands out).
  Result<void*> p = memory::allocate_pages(count, memory::Owner::kHeap, false);
  return p ? p.value() : nullptr;
}

void give_back_pages(void*, void* address, std::size_t count) {
  memory::free_pages(address, count, memory::Owner::kHeap);
}

Core core(PageSource{take_pages, give_back_pages, nullptr});

}  // namespace

void* heap_allocate(std::size_t size) { return core.allocate(size); }
void* heap_allocate_aligned(std::size_t alignment, std::size_t size) {
  return core.allocate_aligned(alignment, size);
}
void* heap_reallocate(void* p, std::size_t size) { return core.reallocate(p, size); }
void heap_free(void* p) { core.free(p); }
std::size_t heap_usable_size(const void* p) { return p ? core.usable_size(p) : 0; }
HeapStats heap_stats() { return core.stats(); }
const char* heap_name() { return kName; }

}  // namespace cairn::mm
