// The heap and mmap under pressure, and the faults that page protection must raise.
// Modes (argv[1]): stress, exhaust, mmap, exec-heap, exec-stack, mmap-readonly-write,
// mmap-none-read, use-after-munmap.
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CHECK(cond)                                          \
  do {                                                       \
    if (!(cond)) {                                           \
      printf("CHECK FAILED line %d: %s\n", __LINE__, #cond); \
      return 1;                                              \
    }                                                        \
  } while (0)

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
  rng_state = rng_state * 1103515245u + 12345u;
  return rng_state >> 8;
}

static void fill(unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; ++i) p[i] = (unsigned char)(seed + i * 7);
}
static int intact(const unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != (unsigned char)(seed + i * 7)) return 0;
  return 1;
}

enum { kSlots = 2000 };
static unsigned char* slot[kSlots];
static size_t slot_size[kSlots];

static int stress(void) {
  for (int step = 0; step < 60000; ++step) {
    int i = rng() % kSlots;
    if (slot[i]) CHECK(intact(slot[i], slot_size[i], i));
    switch (rng() % 5) {
      case 0: {  // malloc, mostly small
        free(slot[i]);
        size_t n = rng() % 8 == 0 ? rng() % 200000 : rng() % 512;
        slot[i] = malloc(n);
        CHECK(slot[i] != NULL);
        CHECK(((uintptr_t)slot[i] & 15) == 0);
        CHECK(malloc_usable_size(slot[i]) >= n);
        slot_size[i] = n;
        break;
      }
      case 1: {  // realloc keeps the prefix
        size_t n = rng() % 4 == 0 ? rng() % 100000 : rng() % 1024;
        size_t keep = n < slot_size[i] ? n : slot_size[i];
        unsigned char* p = realloc(slot[i], n ? n : 1);
        CHECK(p != NULL);
        CHECK(intact(p, keep, i));
        slot[i] = p;
        slot_size[i] = n;
        break;
      }
      case 2: {  // calloc is zeroed even when it reuses freed memory
        free(slot[i]);
        size_t n = rng() % 4096;
        slot[i] = calloc(1, n);
        CHECK(slot[i] != NULL);
        for (size_t k = 0; k < n; ++k) CHECK(slot[i][k] == 0);
        slot_size[i] = n;
        break;
      }
      case 3: {  // posix_memalign
        free(slot[i]);
        size_t align = (size_t)1 << (4 + rng() % 9);  // 16 .. 4096
        size_t n = rng() % 3000;
        void* p = NULL;
        CHECK(posix_memalign(&p, align, n) == 0);
        CHECK(((uintptr_t)p & (align - 1)) == 0);
        slot[i] = p;
        slot_size[i] = n;
        break;
      }
      default:
        free(slot[i]);
        slot[i] = NULL;
        slot_size[i] = 0;
        continue;
    }
    fill(slot[i], slot_size[i], i);
  }
  for (int i = 0; i < kSlots; ++i) {
    if (slot[i]) CHECK(intact(slot[i], slot_size[i], i));
    free(slot[i]);
  }
  void* p = NULL;
  CHECK(posix_memalign(&p, 3, 16) == EINVAL);
  volatile size_t huge = SIZE_MAX / 2;  // volatile: GCC would reject the constant overflow
  CHECK(calloc(huge, 4) == NULL && errno == ENOMEM);
  printf("stress ok\n");
  return 0;
}

// Fill memory with 1 MiB blocks (and then small ones) until malloc fails, check the
// failure is clean, free everything, and show the memory can be used again.
static int exhaust(void) {
  void** blocks = NULL;
  size_t count = 0, capacity = 0;
  for (;;) {
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 256;
      void** grown = realloc(blocks, capacity * sizeof(void*));
      CHECK(grown != NULL);
      blocks = grown;
    }
    errno = 0;
    void* p = malloc(1 << 20);
    if (!p) {
      CHECK(errno == ENOMEM);
      break;
    }
    memset(p, 0xa5, 1 << 20);  // really use it
    blocks[count++] = p;
  }
  size_t big = count;
  size_t small = 0;
  for (;;) {
    if (count == capacity) break;  // the pointer array itself would need memory
    void* p = malloc(256);
    if (!p) break;
    blocks[count++] = p;
    ++small;
  }
  printf("exhausted after %zu MiB in 1 MiB blocks and %zu small blocks, errno=ENOMEM\n", big,
         small);
  for (size_t i = 0; i < count; ++i) free(blocks[i]);
  void* again = malloc((size_t)big << 19);  // half of what was there, in one piece
  CHECK(again != NULL);
  memset(again, 1, (size_t)big << 19);
  free(again);
  printf("allocated %zu MiB again after freeing\n", big / 2);
  free(blocks);
  return 0;
}

static int mappings(void) {
  size_t n = 5 * 4096 + 100;
  unsigned char* p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  CHECK(((uintptr_t)p & 4095) == 0);
  for (size_t i = 0; i < n; ++i) CHECK(p[i] == 0);
  memset(p, 7, n);
  CHECK(mprotect(p, 4096, PROT_READ) == 0);
  CHECK(p[10] == 7);  // still readable
  CHECK(mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0);
  p[10] = 8;
  CHECK(munmap(p + 4096, 4096) == 0);                                // a hole in the middle
  CHECK(mprotect(p, 3 * 4096, PROT_READ) == -1 && errno == ENOMEM);  // covers the hole
  CHECK(p[2 * 4096] == 7);                                           // the rest is intact
  CHECK(munmap(p, n) == 0);
  CHECK(munmap(p, n) == 0);  // unmapping nothing is fine
  CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
        errno == EINVAL);
  CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) == MAP_FAILED && errno == ENODEV);
  CHECK(mprotect((char*)p + 1, 4096, PROT_READ) == -1 && errno == EINVAL);
  // Exhaust with mappings, then map again.
  size_t mapped = 0;
  void* last = NULL;
  while ((p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) !=
         MAP_FAILED) {
    *(void**)p = last;  // chain them to unmap later
    last = p;
    ++mapped;
  }
  CHECK(errno == ENOMEM);
  while (last) {
    void* next = *(void**)last;
    CHECK(munmap(last, 1 << 20) == 0);
    last = next;
  }
  p = mmap(NULL, (size_t)mapped << 19, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  printf("mmap ok (%zu MiB mapped before ENOMEM)\n", mapped);
  return 0;
}

static void* read_only_page(void) {
  void* p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "stress")) return stress();
  if (!strcmp(mode, "exhaust")) return exhaust();
  if (!strcmp(mode, "mmap")) return mappings();
  if (!strcmp(mode, "exec-heap")) {
    unsigned char* code = malloc(64);
    code[0] = 0xc3;  // ret
    ((void (*)(void))(uintptr_t)code)();
    return 0;
  }
  if (!strcmp(mode, "mmap-readonly-write")) {
    volatile char* p = read_only_page();
    p[0] = 1;
    return 0;
  }
  if (!strcmp(mode, "mmap-none-read")) {
    volatile char* p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p[0];
  }
  printf("unknown mode '%s'\n", mode);
  return 2;
}
