// The bounded wait before main (`late` initcall level): every interface that asked DHCP
// for an address gets CONFIG_NET_DHCP_TIMEOUT_MS from the start of DHCP to obtain one,
// so main starts with the network addressed, or with a warning saying which interface
// is not. With CONFIG_BOOT_LOG each interface's address is logged in one line.
#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/time/clock.h>

#include "interfaces.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/tcpip.h"

namespace cairn::lwip {
namespace {

#ifdef CONFIG_NET_DHCP
constexpr std::uint64_t kTimeoutNs = std::uint64_t{CONFIG_NET_DHCP_TIMEOUT_MS} * 1'000'000;
#else
constexpr std::uint64_t kTimeoutNs = 0;
#endif

// With the core lock held.
bool all_addressed(std::uint64_t& deadline) {
  bool all = true;
  deadline = 0;
  for (const Interface* interface : interfaces()) {
    if (interface->config.mode != AddressMode::kDhcp || interface->addressed_ns != 0) continue;
    all = false;
    if (interface->started_ns + kTimeoutNs > deadline)
      deadline = interface->started_ns + kTimeoutNs;
  }
  return all;
}

#ifdef CONFIG_BOOT_LOG
std::uint32_t host_order(const ip4_addr_t* address) {
  return lwip_ntohl(ip4_addr_get_u32(address));
}
#endif

// With the core lock held.
void report(const Interface& interface) {
  const char* name = interface.card.dn.device->name();
  const struct netif* netif = &interface.card.dn.netif;
  const InterfaceConfig& config = interface.config;
  if (config.mode == AddressMode::kOff) return;
  if (config.mode == AddressMode::kDhcp && interface.addressed_ns == 0) {
    kwarn("%s: no DHCP lease within %llu ms%s", name,
          static_cast<unsigned long long>(kTimeoutNs / 1'000'000),
          netif_is_link_up(netif) ? "" : " (link down)");
    return;
  }
#ifdef CONFIG_BOOT_LOG
  std::uint32_t dns[DNS_MAX_SERVERS];
  std::size_t dns_count = 0;
  for (u8_t i = 0; i < DNS_MAX_SERVERS; ++i) {
    const ip_addr_t* server = dns_getserver(i);
    if (IP_IS_V4(server) && !ip_addr_isany(server)) dns[dns_count++] = host_order(ip_2_ip4(server));
  }
  const int prefix = netmask_prefix(host_order(netif_ip4_netmask(netif)));
  const bool dhcp = config.mode == AddressMode::kDhcp;
  const AddressReport line{
      name,
      host_order(netif_ip4_addr(netif)),
      static_cast<std::uint8_t>(prefix < 0 ? 0 : prefix),
      host_order(netif_ip4_gw(netif)),
      dns,
      dns_count,
      dhcp ? "dhcp" : "static",
      dhcp ? static_cast<long>((interface.addressed_ns - interface.started_ns) / 1'000'000) : -1};
  char text[160];
  format_address_report(text, sizeof text, line);
  kprintf("cairn: %s\n", text);
#endif
}

void wait_for_addresses() {
  if (interfaces().empty()) return;
  for (;;) {
    std::uint64_t deadline;
    LOCK_TCPIP_CORE();
    const bool done = all_addressed(deadline);
    UNLOCK_TCPIP_CORE();
    if (done || time::monotonic_ns() >= deadline) break;
    (void)address_changed().wait(deadline);
  }
  LOCK_TCPIP_CORE();
  // Servers given on the command line win over the lease's.
  apply_configured_dns();
  for (const Interface* interface : interfaces()) report(*interface);
  UNLOCK_TCPIP_CORE();
}
CAIRN_INITCALL(late, wait_for_addresses);

}  // namespace
}  // namespace cairn::lwip
