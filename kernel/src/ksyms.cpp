#include <cairn/kernel/ksyms.h>
#include <cairn/kernel/ksyms_format.h>

extern "C" const char __ksyms_start[];

namespace cairn {
namespace {

using namespace ksyms_format;

const Header* table() {
  auto* h = reinterpret_cast<const Header*>(__ksyms_start);
  return h->magic == kMagic ? h : nullptr;
}

}  // namespace

std::uintptr_t ksyms_end() {
  const Header* h = table();
  return reinterpret_cast<std::uintptr_t>(__ksyms_start) + (h ? h->total_size : 16);
}

SymbolInfo symbolize(std::uintptr_t address) {
  const Header* h = table();
  if (!h || h->count == 0) return {nullptr, 0};
  auto* symbols = reinterpret_cast<const Symbol*>(h + 1);
  // The last symbol whose start is <= address.
  std::uint32_t lo = 0, hi = h->count;
  while (hi - lo > 1) {
    std::uint32_t mid = lo + (hi - lo) / 2;
    (symbols[mid].address <= address ? lo : hi) = mid;
  }
  const Symbol& s = symbols[lo];
  if (s.address > address) return {nullptr, 0};
  std::uintptr_t end = s.size              ? s.address + s.size
                       : lo + 1 < h->count ? symbols[lo + 1].address
                                           : s.address;
  if (address >= end) return {nullptr, 0};
  return {reinterpret_cast<const char*>(h) + h->strings_offset + s.name_offset,
          address - s.address};
}

}  // namespace cairn
