// sockaddr_in / sockaddr_in6 to and from a plain endpoint (family, 16 address bytes,
// port, scope), apart from lwIP so the host tests cover it. An AF_INET6 socket holds
// IPv4 peers as v4-mapped addresses (::ffff:a.b.c.d), as Linux's dual-stack sockets do.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/result.h>

struct sockaddr;

namespace cairn::sockets {

inline constexpr int kFamilyInet = 2;    // AF_INET
inline constexpr int kFamilyInet6 = 10;  // AF_INET6

struct Endpoint {
  int family = kFamilyInet;    // of the address itself: kFamilyInet or kFamilyInet6
  std::uint8_t address[16]{};  // IPv4 in the first 4 bytes, network order
  std::uint16_t port = 0;      // host order
  std::uint32_t scope = 0;     // IPv6 zone (interface index)

  bool is_any() const;
  bool is_v4_mapped() const;  // an IPv6 ::ffff:a.b.c.d
  Endpoint unmapped() const;  // the IPv4 endpoint of a v4-mapped one, else itself
};

// The caller's address for a socket of `socket_family`: EAFNOSUPPORT for another
// family (an AF_INET6 socket also takes AF_INET, as Linux does not, but harmlessly),
// EINVAL when `length` is too short.
Result<Endpoint> endpoint_from_sockaddr(const struct sockaddr* address, std::size_t length,
                                        int socket_family);
// Writes `endpoint` as seen by a socket of `socket_family` (IPv4 mapped for AF_INET6)
// into `address`, truncated to `*length`; `*length` becomes the full size (POSIX).
void endpoint_to_sockaddr(const Endpoint& endpoint, int socket_family, struct sockaddr* address,
                          std::uint32_t* length);

}  // namespace cairn::sockets
