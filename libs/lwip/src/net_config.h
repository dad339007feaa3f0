// Interface addressing from the kernel command line, parsed without lwIP so the host
// tests can check it alone. Addresses are IPv4 in host byte order.
//
//   net.ip=A.B.C.D[/P] | dhcp | off   eth0's address (prefix length P, default 24), or
//                                      DHCP, or no IPv4 address at all
//   net.gw=A.B.C.D                    eth0's default gateway (with a static address)
//   net.dns=A.B.C.D[,A.B.C.D]         DNS servers (with any mode)
//   net.ethN.ip= / .gw= / .dns=       the same for card ethN (N = 0..7; net.ip is
//                                      net.eth0.ip)
//
// Without net.ip an interface uses DHCP when CONFIG_NET_DHCP is on, else stays without
// an IPv4 address. docs/networking.md has the details.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <cairn/kernel/result.h>

namespace cairn::lwip {

// Interfaces eth0..eth7 can be configured on the command line.
inline constexpr std::size_t kMaxConfiguredInterfaces = 8;
inline constexpr std::size_t kMaxDnsPerInterface = 2;

enum class AddressMode : std::uint8_t { kDefault, kDhcp, kStatic, kOff };

struct InterfaceConfig {
  AddressMode mode = AddressMode::kDefault;
  std::uint32_t address = 0;
  std::uint8_t prefix = 0;
  bool has_gateway = false;
  std::uint32_t gateway = 0;
  std::uint8_t dns_count = 0;
  std::uint32_t dns[kMaxDnsPerInterface] = {};
};

// "10.0.2.15": four decimal numbers 0-255, nothing else.
Result<std::uint32_t> parse_ipv4(std::string_view text);
// The value of net.ip into `config` (mode, address, prefix).
Result<void> parse_ip_option(std::string_view value, InterfaceConfig& config);
Result<void> parse_gateway_option(std::string_view value, InterfaceConfig& config);
Result<void> parse_dns_option(std::string_view value, InterfaceConfig& config);

// The netmask of a prefix length (24 -> 0xffffff00); 0 for 0.
std::uint32_t prefix_netmask(std::uint8_t prefix);
// The prefix length of a netmask, or -1 when its ones are not contiguous.
int netmask_prefix(std::uint32_t netmask);

// The one line logged per interface once it is addressed:
//   "eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3 (dhcp, 12 ms)"
// `how` is "dhcp" or "static"; elapsed_ms < 0 leaves the time out. Returns the length
// (snprintf semantics).
struct AddressReport {
  const char* name;
  std::uint32_t address;
  std::uint8_t prefix;
  std::uint32_t gateway;  // 0: none
  const std::uint32_t* dns;
  std::size_t dns_count;
  const char* how;
  long elapsed_ms;
};
std::size_t format_address_report(char* out, std::size_t size, const AddressReport& report);

}  // namespace cairn::lwip
