// The lwIP netif over a packet device (libs/lwip/port/netif_device.cpp) against a
// simulated device, with lwIP compiled for the host (tests/lwip_host: NO_SYS=1, so the
// test calls lwIP directly). Frames go in through the real input path (ethernet_input)
// and what lwIP answers comes out through the netif's transmit mapping.
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

namespace cairn::lwip {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::SimPacketDevice;

const std::uint8_t kOurMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const std::uint8_t kPeerMac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
const std::uint8_t kOurIp[4] = {10, 0, 2, 15};
const std::uint8_t kPeerIp[4] = {10, 0, 2, 2};

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

Bytes ethernet(const std::uint8_t* destination, std::uint16_t type) {
  Bytes b(14);
  std::memcpy(&b[0], destination, 6);
  std::memcpy(&b[6], kPeerMac, 6);
  put16(b, 12, type);
  return b;
}

// "Who has 10.0.2.15? Tell 10.0.2.2", from the peer.
Bytes arp_request() {
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
Bytes echo_request(std::size_t payload) {
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

TEST_F(NetifDeviceTest, TakesMacMtuAndLinkFromTheDevice) {
  EXPECT_EQ(std::memcmp(dn_.netif.hwaddr, kOurMac, 6), 0);
  EXPECT_EQ(dn_.netif.hwaddr_len, 6);
  EXPECT_EQ(dn_.netif.mtu, 1500);
  EXPECT_EQ(dn_.netif.name[0], 'e');
  EXPECT_TRUE(dn_.netif.flags & NETIF_FLAG_ETHARP);
  EXPECT_TRUE(dn_.netif.flags & NETIF_FLAG_MLD6);
  EXPECT_TRUE(netif_is_link_up(&dn_.netif));
  device_.link = false;
  device_netif_sync_link(dn_);
  EXPECT_FALSE(netif_is_link_up(&dn_.netif));
  device_.link = true;
  device_netif_sync_link(dn_);
  EXPECT_TRUE(netif_is_link_up(&dn_.netif));
}

TEST_F(NetifDeviceTest, AnswersArpAndReleasesTheRequest) {
  device_.inject(arp_request());
  EXPECT_EQ(poll(), 1u);
  EXPECT_EQ(device_.lent(), 0u);
  ASSERT_EQ(device_.sent.size(), 1u);
  const Bytes& reply = device_.sent[0].bytes;
  ASSERT_GE(reply.size(), 42u);
  EXPECT_EQ(std::memcmp(&reply[0], kPeerMac, 6), 0);
  EXPECT_EQ(std::memcmp(&reply[6], kOurMac, 6), 0);
  EXPECT_EQ(reply[21], 2);  // ARP reply
  EXPECT_EQ(std::memcmp(&reply[28], kOurIp, 4), 0);
  EXPECT_EQ(dn_.rx_frames, 1u);
  EXPECT_EQ(dn_.rx_copied, 0u);  // lent to lwIP in place
}

// A request cut into 3 segments is one pbuf chain; the reply carries the same data.
TEST_F(NetifDeviceTest, EchoesPingAcrossSegments) {
  learn_peer();
  const Bytes request = echo_request(1000);
  device_.inject(request, 400);
  EXPECT_EQ(poll(), 1u);
  ASSERT_EQ(device_.sent.size(), 1u);
  const Bytes& reply = device_.sent[0].bytes;
  ASSERT_EQ(reply.size(), request.size());
  EXPECT_EQ(reply[14 + 20], 0);  // echo reply
  EXPECT_EQ(std::memcmp(&reply[14 + 28], &request[14 + 28], 1000), 0);
  // Large enough to go in place: the device holds the frame until it completes.
  EXPECT_NE(device_.sent[0].cookie, nullptr);
  EXPECT_EQ(dn_.tx_in_flight, 1u);
  ASSERT_TRUE(device_.reclaim().ok());
  EXPECT_EQ(dn_.tx_in_flight, 0u);
}

// lwIP wants a packet's headers in its first pbuf: a frame cut inside them is copied,
// and so is a runt; both are still answered.
TEST_F(NetifDeviceTest, CopiesFramesWhoseHeadersSpanSegments) {
  learn_peer();
  device_.inject(echo_request(200), 20);
  Bytes runt = arp_request();
  runt.resize(42);
  device_.inject(runt);
  EXPECT_EQ(poll(), 2u);
  EXPECT_EQ(device_.lent(), 0u);
  EXPECT_EQ(dn_.rx_copied, 2u);
  EXPECT_EQ(device_.sent.size(), 2u);
}

TEST_F(NetifDeviceTest, CopiesWhenTheDriverAdvisesIt) {
  device_.inject(arp_request(), 10, net::PacketBuffer::kCopyAdvised);
  EXPECT_EQ(poll(), 1u);
  EXPECT_EQ(device_.lent(), 0u);
  EXPECT_EQ(dn_.rx_copied, 1u);
  EXPECT_EQ(device_.sent.size(), 1u);  // and lwIP still answered it
}

TEST_F(NetifDeviceTest, DropsACopyWhenThePoolIsEmpty) {
  std::vector<pbuf*> hoard;
  while (pbuf* p = pbuf_alloc(PBUF_RAW, 100, PBUF_POOL)) hoard.push_back(p);
  device_.inject(arp_request(), 0, net::PacketBuffer::kCopyAdvised);
  EXPECT_EQ(poll(), 1u);
  EXPECT_EQ(device_.lent(), 0u);
  EXPECT_EQ(dn_.rx_dropped, 1u);
  EXPECT_TRUE(device_.sent.empty());
  for (pbuf* p : hoard) pbuf_free(p);
}

TEST_F(NetifDeviceTest, PollKeepsToItsBudget) {
  for (int i = 0; i < 5; ++i) device_.inject(arp_request());
  EXPECT_EQ(poll(2), 2u);  // not drained: the caller must come back
  EXPECT_EQ(device_.waiting(), 3u);
  EXPECT_EQ(poll(32), 3u);  // drained
  EXPECT_EQ(device_.sent.size(), 5u);
}

TEST_F(NetifDeviceTest, ReportsABrokenDevice) {
  device_.broken = true;
  EXPECT_FALSE(device_netif_poll(dn_, 32).ok());
}

// Transmit: the pbuf chain's pieces in place, or a copy for short frames.
struct Chain {
  explicit Chain(std::vector<u16_t> lengths) {
    for (u16_t length : lengths) {
      pbuf* p = pbuf_alloc(PBUF_RAW, length, PBUF_RAM);
      std::memset(p->payload, static_cast<int>(length & 0xff), length);
      if (head == nullptr)
        head = p;
      else
        pbuf_cat(head, p);
    }
  }
  ~Chain() { pbuf_free(head); }
  pbuf* head = nullptr;
};

TEST_F(NetifDeviceTest, SendsLargeChainsInPlace) {
  Chain chain({14, 20, 0, 600});
  ASSERT_EQ(dn_.netif.linkoutput(&dn_.netif, chain.head), ERR_OK);
  ASSERT_EQ(device_.sent.size(), 1u);
  EXPECT_EQ(device_.sent[0].segments, 3u);  // the empty pbuf is left out
  EXPECT_EQ(device_.sent[0].bytes.size(), 634u);
  EXPECT_EQ(device_.sent[0].cookie, chain.head);
  EXPECT_EQ(chain.head->ref, 2);  // held for the device
  ASSERT_TRUE(device_.reclaim().ok());
  EXPECT_EQ(chain.head->ref, 1);
}

TEST_F(NetifDeviceTest, ShortFramesAreCopied) {
  Chain chain({14, 28});
  ASSERT_EQ(dn_.netif.linkoutput(&dn_.netif, chain.head), ERR_OK);
  ASSERT_EQ(device_.sent.size(), 1u);
  EXPECT_EQ(device_.sent[0].cookie, nullptr);
  EXPECT_EQ(chain.head->ref, 1);
  EXPECT_EQ(dn_.tx_in_flight, 0u);
}

TEST_F(NetifDeviceTest, LongChainsAreFlattened) {
  Chain chain(std::vector<u16_t>(80, 10));
  ASSERT_EQ(dn_.netif.linkoutput(&dn_.netif, chain.head), ERR_OK);
  ASSERT_EQ(device_.sent.size(), 1u);
  EXPECT_EQ(device_.sent[0].segments, 1u);
  EXPECT_EQ(device_.sent[0].bytes.size(), 800u);
  EXPECT_EQ(device_.sent[0].cookie, nullptr);
}

TEST_F(NetifDeviceTest, NoRoomIsErrMemAndKeepsNothing) {
  device_.tx_room = 0;
  Chain chain({14, 600});
  EXPECT_EQ(dn_.netif.linkoutput(&dn_.netif, chain.head), ERR_MEM);
  EXPECT_EQ(chain.head->ref, 1);
  EXPECT_EQ(dn_.tx_dropped, 1u);
  EXPECT_EQ(dn_.tx_in_flight, 0u);
}

// A full ring of finished frames: the netif collects them and sends.
TEST_F(NetifDeviceTest, ReclaimsWhenTheRingIsFull) {
  device_.tx_room = 1;
  Chain first({14, 600}), second({14, 600});
  ASSERT_EQ(dn_.netif.linkoutput(&dn_.netif, first.head), ERR_OK);
  ASSERT_EQ(dn_.netif.linkoutput(&dn_.netif, second.head), ERR_OK);
  EXPECT_EQ(device_.sent.size(), 2u);
  EXPECT_EQ(first.head->ref, 1);  // completed by the reclaim
}

}  // namespace
}  // namespace cairn::lwip
