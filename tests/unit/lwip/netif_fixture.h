// The fixture of the netif tests: lwIP compiled for the host (tests/lwip_host: NO_SYS=1,
// so tests call lwIP directly), one netif on a simulated packet device, frame builders
// for the peer's side, and a check that every lwIP pool is back where it was.
#pragma once

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "lwip/etharp.h"
#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"
#include "netif_device.h"
#include "sim_packet_device.h"

namespace cairn::lwip::test {

using Bytes = std::vector<std::uint8_t>;

inline const std::uint8_t kOurMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
inline const std::uint8_t kPeerMac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
inline const std::uint8_t kOurIp[4] = {10, 0, 2, 15};
inline const std::uint8_t kPeerIp[4] = {10, 0, 2, 2};

inline void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

inline Bytes ethernet(const std::uint8_t* destination, std::uint16_t type) {
  Bytes b(14);
  std::memcpy(&b[0], destination, 6);
  std::memcpy(&b[6], kPeerMac, 6);
  put16(b, 12, type);
  return b;
}

// "Who has 10.0.2.15? Tell 10.0.2.2", from the peer.
inline Bytes arp_request() {
  static const std::uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  Bytes b = ethernet(broadcast, 0x0806);
  const std::uint8_t arp[8] = {0, 1, 8, 0, 6, 4, 0, 1};
  b.insert(b.end(), arp, arp + 8);
  b.insert(b.end(), kPeerMac, kPeerMac + 6);
  b.insert(b.end(), kPeerIp, kPeerIp + 4);
  b.insert(b.end(), 6, 0);
  b.insert(b.end(), kOurIp, kOurIp + 4);
  b.resize(60);  // padded to the Ethernet minimum, as on the wire
  return b;
}

// An ICMP echo request from the peer with `payload` bytes of data.
inline Bytes echo_request(std::size_t payload) {
  Bytes b = ethernet(kOurMac, 0x0800);
  Bytes ip(20);
  ip[0] = 0x45;
  put16(ip, 2, static_cast<std::uint16_t>(20 + 8 + payload));
  ip[8] = 64;
  ip[9] = 1;
  std::memcpy(&ip[12], kPeerIp, 4);
  std::memcpy(&ip[16], kOurIp, 4);
  const std::uint16_t ip_sum = inet_chksum(ip.data(), 20);
  std::memcpy(&ip[10], &ip_sum, 2);
  Bytes icmp(8 + payload);
  icmp[0] = 8;
  put16(icmp, 4, 0x1234);
  put16(icmp, 6, 1);
  for (std::size_t i = 0; i < payload; ++i) icmp[8 + i] = static_cast<std::uint8_t>(i * 7);
  const std::uint16_t icmp_sum = inet_chksum(icmp.data(), static_cast<u16_t>(icmp.size()));
  std::memcpy(&icmp[2], &icmp_sum, 2);
  b.insert(b.end(), ip.begin(), ip.end());
  b.insert(b.end(), icmp.begin(), icmp.end());
  return b;
}

class NetifDeviceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static bool initialised = false;
    if (!initialised) lwip_init();
    initialised = true;
  }

  void SetUp() override {
    for (int i = 0; i < MEMP_MAX; ++i) baseline_[i] = lwip_stats.memp[i]->used;
    dn_.device = &device_;
    ip4_addr_t address, netmask, gateway;
    IP4_ADDR(&address, 10, 0, 2, 15);
    IP4_ADDR(&netmask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 10, 0, 2, 2);
    ASSERT_NE(netif_add(&dn_.netif, &address, &netmask, &gateway, &dn_, device_netif_init,
                        ethernet_input),
              nullptr);
    device_.set_listener(device_netif_listener(dn_));
    netif_set_up(&dn_.netif);
    device_netif_sync_link(dn_);
    // Coming up, lwIP announces itself (gratuitous ARP): not what the tests look at.
    ASSERT_TRUE(device_.reclaim().ok());
    device_.sent.clear();
  }

  void TearDown() override {
    (void)device_.reclaim();
    netif_remove(&dn_.netif);
    etharp_cleanup_netif(&dn_.netif);
    EXPECT_EQ(device_.lent(), 0u) << "segments not given back";
    for (int i = 0; i < MEMP_MAX; ++i)
      EXPECT_EQ(lwip_stats.memp[i]->used, baseline_[i]) << lwip_stats.memp[i]->name << " leaked";
  }

  std::size_t poll(std::size_t budget = 32) {
    Result<std::size_t> taken = device_netif_poll(dn_, budget);
    EXPECT_TRUE(taken.ok());
    return taken.ok() ? taken.value() : 0;
  }

  // Learns the peer's MAC address the way lwIP does: from its ARP request for us.
  void learn_peer() {
    device_.inject(arp_request());
    ASSERT_EQ(poll(), 1u);
    device_.sent.clear();
  }

  SimPacketDevice device_;
  DeviceNetif dn_;
  mem_size_t baseline_[MEMP_MAX];
};

}  // namespace cairn::lwip::test
