// The layout of the symbol table that tools/ksyms.py writes into an image's
// .cairn_ksyms section. Shared by the writer (Python, keep in sync) and the kernel.
#pragma once

#include <cstdint>

namespace cairn::ksyms_format {

inline constexpr std::uint32_t kMagic = 0x4d59534b;  // "KSYM"

struct Header {
  std::uint32_t magic;
  std::uint32_t count;           // symbols, sorted by address
  std::uint32_t strings_offset;  // from the start of the header
  std::uint32_t total_size;      // header + symbols + strings
};

struct Symbol {
  std::uint64_t address;
  std::uint32_t size;         // 0 when unknown: then it extends to the next symbol
  std::uint32_t name_offset;  // into the strings, NUL-terminated
};

}  // namespace cairn::ksyms_format
