// The C and POSIX allocation functions, on the heap (heap.h). Failures return NULL
// with errno ENOMEM (EINVAL for a bad alignment), never crash; newlib's own malloc is
// replaced as a whole (libs/newlib/src/malloc_glue.cpp provides its _r entry points).
//
// The heap cores are not thread-safe (they are plain classes, host-tested as such):
// every call into them runs with preemption off. That is enough on one CPU because
// interrupt handlers never allocate; the heap never blocks, so nothing waits inside.
#include <errno.h>
#include <stdlib.h>

#include <cstdint>
#include <cstring>

#include <cairn/mm/heap.h>
#include <cairn/sched/thread.h>

namespace {

using cairn::sched::PreemptGuard;

void* heap_allocate(std::size_t size) {
  PreemptGuard guard;
  return cairn::mm::heap_allocate(size);
}

void* heap_allocate_aligned(std::size_t alignment, std::size_t size) {
  PreemptGuard guard;
  return cairn::mm::heap_allocate_aligned(alignment, size);
}

void* out_of_memory() {
  errno = ENOMEM;
  return nullptr;
}

bool power_of_two(std::size_t n) { return n && !(n & (n - 1)); }

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
  void* p = heap_allocate(size);
  return p ? p : out_of_memory();
}

void free(void* p) {
  PreemptGuard guard;
  cairn::mm::heap_free(p);
}

void* calloc(std::size_t count, std::size_t size) {
  std::size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) return out_of_memory();
  void* p = heap_allocate(bytes);
  if (!p) return out_of_memory();
  // Pages come to the heap unzeroed and freed blocks are reused: always clear.
  std::memset(p, 0, bytes);
  return p;
}

// realloc(p, 0) frees p and returns NULL, as glibc does.
void* realloc(void* p, std::size_t size) {
  if (!p) return malloc(size);
  if (size == 0) {
    free(p);
    return nullptr;
  }
  void* q;
  {
    PreemptGuard guard;
    q = cairn::mm::heap_reallocate(p, size);
  }
  return q ? q : out_of_memory();
}

void* memalign(std::size_t alignment, std::size_t size) {
  if (!power_of_two(alignment)) {
    errno = EINVAL;
    return nullptr;
  }
  void* p = heap_allocate_aligned(alignment, size);
  return p ? p : out_of_memory();
}

// C11: the alignment must be one the implementation supports (any power of two here).
void* aligned_alloc(std::size_t alignment, std::size_t size) { return memalign(alignment, size); }

// POSIX: reports errors by return value and leaves errno alone.
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (!power_of_two(alignment) || alignment % sizeof(void*)) return EINVAL;
  void* p = heap_allocate_aligned(alignment, size);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(std::size_t size) { return memalign(4096, size); }

void* pvalloc(std::size_t size) {
  std::size_t rounded;
  if (__builtin_add_overflow(size, 4095, &rounded)) return out_of_memory();
  return memalign(4096, rounded & ~std::size_t{4095});
}

std::size_t malloc_usable_size(void* p) {
  PreemptGuard guard;
  return cairn::mm::heap_usable_size(p);
}

void cfree(void* p) { free(p); }

// Nothing to trim: empty spans and regions go back to the page allocator as they empty.
int malloc_trim(std::size_t) { return 0; }

}  // extern "C"
