// The image's own symbol table (filled after linking by tools/ksyms.py), so crash
// reports can name the function behind an address.
#pragma once

#include <cstdint>

namespace cairn {

struct SymbolInfo {
  const char* name;       // null when the address is not inside any known symbol
  std::uintptr_t offset;  // address - symbol start
};

SymbolInfo symbolize(std::uintptr_t address);

// End of the table in memory (the image's last byte), for the memory map.
std::uintptr_t ksyms_end();

}  // namespace cairn
