// The net.* kernel options (syntax in net_config.h): parsed as the kernel applies the
// command line, before any initcall of the `net` level, into one InterfaceConfig per
// card. A value that does not parse leaves the card's configuration as it was, and the
// kernel warns naming the option.
#include <cairn/kernel/param.h>

#include "net_params.h"

namespace cairn::lwip {
namespace {

InterfaceConfig configs[kMaxConfiguredInterfaces];
bool given[kMaxConfiguredInterfaces];

template <std::size_t N, Result<void> (*Parse)(std::string_view, InterfaceConfig&)>
Result<void> set(std::string_view value) {
  InterfaceConfig config = configs[N];
  TRY(Parse(value, config));
  configs[N] = config;
  given[N] = true;
  return {};
}

}  // namespace

const InterfaceConfig& interface_config(std::size_t index) { return configs[index]; }
bool interface_configured(std::size_t index) { return given[index]; }

}  // namespace cairn::lwip

// eth0's short forms, then net.ethN.* for every configurable card.
CAIRN_PARAM(net_ip, "net.ip", (cairn::lwip::set<0, cairn::lwip::parse_ip_option>),
            "eth0's IPv4 address: A.B.C.D[/PREFIX] (default /24), dhcp or off");
CAIRN_PARAM(net_gw, "net.gw", (cairn::lwip::set<0, cairn::lwip::parse_gateway_option>),
            "eth0's default gateway: A.B.C.D");
CAIRN_PARAM(net_dns, "net.dns", (cairn::lwip::set<0, cairn::lwip::parse_dns_option>),
            "DNS servers: A.B.C.D[,A.B.C.D]");

#define CAIRN_NET_INTERFACE_PARAMS(n)                                     \
  CAIRN_PARAM(net_eth##n##_ip, "net.eth" #n ".ip",                        \
              (cairn::lwip::set<n, cairn::lwip::parse_ip_option>),        \
              "eth" #n "'s IPv4 address: A.B.C.D[/PREFIX], dhcp or off"); \
  CAIRN_PARAM(net_eth##n##_gw, "net.eth" #n ".gw",                        \
              (cairn::lwip::set<n, cairn::lwip::parse_gateway_option>),   \
              "eth" #n "'s default gateway");                             \
  CAIRN_PARAM(net_eth##n##_dns, "net.eth" #n ".dns",                      \
              (cairn::lwip::set<n, cairn::lwip::parse_dns_option>), "DNS servers from eth" #n)

CAIRN_NET_INTERFACE_PARAMS(0);
CAIRN_NET_INTERFACE_PARAMS(1);
CAIRN_NET_INTERFACE_PARAMS(2);
CAIRN_NET_INTERFACE_PARAMS(3);
CAIRN_NET_INTERFACE_PARAMS(4);
CAIRN_NET_INTERFACE_PARAMS(5);
CAIRN_NET_INTERFACE_PARAMS(6);
CAIRN_NET_INTERFACE_PARAMS(7);
static_assert(cairn::lwip::kMaxConfiguredInterfaces == 8);
