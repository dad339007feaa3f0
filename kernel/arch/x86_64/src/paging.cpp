// The final page tables. Everything is identity-mapped (one address space, virtual ==
// physical); what differs is permission: RAM is read-write and no-execute, the image's
// text is read-execute, rodata read-only, and page 0 and every guard page are absent,
// so NULL dereferences, stray writes to code and stack overflows fault.
#include <cstdint>

#include <cairn/arch/arch.h>
#include <cairn/arch/cpu.h>
#include <cairn/arch/cpu_features.h>
#include <cairn/kernel/ksyms.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/panic.h>

#include "trap.h"

extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __data_end[], __ksyms_start[];

namespace cairn::arch {
namespace {

using Entry = std::uint64_t;
constexpr Entry kPresent = 1 << 0, kWritable = 1 << 1, kWriteThrough = 1 << 3,
                kCacheDisable = 1 << 4, kLarge = 1 << 7, kNoExecute = 1ull << 63;
constexpr Entry kAddressMask = 0x000ffffffffff000ull;
constexpr std::uint64_t kGiB = 1ull << 30;

struct GuardPage {
  std::uintptr_t address;
  const char* owner;
};
GuardPage guard_pages[16];
int guard_page_count;
const char* (*guard_page_lookup)(std::uintptr_t address);

Entry* root;   // the PML4
Entry nx_bit;  // kNoExecute when the CPU has NX, else 0 (the bit is reserved then)

constexpr std::uint64_t entry_span(int level) { return 1ull << (12 + 9 * (level - 1)); }

Entry* new_table() {
  Result<void*> page = memory::allocate_pages(1, memory::Owner::kPageTables);
  if (!page) panic("out of memory for page tables");
  return static_cast<Entry*>(page.value());
}

Entry* table_at(Entry e) { return reinterpret_cast<Entry*>(e & kAddressMask); }

// Makes [start, end) (page-aligned) map identically with `flags`, or unmaps it when
// flags == 0. Uses the largest pages that fit and splits existing large pages where a
// range boundary falls inside them.
void set_range(Entry* table, int level, std::uint64_t start, std::uint64_t end, Entry flags) {
  std::uint64_t span = entry_span(level);
  for (std::uint64_t base = start & ~(span - 1); base < end; base += span) {
    Entry& e = table[(base >> (12 + 9 * (level - 1))) & 511];
    std::uint64_t lo = base > start ? base : start, hi = base + span < end ? base + span : end;
    bool whole = lo == base && hi == base + span;
    bool leaf_ok = level == 1 || level == 2 || (level == 3 && cpu_features().page_1g);
    if (whole && leaf_ok) {
      e = flags ? (base | flags | (level > 1 ? kLarge : 0)) : 0;
      continue;
    }
    if (!(e & kPresent)) {
      if (!flags) continue;
      e = reinterpret_cast<Entry>(new_table()) | kPresent | kWritable;
    } else if (level > 1 && (e & kLarge)) {
      // Split: the new table repeats the large page's mapping in smaller pieces.
      Entry* t = new_table();
      Entry attributes = e & ~kAddressMask & ~kLarge;
      std::uint64_t sub = entry_span(level - 1);
      for (int i = 0; i < 512; ++i)
        t[i] = (base + i * sub) | attributes | (level - 1 > 1 ? kLarge : 0);
      e = reinterpret_cast<Entry>(t) | kPresent | kWritable;
    }
    set_range(table_at(e), level - 1, lo, hi, flags);
  }
}

std::uint64_t page_down(std::uint64_t a) { return a & ~(memory::kPageSize - 1); }
std::uint64_t page_up(std::uint64_t a) { return page_down(a + memory::kPageSize - 1); }

void map(std::uint64_t start, std::uint64_t end, Entry flags) {
  start = page_down(start);
  end = page_up(end);
  if (start < end) set_range(root, 4, start, end, flags);
}

}  // namespace

void set_page_access(std::uintptr_t base, std::size_t size, PageAccess access) {
  Entry flags = 0;
  switch (access) {
    case PageAccess::kNone:
      flags = 0;
      break;
    case PageAccess::kRead:
      flags = kPresent | nx_bit;
      break;
    case PageAccess::kReadWrite:
      flags = kPresent | kWritable | nx_bit;
      break;
    case PageAccess::kReadExecute:
      flags = kPresent;
      break;
    case PageAccess::kReadWriteExecute:
      flags = kPresent | kWritable;
      break;
  }
  map(base, base + size, flags);
  write_cr3(read_cr3());  // flush the TLB: simplest, and mprotect is rare
}

void register_guard_page(std::uintptr_t address, const char* owner) {
  CAIRN_ASSERT(guard_page_count < 16 && address % memory::kPageSize == 0);
  guard_pages[guard_page_count++] = {address, owner};
}

void set_guard_page_lookup(const char* (*lookup)(std::uintptr_t address)) {
  guard_page_lookup = lookup;
}

const char* guard_page_owner(std::uintptr_t address) {
  for (int i = 0; i < guard_page_count; ++i)
    if (address - guard_pages[i].address < memory::kPageSize) return guard_pages[i].owner;
  if (guard_page_lookup) return guard_page_lookup(address);
  return nullptr;
}

bool is_mapped(std::uintptr_t address) {
  Entry* table = root ? root : reinterpret_cast<Entry*>(read_cr3() & kAddressMask);
  for (int level = 4; level >= 1; --level) {
    Entry e = table[(address >> (12 + 9 * (level - 1))) & 511];
    if (!(e & kPresent)) return false;
    if (level == 1 || (e & kLarge)) return true;
    table = table_at(e);
  }
  return false;
}

void init_paging(const BootInfo& info) {
  nx_bit = cpu_features().nx ? kNoExecute : 0;
  if (nx_bit) wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferNxe);
  root = new_table();

  // The low 4 GiB hold RAM and the devices of every machine type (LAPIC, IOAPIC,
  // virtio-mmio, PCI holes): map it all uncached, then RAM as write-back over it.
  map(0, 4 * kGiB, kPresent | kWritable | kCacheDisable | kWriteThrough | nx_bit);
  for (const MemoryRegion& r : info.memory())
    if (r.kind == MemoryKind::kRam || r.kind == MemoryKind::kAcpiReclaimable)
      map(page_up(r.base), page_down(r.end()), kPresent | kWritable | nx_bit);

  auto addr = [](const char* p) { return reinterpret_cast<std::uint64_t>(p); };
  map(addr(__text_start), addr(__text_end), kPresent);
  map(addr(__rodata_start), addr(__rodata_end), kPresent | nx_bit);
  map(addr(__data_start), addr(__data_end), kPresent | kWritable | nx_bit);
  map(addr(__ksyms_start), ksyms_end(), kPresent | nx_bit);

  map(0, memory::kPageSize, 0);
  for (int i = 0; i < guard_page_count; ++i)
    map(guard_pages[i].address, guard_pages[i].address + memory::kPageSize, 0);

  write_cr3(reinterpret_cast<std::uint64_t>(root));
}

}  // namespace cairn::arch
