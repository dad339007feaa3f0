// One lwIP interface per packet device, added at the `net` initcall level: the netif
// (port/netif_device.cpp), its receive thread (port/netif_thread.cpp) and its
// addressing: static from the net.* kernel options, else DHCP (CONFIG_NET_DHCP), plus
// IPv6 link-local and SLAAC when lwIP has IPv6. Waiting for the addresses is
// address_wait.cpp's job, at the `late` level, so that other `net` initcalls run
// meanwhile.
#include "interfaces.h"

#include <errno.h>

#include <cstring>
#include <new>

#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/lwip/interfaces.h>
#include <cairn/lwip/stack.h>
#include <cairn/net/registry.h>
#include <cairn/time/clock.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/tcpip.h"
#include "net_params.h"
#include "netif/ethernet.h"

namespace cairn::lwip {
namespace {

Interface* table[net::kMaxDevices];
std::size_t count;
sched::Semaphore changed;

Interface* find(const struct netif* netif) {
  for (std::size_t i = 0; i < count; ++i)
    if (&table[i]->card.dn.netif == netif) return table[i];
  return nullptr;
}

ip4_addr_t ip4(std::uint32_t host_order) {
  ip4_addr_t a;
  ip4_addr_set_u32(&a, lwip_htonl(host_order));
  return a;
}

// lwIP's status callback (tcpip thread, or a thread holding the core lock): the IPv4
// address, or the interface's up state, changed.
void on_status(struct netif* netif) {
  Interface* interface = find(netif);
  if (interface == nullptr) return;
  if (interface->addressed_ns == 0 && !ip4_addr_isany_val(*netif_ip4_addr(netif)))
    interface->addressed_ns = time::monotonic_ns();
  changed.post();
}

InterfaceConfig resolve(std::size_t index) {
  InterfaceConfig config =
      index < kMaxConfiguredInterfaces ? interface_config(index) : InterfaceConfig{};
  if (config.mode == AddressMode::kDefault) {
#ifdef CONFIG_NET_DHCP
    config.mode = AddressMode::kDhcp;
#else
    config.mode = AddressMode::kOff;
#endif
  }
  return config;
}

// With the core lock held.
void configure(Interface& interface, const char* name, bool make_default) {
  struct netif* netif = &interface.card.dn.netif;
  const InterfaceConfig& config = interface.config;
  netif_set_status_callback(netif, on_status);
  if (config.mode == AddressMode::kStatic) {
    const ip4_addr_t address = ip4(config.address);
    const ip4_addr_t netmask = ip4(prefix_netmask(config.prefix));
    const ip4_addr_t gateway = ip4(config.has_gateway ? config.gateway : 0);
    netif_set_addr(netif, &address, &netmask, &gateway);
  } else if (config.has_gateway) {
    kwarn("%s: net gateway option ignored: the interface has no static address", name);
  }
#if LWIP_IPV6
  netif_create_ip6_linklocal_address(netif, 1);
  netif_set_ip6_autoconfig_enabled(netif, 1);
#endif
  if (make_default) netif_set_default(netif);
  netif_set_up(netif);
  if (config.mode == AddressMode::kDhcp) {
    interface.started_ns = time::monotonic_ns();
    if (err_t err = dhcp_start(netif); err != ERR_OK)
      kwarn("%s: cannot start DHCP (lwIP error %d)", name, static_cast<int>(err));
  }
}

Result<void> add(net::PacketDevice& device, std::size_t index, bool make_default) {
  auto* interface = new (std::nothrow) Interface;
  if (interface == nullptr) return Error(ENOMEM, "no memory for the interface");
  interface->card.dn.device = &device;
  interface->config = resolve(index);
  LOCK_TCPIP_CORE();
  struct netif* added = netif_add(&interface->card.dn.netif, nullptr, nullptr, nullptr,
                                  &interface->card.dn, device_netif_init, ethernet_input);
  if (added != nullptr) {
    table[count++] = interface;
    device_netif_sync_link(interface->card.dn);
    configure(*interface, device.name(), make_default);
  }
  UNLOCK_TCPIP_CORE();
  if (added == nullptr) {
    delete interface;
    return Error(EIO, "lwIP refused the interface");
  }
  return start_card_thread(interface->card);
}

void start_interfaces() {
  std::span<net::PacketDevice* const> devices = net::devices();
  for (std::size_t i = devices.size(); i < kMaxConfiguredInterfaces; ++i)
    if (interface_configured(i)) kwarn("net.eth%zu options given, but there is no eth%zu", i, i);
  if (devices.empty()) return;
  start();
  bool have_default = false;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const bool make_default = !have_default && resolve(i).mode != AddressMode::kOff;
    if (Result<void> added = add(*devices[i], i, make_default); !added) {
      kwarn("%s: no network interface: %s", devices[i]->name(), added.error().message());
      continue;
    }
    have_default = have_default || make_default;
  }
  LOCK_TCPIP_CORE();
  apply_configured_dns();
  UNLOCK_TCPIP_CORE();
}
CAIRN_INITCALL(net, start_interfaces);

}  // namespace

std::span<Interface* const> interfaces() { return {table, count}; }

sched::Semaphore& address_changed() { return changed; }

void apply_configured_dns() {
  u8_t server = 0;
  for (std::size_t i = 0; i < count && i < kMaxConfiguredInterfaces; ++i) {
    const InterfaceConfig& config = table[i]->config;
    for (std::size_t k = 0; k < config.dns_count && server < DNS_MAX_SERVERS; ++k) {
      ip_addr_t address;
      ip_addr_set_ip4_u32_val(address, lwip_htonl(config.dns[k]));
      dns_setserver(server++, &address);
    }
  }
}

}  // namespace cairn::lwip

extern "C" struct netif* cairn_lwip_find_netif(const char* name) {
  for (cairn::lwip::Interface* interface : cairn::lwip::interfaces())
    if (std::strcmp(interface->card.dn.device->name(), name) == 0) return &interface->card.dn.netif;
  return nullptr;
}

extern "C" const char* cairn_lwip_netif_name(const struct netif* netif) {
  for (cairn::lwip::Interface* interface : cairn::lwip::interfaces())
    if (&interface->card.dn.netif == netif) return interface->card.dn.device->name();
  return nullptr;
}
