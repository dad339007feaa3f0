// newlib's reentrant allocation entry points (stdio, strdup, ... call _malloc_r) and
// its malloc-introspection calls, on Cairn's heap. Together with kernel/mm/src/malloc.cpp
// they define every symbol of newlib's malloc objects, so none of those is linked.
#include <malloc.h>
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>

#include <cairn/mm/heap.h>

extern "C" {

void* _malloc_r(struct _reent*, size_t size) { return malloc(size); }
void _free_r(struct _reent*, void* p) { free(p); }
void* _calloc_r(struct _reent*, size_t count, size_t size) { return calloc(count, size); }
void* _realloc_r(struct _reent*, void* p, size_t size) { return realloc(p, size); }
void* _memalign_r(struct _reent*, size_t alignment, size_t size) {
  return memalign(alignment, size);
}
void* _valloc_r(struct _reent*, size_t size) { return valloc(size); }
void* _pvalloc_r(struct _reent*, size_t size) { return pvalloc(size); }
size_t _malloc_usable_size_r(struct _reent*, void* p) { return malloc_usable_size(p); }
int _malloc_trim_r(struct _reent*, size_t pad) { return malloc_trim(pad); }

struct mallinfo _mallinfo_r(struct _reent*) {
  cairn::mm::HeapStats s = cairn::mm::heap_stats();
  struct mallinfo info = {};
  info.arena = s.bytes_from_pages;  // memory the heap holds
  info.uordblks = s.bytes_in_use;   // allocated
  info.fordblks = s.bytes_free;     // free inside the heap
  info.ordblks = s.allocations;
  return info;
}
struct mallinfo mallinfo() {
  return _mallinfo_r(_REENT);
}

void _malloc_stats_r(struct _reent*) {
  cairn::mm::HeapStats s = cairn::mm::heap_stats();
  fprintf(stderr, "heap (%s): %zu bytes held, %zu in use in %zu blocks, %zu free\n",
          cairn::mm::heap_name(), s.bytes_from_pages, s.bytes_in_use, s.allocations, s.bytes_free);
}
void malloc_stats() { _malloc_stats_r(_REENT); }

// No tunables: accepted and ignored, as the C library allows (returns 1 = success).
int _mallopt_r(struct _reent*, int, int) { return 1; }
int mallopt(int, int) { return 1; }

}  // extern "C"

extern "C" {
// Defined here too so that newlib's mstats object (which also defines mallinfo,
// malloc_stats and mallopt) is never linked.
void _mstats_r(struct _reent* r, char* title) {
  if (title) fprintf(stderr, "%s\n", title);
  _malloc_stats_r(r);
}
void mstats(char* title) { _mstats_r(_REENT, title); }
}
