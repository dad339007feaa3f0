// The cards' interfaces (interfaces.cpp), shared with the wait before main
// (address_wait.cpp).
#pragma once

#include <cstdint>
#include <span>

#include <cairn/sched/sync.h>

#include "net_config.h"
#include "netif_thread.h"

namespace cairn::lwip {

struct Interface {
  CardNetif card;
  InterfaceConfig config;        // mode resolved: never kDefault
  std::uint64_t started_ns = 0;  // when DHCP started
  // When DHCP first gave an address; 0 before. Written by the tcpip thread.
  std::uint64_t addressed_ns = 0;
};

// Every card's interface, in eth order; empty before the `net` level.
std::span<Interface* const> interfaces();
// Posted whenever an interface's IPv4 address changes.
sched::Semaphore& address_changed();
// Sets lwIP's DNS servers from the command line (eth0's first), over any that DHCP
// set. With the core lock held.
void apply_configured_dns();

}  // namespace cairn::lwip
