// The virtio-net per-packet header: transmit encoding and receive checks.
#include <errno.h>

#include <gtest/gtest.h>

#include "net_header.h"

namespace cairn::virtio::net_spec {
namespace {

TEST(VirtioNetHeaderTest, PlainTransmitHeaderIsAllZero) {
  auto header = encode_tx_header({}, 60, true);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header.value().flags, 0);
  EXPECT_EQ(header.value().gso_type, kGsoNone);
  EXPECT_EQ(header.value().num_buffers, 0);
  EXPECT_EQ(header.value().csum_start, 0);
}

TEST(VirtioNetHeaderTest, ChecksumOffloadSetsStartAndOffset) {
  const net::TxChecksum udp{true, 34, 6};  // Ethernet 14 + IPv4 20; UDP checksum at 6
  auto header = encode_tx_header(udp, 42, true);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header.value().flags, kFlagNeedsCsum);
  EXPECT_EQ(header.value().csum_start, 34);
  EXPECT_EQ(header.value().csum_offset, 6);
}

TEST(VirtioNetHeaderTest, ChecksumRequestsAreChecked) {
  EXPECT_EQ(encode_tx_header({true, 34, 6}, 42, false).error().code(), EINVAL)
      << "the device did not offer VIRTIO_NET_F_CSUM";
  EXPECT_EQ(encode_tx_header({true, 34, 6}, 41, true).error().code(), EINVAL)
      << "the field's second byte lies beyond the frame";
  EXPECT_EQ(encode_tx_header({true, 0xffff, 0xffff}, 60, true).error().code(), EINVAL)
      << "start + offset must not wrap";
  EXPECT_TRUE(encode_tx_header({true, 34, 6}, 42, true).ok()) << "the field ends the frame";
}

Header rx(std::uint8_t flags, std::uint16_t num_buffers, std::uint8_t gso = kGsoNone) {
  Header h{};
  h.flags = flags;
  h.gso_type = gso;
  h.num_buffers = num_buffers;
  h.csum_start = 34;
  h.csum_offset = 16;
  return h;
}

TEST(VirtioNetHeaderTest, ReceiveHeaderDecodes) {
  auto info = decode_rx_header(rx(kFlagDataValid, 3), true, true, 4);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info.value().num_buffers, 3);
  EXPECT_TRUE(info.value().data_valid);
  EXPECT_FALSE(info.value().needs_checksum);
  auto partial = decode_rx_header(rx(kFlagNeedsCsum, 1), true, true, 4);
  ASSERT_TRUE(partial.ok());
  EXPECT_TRUE(partial.value().needs_checksum);
  EXPECT_EQ(partial.value().csum_start, 34);
  EXPECT_EQ(partial.value().csum_offset, 16);
}

TEST(VirtioNetHeaderTest, NumBuffersIsBounded) {
  EXPECT_EQ(decode_rx_header(rx(0, 0), true, false, 4).error().code(), EPROTO);
  EXPECT_EQ(decode_rx_header(rx(0, 5), true, false, 4).error().code(), EPROTO);
  EXPECT_EQ(decode_rx_header(rx(0, 0xffff), true, false, 4).error().code(), EPROTO);
  EXPECT_TRUE(decode_rx_header(rx(0, 4), true, false, 4).ok());
}

TEST(VirtioNetHeaderTest, NumBuffersMeansNothingWithoutMergeableBuffers) {
  for (std::uint16_t n : {0, 1, 7, 0xffff}) {
    auto info = decode_rx_header(rx(0, n), false, false, 1);
    ASSERT_TRUE(info.ok()) << n;
    EXPECT_EQ(info.value().num_buffers, 1);
  }
}

TEST(VirtioNetHeaderTest, UnnegotiatedReceiveFeaturesAreRefusedOrIgnored) {
  EXPECT_EQ(decode_rx_header(rx(0, 1, 1), true, true, 4).error().code(), EPROTO) << "GSO TCPv4";
  EXPECT_EQ(decode_rx_header(rx(kFlagNeedsCsum, 1), true, false, 4).error().code(), EPROTO);
  auto info = decode_rx_header(rx(kFlagDataValid, 1), true, false, 4);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info.value().data_valid) << "DATA_VALID needs GUEST_CSUM";
}

}  // namespace
}  // namespace cairn::virtio::net_spec
