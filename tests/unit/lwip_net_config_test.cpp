// The net.* kernel options of the lwIP interfaces (libs/lwip/src/net_config.cpp) and
// the line logged per interface.
#include <string>

#include <gtest/gtest.h>

#include "net_config.h"

namespace cairn::lwip {
namespace {

TEST(NetConfigTest, ParsesAddresses) {
  EXPECT_EQ(parse_ipv4("10.0.2.15").value(), 0x0a00020fu);
  EXPECT_EQ(parse_ipv4("255.255.255.255").value(), 0xffffffffu);
  for (const char* bad : {"", "10.0.2", "10.0.2.15.1", "10.0.2.256", "10..2.15", "a.b.c.d",
                          "10.0.2.15 ", "1000.0.0.1", "10.0.2.-1"})
    EXPECT_FALSE(parse_ipv4(bad).ok()) << bad;
}

TEST(NetConfigTest, IpOptionTakesAddressPrefixOrMode) {
  InterfaceConfig config;
  ASSERT_TRUE(parse_ip_option("10.0.2.15/16", config).ok());
  EXPECT_EQ(config.mode, AddressMode::kStatic);
  EXPECT_EQ(config.address, 0x0a00020fu);
  EXPECT_EQ(config.prefix, 16);
  ASSERT_TRUE(parse_ip_option("10.0.2.16", config).ok());
  EXPECT_EQ(config.prefix, 24);  // the default
  ASSERT_TRUE(parse_ip_option("dhcp", config).ok());
  EXPECT_EQ(config.mode, AddressMode::kDhcp);
  ASSERT_TRUE(parse_ip_option("off", config).ok());
  EXPECT_EQ(config.mode, AddressMode::kOff);
  for (const char* bad :
       {"10.0.2.15/33", "10.0.2.15/", "10.0.2.15/2x", "0.0.0.0/8", "auto", "10.0.2.300/24"}) {
    InterfaceConfig untouched;
    EXPECT_FALSE(parse_ip_option(bad, untouched).ok()) << bad;
  }
}

TEST(NetConfigTest, GatewayAndDns) {
  InterfaceConfig config;
  ASSERT_TRUE(parse_gateway_option("10.0.2.2", config).ok());
  EXPECT_TRUE(config.has_gateway);
  EXPECT_EQ(config.gateway, 0x0a000202u);
  ASSERT_TRUE(parse_dns_option("10.0.2.3,1.2.3.4", config).ok());
  EXPECT_EQ(config.dns_count, 2);
  EXPECT_EQ(config.dns[1], 0x01020304u);
  ASSERT_TRUE(parse_dns_option("10.0.2.3", config).ok());
  EXPECT_EQ(config.dns_count, 1);
  EXPECT_FALSE(parse_dns_option("1.1.1.1,2.2.2.2,3.3.3.3", config).ok());
  EXPECT_FALSE(parse_dns_option("10.0.2.3,", config).ok());
  EXPECT_EQ(config.dns_count, 1);  // a refused value changes nothing
}

TEST(NetConfigTest, PrefixesAndNetmasks) {
  EXPECT_EQ(prefix_netmask(0), 0u);
  EXPECT_EQ(prefix_netmask(24), 0xffffff00u);
  EXPECT_EQ(prefix_netmask(32), 0xffffffffu);
  EXPECT_EQ(netmask_prefix(0xffffff00u), 24);
  EXPECT_EQ(netmask_prefix(0), 0);
  EXPECT_EQ(netmask_prefix(0xffffffffu), 32);
  EXPECT_EQ(netmask_prefix(0xff00ff00u), -1);
}

TEST(NetConfigTest, FormatsTheBootLine) {
  const std::uint32_t dns[] = {0x0a000203u};
  char line[160];
  format_address_report(line, sizeof line,
                        {"eth0", 0x0a00020fu, 24, 0x0a000202u, dns, 1, "dhcp", 12});
  EXPECT_EQ(std::string(line), "eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3 (dhcp, 12 ms)");
  format_address_report(line, sizeof line, {"eth1", 0x0a00030fu, 24, 0, nullptr, 0, "static", -1});
  EXPECT_EQ(std::string(line), "eth1 10.0.3.15/24 (static)");
  char small[10];
  const std::size_t full = format_address_report(
      small, sizeof small, {"eth0", 0x0a00020fu, 24, 0x0a000202u, dns, 1, "dhcp", 12});
  EXPECT_EQ(full, std::string("eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3 (dhcp, 12 ms)").size());
  EXPECT_EQ(std::string(small), "eth0 10.0");
}

}  // namespace
}  // namespace cairn::lwip
