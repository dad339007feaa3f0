// <arpa/inet.h> and the byte-order functions of <netinet/in.h>, over inet_text.h.
#include <arpa/inet.h>
#include <errno.h>

#include "inet_text.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

#undef htonl
#undef htons
#undef ntohl
#undef ntohs

using namespace cairn::sockets;

extern "C" {

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

uint32_t htonl(uint32_t host) { return __builtin_bswap32(host); }
uint16_t htons(uint16_t host) { return __builtin_bswap16(host); }
uint32_t ntohl(uint32_t net) { return __builtin_bswap32(net); }
uint16_t ntohs(uint16_t net) { return __builtin_bswap16(net); }

int inet_pton(int family, const char* text, void* address) {
  auto* out = static_cast<std::uint8_t*>(address);
  if (family == AF_INET) return parse_ipv4_strict(text, out) ? 1 : 0;
  if (family == AF_INET6) return parse_ipv6(text, out) ? 1 : 0;
  errno = EAFNOSUPPORT;
  return -1;
}

const char* inet_ntop(int family, const void* address, char* text, socklen_t size) {
  const auto* a = static_cast<const std::uint8_t*>(address);
  if (family == AF_INET) return format_ipv4(a, text, size);
  if (family == AF_INET6) return format_ipv6(a, text, size);
  errno = EAFNOSUPPORT;
  return nullptr;
}

int inet_aton(const char* text, struct in_addr* address) {
  std::uint32_t host;
  if (!parse_ipv4_bsd(text, &host)) return 0;
  if (address) address->s_addr = __builtin_bswap32(host);
  return 1;
}

in_addr_t inet_addr(const char* text) {
  struct in_addr a;
  return inet_aton(text, &a) ? a.s_addr : INADDR_NONE;
}

in_addr_t inet_network(const char* text) {
  std::uint32_t host;
  return parse_ipv4_bsd(text, &host) ? host : INADDR_NONE;
}

char* inet_ntoa(struct in_addr address) {
  static thread_local char buffer[INET_ADDRSTRLEN];
  format_ipv4(reinterpret_cast<const std::uint8_t*>(&address.s_addr), buffer, sizeof buffer);
  return buffer;
}

}  // extern "C"
