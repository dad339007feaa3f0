// The lwIP netif over a packet device (libs/lwip/port/netif_device.cpp) against a
// simulated device, with lwIP compiled for the host (tests/lwip_host: NO_SYS=1, so the
// test calls lwIP directly). Frames go in through the real input path (ethernet_input)
// and what lwIP answers comes out through the netif's transmit mapping.
#include "netif_fixture.h"

namespace cairn::lwip::test {
namespace {

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
}  // namespace cairn::lwip::test
