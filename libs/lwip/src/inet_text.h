// IP addresses as text, the way glibc reads and writes them: inet_pton's strict
// forms (four decimal parts without leading zeros; IPv6 with one "::" and an optional
// IPv4 tail), inet_aton's BSD forms (127.1, 0x7f.0.0.1, 017700000001), RFC 5952
// output (lowercase, the longest zero run as "::", ::ffff:a.b.c.d). Pure string code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::sockets {

bool parse_ipv4_strict(const char* text, std::uint8_t* out);  // 4 bytes
bool parse_ipv6(const char* text, std::uint8_t* out);         // 16 bytes
bool parse_ipv4_bsd(const char* text, std::uint32_t* out);    // host order
// Into `text` of `size` bytes; null with errno ENOSPC when it does not fit.
const char* format_ipv4(const std::uint8_t* address, char* text, std::size_t size);
const char* format_ipv6(const std::uint8_t* address, char* text, std::size_t size);

}  // namespace cairn::sockets
