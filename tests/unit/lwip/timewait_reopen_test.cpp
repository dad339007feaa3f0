// A new connection on a 4-tuple lwIP still holds in TIME-WAIT
// (libs/lwip/port/timewait_reopen.cpp): a SYN beyond the old connection's sequence
// space opens a new connection at once; one inside it is still treated as the old
// connection's (a bare ACK), as lwIP does.
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif_fixture.h"
#include "sys_host.h"

namespace cairn::lwip::test {
namespace {

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
constexpr std::uint16_t kPeerPort = 40000, kServerPort = 8080;

void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<std::uint16_t>(v));
}
std::uint32_t get32(const Bytes& b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | b[at + 2] << 8 | b[at + 3];
}

// A segment from the peer; a SYN carries an MSS option, as real ones do.
Bytes segment(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags) {
  const std::size_t tcp_bytes = (flags & kSyn) ? 24 : 20;
  Bytes tcp(tcp_bytes);
  put16(tcp, 0, kPeerPort);
  put16(tcp, 2, kServerPort);
  put32(tcp, 4, seq);
  put32(tcp, 8, ack);
  tcp[12] = static_cast<std::uint8_t>(tcp_bytes / 4 << 4);
  tcp[13] = flags;
  put16(tcp, 14, 65535);
  if (flags & kSyn) {
    tcp[20] = 2;  // MSS
    tcp[21] = 4;
    put16(tcp, 22, 1460);
  }
  Bytes summed(12);  // the pseudo-header, then the segment
  std::memcpy(&summed[0], kPeerIp, 4);
  std::memcpy(&summed[4], kOurIp, 4);
  summed[9] = 6;
  put16(summed, 10, static_cast<std::uint16_t>(tcp_bytes));
  summed.insert(summed.end(), tcp.begin(), tcp.end());
  const std::uint16_t tcp_sum = inet_chksum(summed.data(), static_cast<u16_t>(summed.size()));
  std::memcpy(&tcp[16], &tcp_sum, 2);

  Bytes ip(20);
  ip[0] = 0x45;
  put16(ip, 2, static_cast<std::uint16_t>(20 + tcp_bytes));
  ip[8] = 64;
  ip[9] = 6;
  std::memcpy(&ip[12], kPeerIp, 4);
  std::memcpy(&ip[16], kOurIp, 4);
  const std::uint16_t ip_sum = inet_chksum(ip.data(), 20);
  std::memcpy(&ip[10], &ip_sum, 2);

  Bytes frame = ethernet(kOurMac, 0x0800);
  frame.insert(frame.end(), ip.begin(), ip.end());
  frame.insert(frame.end(), tcp.begin(), tcp.end());
  return frame;
}

struct Answer {
  std::uint8_t flags = 0;
  std::uint32_t seq = 0, ack = 0;
};

class TimeWaitTest : public NetifDeviceTest {
 protected:
  void SetUp() override {
    NetifDeviceTest::SetUp();
    learn_peer();
    struct tcp_pcb* pcb = tcp_new();
    ASSERT_NE(pcb, nullptr);
    ASSERT_EQ(tcp_bind(pcb, IP_ADDR_ANY, kServerPort), ERR_OK);
    listener_ = tcp_listen(pcb);
    ASSERT_NE(listener_, nullptr);
    tcp_arg(listener_, this);
    tcp_accept(listener_, [](void* arg, struct tcp_pcb* accepted, err_t) -> err_t {
      static_cast<TimeWaitTest*>(arg)->accepted_ = accepted;
      return ERR_OK;
    });
  }

  void TearDown() override {
    while (tcp_active_pcbs != nullptr) tcp_abort(tcp_active_pcbs);
    while (tcp_tw_pcbs != nullptr) tcp_abort(tcp_tw_pcbs);
    if (listener_ != nullptr) tcp_close(listener_);
    // lwIP's TCP timer, started by the first pcb, stops at its next run without pcbs.
    cairn_lwip_host_now_ms += 2 * TCP_TMR_INTERVAL;
    sys_check_timeouts();
    NetifDeviceTest::TearDown();
  }

  // Sends the peer's frame; what lwIP answered with (the last TCP segment it sent).
  Answer exchange(const Bytes& frame) {
    device_.sent.clear();
    device_.inject(frame);
    EXPECT_EQ(poll(), 1u);
    (void)device_.reclaim();
    return last_answer();
  }

  Answer last_answer() {
    Answer a;
    for (const auto& sent : device_.sent) {
      const Bytes& b = sent.bytes;
      if (b.size() < 14 + 40 || b[12] != 0x08 || b[13] != 0x00 || b[14 + 9] != 6) continue;
      const std::size_t tcp = 14 + 4 * (b[14] & 0x0f);
      a = {b[tcp + 13], get32(b, tcp + 4), get32(b, tcp + 8)};
    }
    return a;
  }

  // Connects from the peer with ISN 1000, then the server closes first and the peer
  // answers with its own FIN: the server holds the connection in TIME-WAIT, having
  // received everything up to 1002.
  void make_time_wait() {
    Answer syn_ack = exchange(segment(1000, 0, kSyn));
    ASSERT_EQ(syn_ack.flags, kSyn | kAck);
    ASSERT_EQ(syn_ack.ack, 1001u);
    exchange(segment(1001, syn_ack.seq + 1, kAck));
    ASSERT_NE(accepted_, nullptr);
    device_.sent.clear();
    ASSERT_EQ(tcp_close(accepted_), ERR_OK);
    accepted_ = nullptr;
    Answer fin = last_answer();
    ASSERT_TRUE(fin.flags & kFin);
    Answer last_ack = exchange(segment(1001, fin.seq + 1, kFin | kAck));
    EXPECT_EQ(last_ack.flags, kAck);
    EXPECT_EQ(last_ack.ack, 1002u);
    ASSERT_NE(tcp_tw_pcbs, nullptr);
    ASSERT_EQ(tcp_tw_pcbs->remote_port, kPeerPort);
  }

  struct tcp_pcb* listener_ = nullptr;
  struct tcp_pcb* accepted_ = nullptr;
};

TEST_F(TimeWaitTest, ANewerSynOpensANewConnectionAtOnce) {
  make_time_wait();
  Answer a = exchange(segment(200000, 0, kSyn));
  EXPECT_EQ(a.flags, kSyn | kAck) << "the SYN did not reach the listener";
  EXPECT_EQ(a.ack, 200001u);
  EXPECT_EQ(tcp_tw_pcbs, nullptr) << "the old connection is still in TIME-WAIT";
  // And the handshake completes into a connection the server accepts.
  exchange(segment(200001, a.seq + 1, kAck));
  EXPECT_NE(accepted_, nullptr);
}

TEST_F(TimeWaitTest, AnOlderSynIsStillTheOldConnections) {
  make_time_wait();
  Answer a = exchange(segment(500, 0, kSyn));
  EXPECT_EQ(a.flags, kAck);
  EXPECT_EQ(a.ack, 1002u);
  EXPECT_NE(tcp_tw_pcbs, nullptr);
  EXPECT_EQ(accepted_, nullptr);
}

TEST_F(TimeWaitTest, ARstDoesNotEndTimeWait) {
  make_time_wait();
  exchange(segment(1002, 0, kRst));
  EXPECT_NE(tcp_tw_pcbs, nullptr);  // RFC 1337, lwIP's own behaviour, kept
}

}  // namespace
}  // namespace cairn::lwip::test
