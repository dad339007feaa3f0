// The packet-device interface's helpers: frames as chains of segments, the device
// table and its eth names, and the checksum the virtio-net driver completes.
#include <errno.h>

#include <cstring>
#include <string>
#include <vector>

#include <cairn/net/packet_device.h>
#include <cairn/net/registry.h>
#include <gtest/gtest.h>

#include "net_checksum.h"

namespace cairn::net {
namespace {

class FakeDevice final : public PacketDevice {
 public:
  const char* description() const override { return "fake"; }
  MacAddress mac() const override { return {}; }
  std::uint32_t mtu() const override { return 1500; }
  bool link_up() const override { return true; }
  Offloads offloads() const override { return {}; }
  void set_listener(const PacketListener&) override {}
  Result<std::size_t> receive(std::span<PacketBuffer*>) override { return std::size_t{0}; }
  void release(PacketBuffer* segment) override { released.push_back(segment); }
  Result<std::size_t> send(std::span<const TxFrame>) override { return std::size_t{0}; }
  Result<void> reclaim() override { return {}; }
  PacketDeviceStats stats() const override { return {}; }

  std::vector<PacketBuffer*> released;
};

// A frame of `text` cut into segments of the given lengths.
struct Chain {
  Chain(const std::string& text, std::vector<std::uint32_t> lengths, PacketDevice* owner) {
    bytes.assign(reinterpret_cast<const std::byte*>(text.data()),
                 reinterpret_cast<const std::byte*>(text.data()) + text.size());
    buffers.resize(lengths.size());
    std::uint32_t at = 0;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      buffers[i].data = bytes.data() + at;
      buffers[i].length = lengths[i];
      buffers[i].owner = owner;
      buffers[i].next = i + 1 < lengths.size() ? &buffers[i + 1] : nullptr;
      at += lengths[i];
    }
    buffers[0].frame_length = at;
  }
  std::vector<std::byte> bytes;
  std::vector<PacketBuffer> buffers;
};

TEST(PacketBufferTest, CopyFrameJoinsSegments) {
  Chain chain("abcdefghij", {3, 1, 6}, nullptr);
  EXPECT_EQ(segment_count(&chain.buffers[0]), 3u);
  std::byte out[16] = {};
  ASSERT_EQ(copy_frame(&chain.buffers[0], out), 10u);
  EXPECT_EQ(std::memcmp(out, "abcdefghij", 10), 0);
}

TEST(PacketBufferTest, CopyFrameStopsAtTheEndOfTheOutput) {
  Chain chain("abcdefghij", {3, 1, 6}, nullptr);
  std::byte out[5] = {};
  ASSERT_EQ(copy_frame(&chain.buffers[0], out), 5u);
  EXPECT_EQ(std::memcmp(out, "abcde", 5), 0);
  EXPECT_EQ(copy_frame(&chain.buffers[0], {}), 0u);
}

TEST(PacketBufferTest, ReleaseFrameReleasesEverySegmentOnce) {
  FakeDevice device;
  Chain chain("abcdefghij", {3, 1, 6}, &device);
  release_frame(&chain.buffers[0]);
  ASSERT_EQ(device.released.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(device.released[i], &chain.buffers[i]);
}

TEST(PacketBufferTest, ClientScratchFitsLwipPbufCustom) {
  // struct pbuf (24 bytes on x86-64 in lwIP 2.1) plus the free function pointer.
  EXPECT_GE(PacketBuffer::kClientBytes, 32u);
  EXPECT_EQ(offsetof(PacketBuffer, client) % 16, 0u);
}

// The table is global and shared by every test in this binary: one test fills it.
TEST(PacketDeviceRegistryTest, NamesFollowRegistrationOrder) {
  static FakeDevice cards[kMaxDevices + 1];
  for (std::size_t i = 0; i < kMaxDevices; ++i) ASSERT_TRUE(register_device(cards[i]).ok()) << i;
  EXPECT_STREQ(cards[0].name(), "eth0");
  EXPECT_STREQ(cards[9].name(), "eth9");
  EXPECT_STREQ(cards[10].name(), "eth10");
  EXPECT_STREQ(cards[15].name(), "eth15");
  EXPECT_EQ(register_device(cards[3]).error().code(), EEXIST);
  EXPECT_EQ(register_device(cards[kMaxDevices]).error().code(), ENOSPC);
  EXPECT_STREQ(cards[kMaxDevices].name(), "");
  EXPECT_EQ(devices().size(), kMaxDevices);
  EXPECT_EQ(find_device("eth10"), &cards[10]);
  EXPECT_EQ(find_device("eth1"), &cards[1]);
  EXPECT_EQ(find_device("eth16"), nullptr);
  EXPECT_EQ(find_device("eth"), nullptr);
}

// RFC 1071's checksum of the bytes, computed the plain way.
std::uint16_t reference_checksum(const std::vector<std::uint8_t>& bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 2)
    sum += (bytes[i] << 8) | (i + 1 < bytes.size() ? bytes[i + 1] : 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

TEST(NetChecksumTest, CompletesAPartialChecksumAcrossOddSegments) {
  // Bytes 0..9 stand for headers; the summed range starts at 10, the field is at 10+6.
  std::vector<std::uint8_t> frame(75);
  for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<std::uint8_t>(i * 37 + 11);
  const std::uint16_t pseudo = 0x1234;  // what the sender leaves in the field
  frame[16] = pseudo >> 8;
  frame[17] = pseudo & 0xff;
  // Expected: the checksum over the range with the field holding the pseudo sum.
  std::vector<std::uint8_t> range(frame.begin() + 10, frame.end());
  const std::uint16_t expected = reference_checksum(range);

  std::string text(frame.begin(), frame.end());
  Chain chain(text, {11, 3, 1, 5, 55}, nullptr);  // the field straddles two segments
  ASSERT_TRUE(virtio::complete_checksum(&chain.buffers[0], 10, 6).ok());
  const auto got = static_cast<std::uint16_t>((std::uint8_t(chain.bytes[16]) << 8) |
                                              std::uint8_t(chain.bytes[17]));
  EXPECT_EQ(got, expected);
  // A receiver sums the range and the pseudo header (not in the frame) and gets 0xffff,
  // so the range alone checks out as the pseudo-header sum.
  std::vector<std::uint8_t> done(chain.bytes.size());
  std::memcpy(done.data(), chain.bytes.data(), done.size());
  EXPECT_EQ(reference_checksum({done.begin() + 10, done.end()}), pseudo);
}

TEST(NetChecksumTest, FieldOutsideTheFrameIsRefused) {
  Chain chain(std::string(20, 'x'), {20}, nullptr);
  EXPECT_EQ(virtio::complete_checksum(&chain.buffers[0], 10, 9).error().code(), EPROTO);
  EXPECT_EQ(virtio::complete_checksum(&chain.buffers[0], 0xffffffffu, 2).error().code(), EPROTO);
  EXPECT_TRUE(virtio::complete_checksum(&chain.buffers[0], 10, 8).ok());
}

}  // namespace
}  // namespace cairn::net
