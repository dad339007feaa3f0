// Parsing the net.* kernel options (net_config.h). Strict: a value that does not parse
// is refused whole, and the kernel's warning names the option.
#include "net_config.h"

#include <errno.h>

#include <cairn/kernel/format.h>

namespace cairn::lwip {
namespace {

// Views are cut by hand below: string_view::substr would pull in the hosted library's
// out_of_range exception, which the image does not have.

// A decimal number up to `max` at the start of `text`, consumed.
Result<std::uint32_t> take_number(std::string_view& text, std::uint32_t max, const char* what) {
  std::size_t digits = 0;
  std::uint32_t n = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    n = n * 10 + static_cast<std::uint32_t>(text[digits] - '0');
    if (++digits > 3 || n > max) return Error(EINVAL, what);
  }
  if (digits == 0) return Error(EINVAL, what);
  text.remove_prefix(digits);
  return n;
}

constexpr const char* kBadAddress = "expected an IPv4 address A.B.C.D";

}  // namespace

Result<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return Error(EINVAL, kBadAddress);
      text.remove_prefix(1);
    }
    address = address << 8 | TRY(take_number(text, 255, kBadAddress));
  }
  if (!text.empty()) return Error(EINVAL, kBadAddress);
  return address;
}

Result<void> parse_ip_option(std::string_view value, InterfaceConfig& config) {
  if (value == "dhcp" || value == "off") {
    config.mode = value == "dhcp" ? AddressMode::kDhcp : AddressMode::kOff;
    config.address = 0;
    config.prefix = 0;
    return {};
  }
  std::uint8_t prefix = 24;
  std::size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    std::string_view rest(value.data() + slash + 1, value.size() - slash - 1);
    Result<std::uint32_t> n = take_number(rest, 32, "expected a prefix length 0-32 after '/'");
    if (!n) return n.error();
    if (!rest.empty()) return Error(EINVAL, "expected a prefix length 0-32 after '/'");
    prefix = static_cast<std::uint8_t>(n.value());
    value = std::string_view(value.data(), slash);
  }
  Result<std::uint32_t> address = parse_ipv4(value);
  if (!address) return Error(EINVAL, "expected A.B.C.D[/PREFIX], dhcp or off");
  if (address.value() == 0) return Error(EINVAL, "0.0.0.0 is not an interface address");
  config.mode = AddressMode::kStatic;
  config.address = address.value();
  config.prefix = prefix;
  return {};
}

Result<void> parse_gateway_option(std::string_view value, InterfaceConfig& config) {
  config.gateway = TRY(parse_ipv4(value));
  config.has_gateway = true;
  return {};
}

Result<void> parse_dns_option(std::string_view value, InterfaceConfig& config) {
  std::uint32_t servers[kMaxDnsPerInterface];
  std::uint8_t count = 0;
  while (true) {
    std::size_t comma = value.find(',');
    if (count == kMaxDnsPerInterface) return Error(EINVAL, "at most 2 DNS servers");
    servers[count++] =
        TRY(parse_ipv4({value.data(), comma == std::string_view::npos ? value.size() : comma}));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  for (std::uint8_t i = 0; i < count; ++i) config.dns[i] = servers[i];
  config.dns_count = count;
  return {};
}

std::uint32_t prefix_netmask(std::uint8_t prefix) {
  return prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

int netmask_prefix(std::uint32_t netmask) {
  int prefix = 0;
  while (prefix < 32 && (netmask & (0x80000000u >> prefix)) != 0) ++prefix;
  return prefix_netmask(static_cast<std::uint8_t>(prefix)) == netmask ? prefix : -1;
}

std::size_t format_address_report(char* out, std::size_t size, const AddressReport& r) {
  auto quad = [](std::uint32_t a, int shift) { return static_cast<unsigned>(a >> shift & 0xff); };
  std::size_t n =
      format_to(out, size, "%s %u.%u.%u.%u/%u", r.name, quad(r.address, 24), quad(r.address, 16),
                quad(r.address, 8), quad(r.address, 0), static_cast<unsigned>(r.prefix));
  auto more = [&](const char* fmt, auto... args) {
    n += format_to(n < size ? out + n : nullptr, n < size ? size - n : 0, fmt, args...);
  };
  if (r.gateway != 0)
    more(" gw %u.%u.%u.%u", quad(r.gateway, 24), quad(r.gateway, 16), quad(r.gateway, 8),
         quad(r.gateway, 0));
  for (std::size_t i = 0; i < r.dns_count; ++i)
    more(i == 0 ? " dns %u.%u.%u.%u" : ",%u.%u.%u.%u", quad(r.dns[i], 24), quad(r.dns[i], 16),
         quad(r.dns[i], 8), quad(r.dns[i], 0));
  if (r.elapsed_ms >= 0)
    more(" (%s, %ld ms)", r.how, r.elapsed_ms);
  else
    more(" (%s)", r.how);
  return n;
}

}  // namespace cairn::lwip
