// virtio-net transmit against a simulated device: the header, zero-copy segments,
// copies into bounce buffers, completions and running out of room.
#include <errno.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <cairn/net/packet_device.h>
#include <gtest/gtest.h>

#include <sim_device.h>

#include "net_tx.h"

namespace cairn::virtio {
namespace {

using net_spec::Header;
using net_spec::kHeaderBytes;

struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};

class VirtioNetTxTest : public ::testing::Test {
 protected:
  void make(std::uint16_t size, std::size_t bounce_buffers, bool checksums = true) {
    const QueueConfig config{size, true, std::min<std::uint16_t>(size, 16)};
    const std::size_t bytes = SplitQueue::memory_bytes(config);
    ring_memory_.reset(static_cast<std::byte*>(std::aligned_alloc(64, (bytes + 63) & ~63ul)));
    std::memset(ring_memory_.get(), 0, bytes);
    ring_ = std::make_unique<SplitQueue>(
        std::move(SplitQueue::create(config, {ring_memory_.get(), bytes})).value());
    device_ = std::make_unique<test::SimDevice>(ring_->addresses(), true);
    bounce_.resize(bounce_buffers * NetTx::kBounceBytes);
    ASSERT_TRUE(tx_.init(*ring_, bounce_, 1518, checksums).ok());
  }

  // What the device reads for the next request: the header and the frame bytes.
  struct Seen {
    Header header;
    std::string frame;
    std::size_t buffers;
    std::uint16_t head;
  };
  std::optional<Seen> next() {
    ring_->publish();
    auto request = device_->next_request();
    if (!request) return std::nullopt;
    std::string all;
    for (auto& b : request->buffers) {
      EXPECT_FALSE(b.writable);
      all.append(static_cast<const char*>(b.data), b.length);
    }
    Seen seen{};
    EXPECT_GE(all.size(), kHeaderBytes);
    std::memcpy(&seen.header, all.data(), kHeaderBytes);
    seen.frame = all.substr(kHeaderBytes);
    seen.buffers = request->buffers.size();
    seen.head = request->head;
    return seen;
  }

  std::unique_ptr<std::byte, FreeDeleter> ring_memory_;
  std::unique_ptr<SplitQueue> ring_;
  std::unique_ptr<test::SimDevice> device_;
  std::vector<std::byte> bounce_;
  NetTx tx_;
};

net::Segment seg(const std::string& s) { return {s.data(), static_cast<std::uint32_t>(s.size())}; }

TEST_F(VirtioNetTxTest, ZeroCopyFrameIsHeaderThenSegments) {
  make(8, 4);
  const std::string a(14, 'e'), b(20, 'i'), c(26, 'p'), empty;
  const net::Segment segments[] = {seg(a), seg(empty), seg(b), seg(c)};
  int cookie = 0;
  const net::TxFrame frame{segments, &cookie};
  ASSERT_EQ(tx_.send({&frame, 1}).value(), 1u);
  auto seen = next();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->buffers, 4u) << "header + three non-empty segments";
  EXPECT_EQ(seen->frame, a + b + c);
  EXPECT_EQ(seen->header.flags, 0);
  EXPECT_EQ(tx_.copied(), 0u);
  void* cookies[4];
  EXPECT_EQ(tx_.reclaim(cookies).value(), 0u) << "not completed yet";
  device_->complete(seen->head, 0);
  ASSERT_EQ(tx_.reclaim(cookies).value(), 1u);
  EXPECT_EQ(cookies[0], &cookie);
  EXPECT_EQ(tx_.in_flight(), 0u);
}

TEST_F(VirtioNetTxTest, FrameWithoutCookieIsCopied) {
  make(8, 4);
  std::string a(14, 'e'), b(46, 'x');
  const net::Segment segments[] = {seg(a), seg(b)};
  const net::TxFrame frame{segments, nullptr};
  ASSERT_EQ(tx_.send({&frame, 1}).value(), 1u);
  a.assign(14, '?');  // the caller's memory is free once send() returns
  auto seen = next();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->buffers, 1u) << "header and frame in one bounce buffer";
  EXPECT_EQ(seen->frame, std::string(14, 'e') + b);
  EXPECT_EQ(tx_.copied(), 1u);
  device_->complete(seen->head, 0);
  void* cookies[4];
  EXPECT_EQ(tx_.reclaim(cookies).value(), 0u) << "copied frames have no cookie";
  EXPECT_EQ(tx_.in_flight(), 0u);
}

TEST_F(VirtioNetTxTest, FrameInTooManyPiecesIsCopiedButStillReported) {
  make(8, 4);
  std::vector<std::string> pieces(20, std::string(4, 'z'));
  std::vector<net::Segment> segments;
  for (auto& p : pieces) segments.push_back(seg(p));
  int cookie = 0;
  const net::TxFrame frame{segments, &cookie};
  ASSERT_EQ(tx_.send({&frame, 1}).value(), 1u);
  auto seen = next();
  EXPECT_EQ(seen->buffers, 1u);
  EXPECT_EQ(seen->frame, std::string(80, 'z'));
  device_->complete(seen->head, 0);
  void* cookies[4];
  ASSERT_EQ(tx_.reclaim(cookies).value(), 1u);
  EXPECT_EQ(cookies[0], &cookie);
}

