// Address text, apart from any socket header so that the host tests compare it with
// glibc's inet_pton/inet_ntop/inet_aton.
#include "inet_text.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cairn::sockets {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// Four decimal parts 0-255 without leading zeros, nothing after. Into 4 bytes.
bool parse_ipv4_strict(const char* text, std::uint8_t* out) {
  int parts = 0;
  const char* p = text;
  while (parts < 4) {
    if (*p < '0' || *p > '9') return false;
    unsigned value = 0;
    const char* start = p;
    while (*p >= '0' && *p <= '9') {
      value = value * 10 + static_cast<unsigned>(*p - '0');
      if (value > 255 || p - start >= 3) return false;
      ++p;
    }
    if (p - start > 1 && *start == '0') return false;
    out[parts++] = static_cast<std::uint8_t>(value);
    if (parts < 4) {
      if (*p != '.') return false;
      ++p;
    }
  }
  return *p == '\0';
}

bool parse_ipv6(const char* text, std::uint8_t* out) {
  std::uint16_t words[8] = {};
  int count = 0, gap = -1;
  const char* p = text;
  if (p[0] == ':') {
    if (p[1] != ':') return false;
    gap = 0;
    p += 2;
    if (*p == '\0') {
      std::memset(out, 0, 16);
      return true;
    }
  }
  while (*p) {
    if (count == 8) return false;
    // An IPv4 tail takes the last two words.
    const char* dot = p;
    while (*dot && *dot != ':' && *dot != '.') ++dot;
    if (*dot == '.') {
      std::uint8_t v4[4];
      if (count > 6 || !parse_ipv4_strict(p, v4)) return false;
      words[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      words[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      p += std::strlen(p);
      break;
    }
    unsigned value = 0;
    int digits = 0;
    while (hex_value(*p) >= 0) {
      if (++digits > 4) return false;
      value = value << 4 | static_cast<unsigned>(hex_value(*p++));
    }
    if (digits == 0) return false;
    words[count++] = static_cast<std::uint16_t>(value);
    if (*p == '\0') break;
    if (*p != ':') return false;
    ++p;
    if (*p == ':') {
      if (gap >= 0) return false;  // only one "::"
      gap = count;
      ++p;
    } else if (*p == '\0') {
      return false;  // a trailing single ':'
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count == 8) return false;  // "::" must stand for at least one word
  std::uint16_t full[8] = {};
  if (gap < 0) {
    std::memcpy(full, words, sizeof full);
  } else {
    int tail = count - gap;
    for (int i = 0; i < gap; ++i) full[i] = words[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = words[gap + i];
  }
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(full[i]);
  }
  return true;
}

// BSD inet_aton: 1-4 parts, each decimal, octal (0...) or hex (0x...); the last
// part fills the remaining bytes. Host order in *out.
bool parse_ipv4_bsd(const char* text, std::uint32_t* out) {
  std::uint32_t parts[4];
  int n = 0;
  const char* p = text;
  for (;;) {
    if (n == 4) return false;
    unsigned base = 10;
    if (*p == '0') {
      base = 8;
      if (p[1] == 'x' || p[1] == 'X') {
        base = 16;
        p += 2;
        if (hex_value(*p) < 0) return false;
      }
    } else if (*p < '1' || *p > '9') {
      return false;
    }
    std::uint64_t value = 0;
    while (hex_value(*p) >= 0 && static_cast<unsigned>(hex_value(*p)) < base &&
           (base == 16 || (*p >= '0' && *p <= '9'))) {
      value = value * base + static_cast<unsigned>(hex_value(*p++));
      if (value > 0xffffffffu) return false;
    }
    parts[n++] = static_cast<std::uint32_t>(value);
    if (*p == '.') {
      ++p;
      continue;
    }
    // glibc allows trailing whitespace.
    if (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n') return false;
    break;
  }
  std::uint32_t limit[4] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
  std::uint32_t address = 0;
  for (int i = 0; i < n - 1; ++i) {
    if (parts[i] > 0xff) return false;
    address |= parts[i] << (24 - 8 * i);
  }
  if (parts[n - 1] > limit[n - 1]) return false;
  *out = address | parts[n - 1];
  return true;
}

const char* format_ipv4(const std::uint8_t* a, char* text, std::size_t size) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  if (std::strlen(buffer) + 1 > size) {
    errno = ENOSPC;
    return nullptr;
  }
  std::strcpy(text, buffer);
  return text;
}

const char* format_ipv6(const std::uint8_t* a, char* text, std::size_t size) {
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = static_cast<unsigned>(a[2 * i] << 8 | a[2 * i + 1]);
  // The longest run of two or more zero words (the first of equals) becomes "::".
  int best = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_length && j - i >= 2) best = i, best_length = j - i;
    i = j;
  }
  char buffer[46];
  char* out = buffer;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      *out++ = ':';
      if (i == 0) *out++ = ':';
      i += best_length - 1;
      continue;
    }
    // ::ffff:a.b.c.d and ::a.b.c.d keep their IPv4 tail, as glibc writes them.
    if (i == 6 && best == 0 && (best_length == 6 || (best_length == 5 && words[5] == 0xffff))) {
      out += std::sprintf(out, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
      break;
    }
    out += std::sprintf(out, "%x", words[i]);
    if (i < 7) *out++ = ':';
  }
  *out = '\0';
  if (std::strlen(buffer) + 1 > size) {
    errno = ENOSPC;
    return nullptr;
  }
  std::strcpy(text, buffer);
  return text;
}

}  // namespace cairn::sockets
