#include "socket_lwip.h"

#include <cstring>

#include "lwip/ip_addr.h"

namespace cairn::sockets {

ip_addr_t to_ip_addr(const Endpoint& endpoint) {
  Endpoint e = endpoint.unmapped();
  ip_addr_t address;
  std::memset(&address, 0, sizeof address);
  if (e.family == kFamilyInet) {
    u32_t v4;
    std::memcpy(&v4, e.address, 4);
    ip_addr_set_ip4_u32_val(address, v4);
    return address;
  }
#if LWIP_IPV6
  ip6_addr_t* v6 = ip_2_ip6(&address);
  std::memcpy(v6->addr, e.address, 16);
  IP_SET_TYPE_VAL(address, IPADDR_TYPE_V6);
#if LWIP_IPV6_SCOPES
  ip6_addr_set_zone(v6, static_cast<u8_t>(e.scope));
#endif
#endif
  return address;
}

Endpoint from_ip_addr(const ip_addr_t& address, u16_t port) {
  Endpoint e;
  e.port = port;
#if LWIP_IPV6
  if (!IP_IS_V4_VAL(address)) {
    // A dual-stack socket bound to "any" holds IPADDR_TYPE_ANY: that is "::".
    e.family = kFamilyInet6;
    if (IP_IS_V6_VAL(address)) {
      std::memcpy(e.address, ip_2_ip6(&address)->addr, 16);
#if LWIP_IPV6_SCOPES
      e.scope = ip6_addr_zone(ip_2_ip6(&address));
#endif
    }
    return e;
  }
#endif
  e.family = kFamilyInet;
  u32_t v4 = ip4_addr_get_u32(ip_2_ip4(&address));
  std::memcpy(e.address, &v4, 4);
  return e;
}

}  // namespace cairn::sockets
