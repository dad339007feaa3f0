#include "socket_address.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <cerrno>
#include <cstring>

namespace cairn::sockets {

static_assert(sizeof(sockaddr_in) == 16 && sizeof(sockaddr_in6) == 28 &&
              sizeof(sockaddr_storage) == 128 && AF_INET == kFamilyInet &&
              AF_INET6 == kFamilyInet6);

namespace {
constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}

bool Endpoint::is_any() const {
  std::size_t n = family == kFamilyInet ? 4 : 16;
  for (std::size_t i = 0; i < n; ++i)
    if (address[i]) return false;
  return true;
}

bool Endpoint::is_v4_mapped() const {
  return family == kFamilyInet6 && std::memcmp(address, kMappedPrefix, 12) == 0;
}

Endpoint Endpoint::unmapped() const {
  if (!is_v4_mapped()) return *this;
  Endpoint v4;
  v4.family = kFamilyInet;
  std::memcpy(v4.address, address + 12, 4);
  v4.port = port;
  return v4;
}

Result<Endpoint> endpoint_from_sockaddr(const struct sockaddr* address, std::size_t length,
                                        int socket_family) {
  if (!address || length < sizeof(sa_family_t)) return Error(EINVAL, "address too short");
  Endpoint e;
  switch (address->sa_family) {
    case AF_INET: {
      if (length < sizeof(sockaddr_in)) return Error(EINVAL, "sockaddr_in too short");
      sockaddr_in in;
      std::memcpy(&in, address, sizeof in);
      e.family = kFamilyInet;
      std::memcpy(e.address, &in.sin_addr, 4);
      e.port = __builtin_bswap16(in.sin_port);
      return e;
    }
    case AF_INET6: {
      if (socket_family != kFamilyInet6) return Error(EAFNOSUPPORT, "IPv6 address on IPv4 socket");
      if (length < sizeof(sockaddr_in6)) return Error(EINVAL, "sockaddr_in6 too short");
      sockaddr_in6 in6;
      std::memcpy(&in6, address, sizeof in6);
      e.family = kFamilyInet6;
      std::memcpy(e.address, &in6.sin6_addr, 16);
      e.port = __builtin_bswap16(in6.sin6_port);
      e.scope = in6.sin6_scope_id;
      return e;
    }
    default:
      return Error(EAFNOSUPPORT, "address family not supported");
  }
}

void endpoint_to_sockaddr(const Endpoint& endpoint, int socket_family, struct sockaddr* address,
                          std::uint32_t* length) {
  sockaddr_storage full{};
  std::size_t size;
  if (socket_family == kFamilyInet6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&full);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = __builtin_bswap16(endpoint.port);
    if (endpoint.family == kFamilyInet) {
      std::memcpy(in6->sin6_addr.s6_addr, kMappedPrefix, 12);
      std::memcpy(in6->sin6_addr.s6_addr + 12, endpoint.address, 4);
    } else {
      std::memcpy(in6->sin6_addr.s6_addr, endpoint.address, 16);
      in6->sin6_scope_id = endpoint.scope;
    }
    size = sizeof(sockaddr_in6);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&full);
    in->sin_family = AF_INET;
    in->sin_port = __builtin_bswap16(endpoint.port);
    std::memcpy(&in->sin_addr, endpoint.address, 4);
    size = sizeof(sockaddr_in);
  }
  if (address && length) std::memcpy(address, &full, *length < size ? *length : size);
  if (length) *length = static_cast<std::uint32_t>(size);
}

}  // namespace cairn::sockets
