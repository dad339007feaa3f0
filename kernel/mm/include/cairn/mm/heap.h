// The heap behind malloc, C++ new and the kernel: the allocator core chosen in Kconfig
// (CONFIG_HEAP_FAST or CONFIG_HEAP_TLSF) on pages from the page-frame allocator. The C
// library's malloc family (kernel/mm/src/malloc.cpp) is built on these.
#pragma once

#include <cstddef>

#include <cairn/mm/heap_backend.h>

namespace cairn::mm {

// Each returns nullptr when memory is exhausted; none sets errno.
void* heap_allocate(std::size_t size);
void* heap_allocate_aligned(std::size_t alignment, std::size_t size);
void* heap_reallocate(void* p, std::size_t size);
void heap_free(void* p);
std::size_t heap_usable_size(const void* p);
HeapStats heap_stats();
const char* heap_name();

}  // namespace cairn::mm
