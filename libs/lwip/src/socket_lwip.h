// What the socket files share about lwIP: the core lock as a scoped guard, endpoints
// to and from ip_addr_t, and the size of a netconn mailbox.
#pragma once

#include <cstddef>

#include "lwip/api.h"
#include "lwip/tcpip.h"
#include "socket_address.h"

// Messages waiting in a mailbox (0 when it is invalid); libs/lwip/port/sys_arch.cpp.
// With the core lock held, lwIP cannot free the mailbox meanwhile.
std::size_t cairn_lwip_mbox_count(sys_mbox_t* mbox);

namespace cairn::sockets {

// lwIP's core lock. Never call a netconn function with it held: they take it
// themselves, and it does not nest.
class CoreLock {
 public:
  CoreLock() { LOCK_TCPIP_CORE(); }
  ~CoreLock() { UNLOCK_TCPIP_CORE(); }
  CoreLock(const CoreLock&) = delete;
  CoreLock& operator=(const CoreLock&) = delete;
};

ip_addr_t to_ip_addr(const Endpoint& endpoint);
Endpoint from_ip_addr(const ip_addr_t& address, u16_t port);

}  // namespace cairn::sockets
