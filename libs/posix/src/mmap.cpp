// Anonymous memory mappings. One address space, identity-mapped: a mapping is a run of
// zeroed pages from the page allocator, and PROT_* become page permissions (PROT_NONE
// unmaps the pages, so touching them faults). The regions handed out are remembered,
// so that munmap and mprotect act only on memory that mmap gave.
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <cstdint>

#include <cairn/arch/arch.h>
#include <cairn/kernel/memory.h>

namespace {

using cairn::arch::PageAccess;
constexpr std::uintptr_t kPage = cairn::memory::kPageSize;

struct Region {
  std::uintptr_t base, end;
};

// Sorted by base, non-overlapping. Grows on the heap (which never uses mmap).
Region* regions;
std::size_t region_count, region_capacity;

void* fail(int error) {
  errno = error;
  return MAP_FAILED;
}

int fail_int(int error) {
  errno = error;
  return -1;
}

bool insert(Region r) {
  if (region_count == region_capacity) {
    std::size_t capacity = region_capacity ? region_capacity * 2 : 16;
    auto* grown = static_cast<Region*>(realloc(regions, capacity * sizeof(Region)));
    if (!grown) return false;
    regions = grown;
    region_capacity = capacity;
  }
  std::size_t i = region_count;
  while (i > 0 && regions[i - 1].base > r.base) {
    regions[i] = regions[i - 1];
    --i;
  }
  regions[i] = r;
  ++region_count;
  return true;
}

// True when the regions cover all of [base, end).
bool covered(std::uintptr_t base, std::uintptr_t end) {
  for (std::size_t i = 0; i < region_count && base < end; ++i) {
    if (regions[i].end <= base) continue;
    if (regions[i].base > base) return false;
    base = regions[i].end;
  }
  return base >= end;
}

bool valid_prot(int prot) { return (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) == 0; }

PageAccess access_for(int prot) {
  bool write = prot & PROT_WRITE, exec = prot & PROT_EXEC;
  if (prot == PROT_NONE) return PageAccess::kNone;
  if (write) return exec ? PageAccess::kReadWriteExecute : PageAccess::kReadWrite;
  return exec ? PageAccess::kReadExecute : PageAccess::kRead;
}

// Checks alignment and turns a length into an end address (0 on error, errno set).
std::uintptr_t range_end(void* addr, std::size_t length) {
  auto base = reinterpret_cast<std::uintptr_t>(addr);
  std::uintptr_t end;
  if (base % kPage || length == 0 || __builtin_add_overflow(base, length, &end) ||
      end > UINTPTR_MAX - kPage) {
    errno = EINVAL;
    return 0;
  }
  return (end + kPage - 1) & ~(kPage - 1);
}

}  // namespace

extern "C" {

void* mmap(void* addr, std::size_t length, int prot, int flags, int fd, off_t offset) {
  (void)fd;
  (void)offset;
  if (length == 0 || !valid_prot(prot) || !(flags & (MAP_PRIVATE | MAP_SHARED)))
    return fail(EINVAL);
  if (!(flags & MAP_ANONYMOUS)) return fail(ENODEV);  // file mappings come with the VFS
  if (flags & MAP_FIXED) {
    // Only memory that is already ours can be mapped again in place.
    std::uintptr_t end = range_end(addr, length);
    auto base = reinterpret_cast<std::uintptr_t>(addr);
    if (!end || !covered(base, end)) return fail(EINVAL);
    cairn::arch::set_page_access(base, end - base, PageAccess::kReadWrite);
    __builtin_memset(addr, 0, end - base);
    if (prot != (PROT_READ | PROT_WRITE))
      cairn::arch::set_page_access(base, end - base, access_for(prot));
    return addr;
  }
  if (length > SIZE_MAX - kPage) return fail(ENOMEM);
  std::size_t pages = (length + kPage - 1) / kPage;
  cairn::Result<void*> p = cairn::memory::allocate_pages(pages, cairn::memory::Owner::kMmap);
  if (!p) return fail(ENOMEM);
  auto base = reinterpret_cast<std::uintptr_t>(p.value());
  if (!insert({base, base + pages * kPage})) {
    cairn::memory::free_pages(p.value(), pages, cairn::memory::Owner::kMmap);
    return fail(ENOMEM);
  }
  if (prot != (PROT_READ | PROT_WRITE))
    cairn::arch::set_page_access(base, pages * kPage, access_for(prot));
  return p.value();
}

// Unmapping a range that holds no mapping is not an error (as on Linux).
int munmap(void* addr, std::size_t length) {
  std::uintptr_t end = range_end(addr, length);
  if (!end) return -1;
  auto base = reinterpret_cast<std::uintptr_t>(addr);
  for (std::size_t i = 0; i < region_count;) {
    Region r = regions[i];
    std::uintptr_t lo = r.base > base ? r.base : base, hi = r.end < end ? r.end : end;
    if (lo >= hi) {
      ++i;
      continue;
    }
    // Freed pages hold the page allocator's lists: make them ordinary RAM again first.
    cairn::arch::set_page_access(lo, hi - lo, PageAccess::kReadWrite);
    cairn::memory::free_pages(reinterpret_cast<void*>(lo), (hi - lo) / kPage,
                              cairn::memory::Owner::kMmap);
    if (r.base < lo && hi < r.end) {  // a hole in the middle: split
      regions[i].end = lo;
      if (!insert({hi, r.end})) return fail_int(ENOMEM);
      i += 2;
    } else if (r.base < lo) {
      regions[i++].end = lo;
    } else if (hi < r.end) {
      regions[i++].base = hi;
    } else {
      for (std::size_t j = i; j + 1 < region_count; ++j) regions[j] = regions[j + 1];
      --region_count;
    }
  }
  return 0;
}

int mprotect(void* addr, std::size_t length, int prot) {
  std::uintptr_t end = range_end(addr, length);
  if (!end) return -1;
  if (!valid_prot(prot)) return fail_int(EINVAL);
  auto base = reinterpret_cast<std::uintptr_t>(addr);
  if (!covered(base, end)) return fail_int(ENOMEM);  // Linux: not (all) mapped
  cairn::arch::set_page_access(base, end - base, access_for(prot));
  return 0;
}

// Anonymous memory has no backing store to write back.
int msync(void* addr, std::size_t length, int flags) {
  (void)flags;
  std::uintptr_t end = range_end(addr, length);
  if (!end) return -1;
  return covered(reinterpret_cast<std::uintptr_t>(addr), end) ? 0 : fail_int(ENOMEM);
}

}  // extern "C"