TEST_F(VirtioNetTxTest, ChecksumRequestReachesTheHeader) {
  make(8, 4);
  const std::string frame_bytes(60, 'u');
  const net::Segment segments[] = {seg(frame_bytes)};
  const net::TxFrame frame{segments, nullptr, {true, 34, 6}};
  ASSERT_EQ(tx_.send({&frame, 1}).value(), 1u);
  auto seen = next();
  EXPECT_EQ(seen->header.flags, net_spec::kFlagNeedsCsum);
  EXPECT_EQ(seen->header.csum_start, 34);
  EXPECT_EQ(seen->header.csum_offset, 6);
}

TEST_F(VirtioNetTxTest, BadFramesAreRefused) {
  make(8, 4, false);
  const std::string big(1519, 'b'), ok(60, 'o'), empty;
  const net::Segment too_long[] = {seg(big)};
  const net::Segment nothing[] = {seg(empty)};
  const net::Segment fine[] = {seg(ok)};
  EXPECT_EQ(tx_.send(std::vector<net::TxFrame>{{too_long}}).error().code(), EMSGSIZE);
  EXPECT_EQ(tx_.send(std::vector<net::TxFrame>{{nothing}}).error().code(), EINVAL);
  EXPECT_EQ(tx_.send(std::vector<net::TxFrame>{{{}}}).error().code(), EINVAL);
  EXPECT_EQ(tx_.send(std::vector<net::TxFrame>{{fine, nullptr, {true, 34, 6}}}).error().code(),
            EINVAL)
      << "checksum offload not negotiated";
  // A bad frame after a good one: the good one is sent, the count says where it stopped.
  EXPECT_EQ(tx_.send(std::vector<net::TxFrame>{{fine}, {too_long}}).value(), 1u);
  EXPECT_EQ(tx_.in_flight(), 1u);
}

TEST_F(VirtioNetTxTest, RunningOutOfBounceBuffersSendsWhatFits) {
  make(8, 2);
  const std::string bytes(60, 'r');
  const net::Segment segments[] = {seg(bytes)};
  std::vector<net::TxFrame> frames(5, net::TxFrame{segments});
  EXPECT_EQ(tx_.send(frames).value(), 2u);
  EXPECT_EQ(tx_.send(frames).value(), 0u) << "no error: room comes back";
  auto first = next();
  device_->complete(first->head, 0);
  void* cookies[1];
  EXPECT_EQ(tx_.reclaim(cookies).value(), 0u);
  EXPECT_EQ(tx_.send(frames).value(), 1u);
}

TEST_F(VirtioNetTxTest, RunningOutOfSlotsSendsWhatFits) {
  make(4, 0);
  const std::string bytes(60, 's');
  const net::Segment segments[] = {seg(bytes)};
  int cookies_storage[6];
  std::vector<net::TxFrame> frames;
  for (int& c : cookies_storage) frames.push_back({segments, &c});
  EXPECT_EQ(tx_.send(frames).value(), 4u);
  EXPECT_EQ(tx_.in_flight(), 4u);
  for (int i = 0; i < 4; ++i) device_->complete(next()->head, 0);
  void* cookies[2];
  EXPECT_EQ(tx_.reclaim(cookies).value(), 2u) << "stops when the cookie array is full";
  EXPECT_EQ(tx_.reclaim(cookies).value(), 2u);
  EXPECT_EQ(cookies[1], &cookies_storage[3]);
  EXPECT_EQ(tx_.in_flight(), 0u);
}

TEST_F(VirtioNetTxTest, CookiesBeforeABreakStillComeBack) {
  make(8, 2);
  const std::string bytes(60, 'k');
  const net::Segment segments[] = {seg(bytes)};
  int cookie = 0, other = 0;
  const net::TxFrame frames[] = {{segments, &cookie}, {segments, &other}};
  ASSERT_EQ(tx_.send(frames).value(), 2u);
  auto seen = next();
  device_->complete(seen->head, 0);
  device_->write_used(seen->head, 0);  // the same chain again, not the second frame
  void* cookies[4];
  auto n = tx_.reclaim(cookies);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n.value(), 1u);
  EXPECT_EQ(cookies[0], &cookie);
  EXPECT_EQ(tx_.reclaim(cookies).error().code(), EIO);
}

TEST_F(VirtioNetTxTest, DeviceLyingAboutCompletionsBreaksTheQueue) {
  make(8, 2);
  const std::string bytes(60, 'l');
  const net::Segment segments[] = {seg(bytes)};
  const net::TxFrame frame{segments};
  ASSERT_EQ(tx_.send({&frame, 1}).value(), 1u);
  auto seen = next();
  device_->write_used(seen->head + 1, 0);  // not a chain in flight
  void* cookies[2];
  EXPECT_EQ(tx_.reclaim(cookies).error().code(), EIO);
  EXPECT_EQ(tx_.send({&frame, 1}).error().code(), EIO);
}

}  // namespace
}  // namespace cairn::virtio
