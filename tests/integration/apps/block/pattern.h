// The disk pattern the host's disk_test.py writes and checks: the 64-bit little-endian
// word at byte offset o (a multiple of 8) is (o/8) * A + seed * B, modulo 2^64. Every
// word differs, so a sector read from or written to the wrong place shows.
#pragma once

#include <cstdint>
#include <cstring>

inline std::uint64_t pattern_word(std::uint64_t offset, std::uint64_t seed) {
  return (offset / 8) * 0x9E3779B97F4A7C15ull + seed * 0xD1B54A32D192ED03ull;
}

// `data` holds the disk bytes [offset, offset + bytes); offset and bytes are multiples of 8.
inline void fill_pattern(std::uint8_t* data, std::uint64_t offset, std::uint64_t bytes,
                         std::uint64_t seed) {
  for (std::uint64_t i = 0; i < bytes; i += 8) {
    const std::uint64_t word = pattern_word(offset + i, seed);
    std::memcpy(data + i, &word, 8);
  }
}

// The index of the first byte that differs from the pattern, or `bytes`.
inline std::uint64_t first_mismatch(const std::uint8_t* data, std::uint64_t offset,
                                    std::uint64_t bytes, std::uint64_t seed) {
  for (std::uint64_t i = 0; i < bytes; i += 8) {
    const std::uint64_t word = pattern_word(offset + i, seed);
    if (std::memcmp(data + i, &word, 8) != 0) return i;
  }
  return bytes;
}
