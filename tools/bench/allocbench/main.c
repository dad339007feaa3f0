// In-guest allocator workload for `make bench`: a deterministic mix of small and large
// allocations, reallocs and random frees around a working set, then the heap's own
// figures (mallinfo) while the working set is still live: how much memory the heap
// holds, how much of it is in use, and the rest (fragmentation and caches).
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kLive = 8000, kOperations = 400000 };
static void* live[kLive];

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint32_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (uint32_t)state;
}

static size_t size_for(uint32_t r) {
  if (r % 20 == 0) return 4096 + r % (256 * 1024 - 4096);  // 5%: 4 KiB - 256 KiB
  return 16 + r % 4080;                                    // 16 B - 4 KiB
}

int main(void) {
  for (int i = 0; i < kOperations; ++i) {
    uint32_t r = next();
    int slot = r % kLive;
    if (live[slot] && (r >> 20) % 8 == 0) {
      void* p = realloc(live[slot], size_for(next()));
      if (p) live[slot] = p;
    } else {
      free(live[slot]);
      live[slot] = malloc(size_for(next()));
      if (live[slot]) memset(live[slot], i, 16);
    }
  }
  struct mallinfo m = mallinfo();
  printf("allocbench: held=%d in-use=%d free=%d blocks=%d\n", m.arena, m.uordblks, m.fordblks,
         m.ordblks);
  for (int i = 0; i < kLive; ++i) free(live[i]);
  return 0;
}
