// virtio-net receive: mergeable-buffer reassembly with its bounds checks (the
// assembler alone), and the buffer pool and queue against a simulated device.
#include <errno.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <cairn/net/packet_device.h>
#include <gtest/gtest.h>

#include <sim_device.h>

#include "net_rx.h"
#include "net_rx_assembler.h"

namespace cairn::virtio {
namespace {

using net_spec::Header;
using net_spec::kHeaderBytes;
using Outcome = RxAssembler::Outcome;

// Receive buffers as the driver has them: records apart from the bytes.
struct Buffers {
  explicit Buffers(std::size_t count, std::size_t bytes = 2048)
      : memory(count * bytes), records(count) {
    for (std::size_t i = 0; i < count; ++i) records[i].data = memory.data() + i * bytes;
  }
  net::PacketBuffer* operator[](std::size_t i) { return &records[i]; }
  std::vector<std::byte> memory;
  std::vector<net::PacketBuffer> records;
};

Header header(std::uint16_t num_buffers, std::uint8_t flags = 0) {
  Header h{};
  h.flags = flags;
  h.num_buffers = num_buffers;
  return h;
}

// Writes a header and then `payload` bytes (value = offset & 0xff) into a buffer.
std::uint32_t write_head(net::PacketBuffer* b, const Header& h, std::uint32_t payload) {
  std::memcpy(b->data, &h, sizeof h);
  for (std::uint32_t i = 0; i < payload; ++i) b->data[kHeaderBytes + i] = std::byte(i & 0xff);
  return kHeaderBytes + payload;
}

RxAssemblerConfig mergeable(std::uint32_t max_frame = 1518, std::uint16_t max_buffers = 8) {
  return {true, true, max_frame, max_buffers};
}

TEST(VirtioNetAssemblerTest, SingleBufferFrame) {
  Buffers b(1);
  RxAssembler a(mergeable());
  const std::byte* start = b[0]->data;
  ASSERT_EQ(a.add(b[0], write_head(b[0], header(1), 60)), Outcome::kFrame);
  net::PacketBuffer* frame = a.take_frame();
  ASSERT_EQ(frame, b[0]);
  EXPECT_EQ(frame->data, start + kHeaderBytes) << "the frame starts after the header";
  EXPECT_EQ(frame->length, 60u);
  EXPECT_EQ(frame->frame_length, 60u);
  EXPECT_EQ(frame->next, nullptr);
  EXPECT_EQ(frame->flags, 0u);
  EXPECT_EQ(a.take_frame(), nullptr);
  EXPECT_FALSE(a.pending());
}

TEST(VirtioNetAssemblerTest, MergeableFrameSpansBuffers) {
  Buffers b(3);
  RxAssembler a(mergeable());
  EXPECT_EQ(a.add(b[0], write_head(b[0], header(3, net_spec::kFlagDataValid), 100)),
            Outcome::kPending);
  EXPECT_TRUE(a.pending());
  EXPECT_EQ(a.add(b[1], 500), Outcome::kPending);
  ASSERT_EQ(a.add(b[2], 7), Outcome::kFrame);
  net::PacketBuffer* frame = a.take_frame();
  ASSERT_EQ(frame, b[0]);
  EXPECT_EQ(frame->frame_length, 607u);
  EXPECT_EQ(frame->flags, net::PacketBuffer::kChecksumValid);
  ASSERT_EQ(frame->next, b[1]);
  EXPECT_EQ(b[1]->length, 500u);
  EXPECT_EQ(b[1]->data, b.memory.data() + 2048) << "continuations carry no header";
  ASSERT_EQ(b[1]->next, b[2]);
  EXPECT_EQ(b[2]->length, 7u);
  EXPECT_EQ(b[2]->next, nullptr);
}

TEST(VirtioNetAssemblerTest, BufferShorterThanTheHeaderIsDropped) {
  Buffers b(2);
  RxAssembler a(mergeable());
  for (std::uint32_t written : {0u, 1u, kHeaderBytes - 1}) {
    ASSERT_EQ(a.add(b[0], written), Outcome::kDropped) << written;
    EXPECT_EQ(a.take_dropped(), b[0]);
    EXPECT_EQ(a.last_error().code(), EPROTO);
  }
  // The next buffer starts a frame as usual.
  EXPECT_EQ(a.add(b[1], write_head(b[1], header(1), 20)), Outcome::kFrame);
  EXPECT_EQ(a.dropped_frames(), 3u);
}

TEST(VirtioNetAssemblerTest, NumBuffersBeyondTheLimitIsDropped) {
  Buffers b(2);
  RxAssembler a(mergeable(1518, 4));
  ASSERT_EQ(a.add(b[0], write_head(b[0], header(5), 20)), Outcome::kDropped);
  EXPECT_EQ(a.take_dropped(), b[0]);
  ASSERT_EQ(a.add(b[1], write_head(b[1], header(0), 20)), Outcome::kDropped);
  EXPECT_EQ(a.take_dropped(), b[1]);
  EXPECT_FALSE(a.pending());
}

TEST(VirtioNetAssemblerTest, EmptyContinuationDropsTheWholeFrame) {
  Buffers b(5);
  RxAssembler a(mergeable());
  EXPECT_EQ(a.add(b[0], write_head(b[0], header(4), 100)), Outcome::kPending);
  ASSERT_EQ(a.add(b[1], 0), Outcome::kDropped);
  std::vector<net::PacketBuffer*> dropped;
  for (net::PacketBuffer* d = a.take_dropped(); d; d = d->next) dropped.push_back(d);
  EXPECT_EQ(dropped.size(), 2u);
  // The frame's two remaining buffers are discarded, not taken for new frames...
  EXPECT_TRUE(a.pending());
  EXPECT_EQ(a.add(b[2], write_head(b[2], header(1), 30)), Outcome::kDropped);
  EXPECT_EQ(a.add(b[3], 30), Outcome::kDropped);
  EXPECT_FALSE(a.pending());
  EXPECT_EQ(a.take_dropped(), b[3]);
  // ...and the one after them is a frame again.
  EXPECT_EQ(a.add(b[4], write_head(b[4], header(1), 30)), Outcome::kFrame);
  EXPECT_EQ(a.dropped_frames(), 1u);
}

TEST(VirtioNetAssemblerTest, FrameLongerThanTheLimitIsDroppedWithItsBuffers) {
  Buffers b(4);
  RxAssembler a(mergeable(1000, 8));
  EXPECT_EQ(a.add(b[0], write_head(b[0], header(3), 600)), Outcome::kPending);
  ASSERT_EQ(a.add(b[1], 401), Outcome::kDropped);  // 1001 > 1000
  EXPECT_EQ(a.last_error().code(), EMSGSIZE);
  EXPECT_EQ(a.add(b[2], 10), Outcome::kDropped);  // the third buffer of the same frame
  EXPECT_EQ(a.add(b[3], write_head(b[3], header(1), 1000)), Outcome::kFrame) << "exactly the limit";
}

TEST(VirtioNetAssemblerTest, OversizedFirstBufferIsDropped) {
  Buffers b(3);
  RxAssembler a(mergeable(100, 8));
  ASSERT_EQ(a.add(b[0], write_head(b[0], header(2), 101)), Outcome::kDropped);
  EXPECT_EQ(a.add(b[1], 5), Outcome::kDropped) << "the rest of that frame";
  EXPECT_EQ(a.add(b[2], write_head(b[2], header(1), 50)), Outcome::kFrame);
}

TEST(VirtioNetAssemblerTest, RuntFrameIsDropped) {
  Buffers b(2);
  RxAssembler a(mergeable());
  ASSERT_EQ(a.add(b[0], write_head(b[0], header(1), 13)), Outcome::kDropped);
  EXPECT_EQ(a.add(b[1], write_head(b[1], header(1), 14)), Outcome::kFrame);
}

TEST(VirtioNetAssemblerTest, WithoutMergeableBuffersNumBuffersIsIgnored) {
  Buffers b(2);
  RxAssembler a({false, false, 1518, 1});
  ASSERT_EQ(a.add(b[0], write_head(b[0], header(9), 60)), Outcome::kFrame);
  EXPECT_EQ(a.take_frame()->frame_length, 60u);
  ASSERT_EQ(a.add(b[1], write_head(b[1], header(0), 60)), Outcome::kFrame);
}

TEST(VirtioNetAssemblerTest, PartialChecksumIsCompleted) {
  Buffers b(2);
  RxAssembler a(mergeable());
  Header h = header(2, net_spec::kFlagNeedsCsum);
  h.csum_start = 34;
  h.csum_offset = 6;
  const std::uint32_t first = write_head(b[0], h, 40);  // the field at 40..41 is in buffer 2
  for (std::uint32_t i = 0; i < 20; ++i) b[1]->data[i] = std::byte(0x40 + i);
  b[1]->data[0] = std::byte{0x12}, b[1]->data[1] = std::byte{0x34};  // pseudo-header sum
  EXPECT_EQ(a.add(b[0], first), Outcome::kPending);
  ASSERT_EQ(a.add(b[1], 20), Outcome::kFrame);
  net::PacketBuffer* frame = a.take_frame();
  EXPECT_EQ(frame->flags, net::PacketBuffer::kChecksumValid);
  // The range 34..60 and the pseudo-header sum (0x1234) now add up to 0xffff.
  std::uint32_t sum = 0x1234;
  std::vector<std::uint8_t> bytes(60);
  std::memcpy(bytes.data(), frame->data, 40);
  std::memcpy(bytes.data() + 40, b[1]->data, 20);
  for (std::size_t i = 34; i < 60; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
}

TEST(VirtioNetAssemblerTest, PartialChecksumOutsideTheFrameIsDropped) {
  Buffers b(1);
  RxAssembler a(mergeable());
  Header h = header(1, net_spec::kFlagNeedsCsum);
  h.csum_start = 50;
  h.csum_offset = 9;  // 59 + 2 > 60
  ASSERT_EQ(a.add(b[0], write_head(b[0], h, 60)), Outcome::kDropped);
  EXPECT_EQ(a.take_dropped(), b[0]);
}

// --- The pool and queue against the simulated device ----------------------------------

struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};

class VirtioNetRxTest : public ::testing::Test {
 protected:
  void make(std::uint16_t size, std::size_t buffers, const RxAssemblerConfig& config,
            std::uint32_t buffer_bytes) {
    const QueueConfig queue_config{size, true, 0};
    const std::size_t bytes = SplitQueue::memory_bytes(queue_config);
    ring_memory_.reset(static_cast<std::byte*>(std::aligned_alloc(64, (bytes + 63) & ~63ul)));
    std::memset(ring_memory_.get(), 0, bytes);
    ring_ = std::make_unique<SplitQueue>(
        std::move(SplitQueue::create(queue_config, {ring_memory_.get(), bytes})).value());
    device_ = std::make_unique<test::SimDevice>(ring_->addresses(), true);
    chunks_.resize(buffers * NetRx::kChunkBytes);
    ASSERT_TRUE(rx_.init(*ring_, config, chunks_, buffer_bytes, nullptr).ok());
  }

  // The device fills the next posted buffers with a header and `length` frame bytes
  // (byte i = seed + i), spread over buffers as the mergeable rules say.
  std::vector<std::uint16_t> deliver(std::uint32_t length, std::uint8_t seed, bool merge = true) {
    std::vector<test::SimDevice::Request> used;
    std::vector<std::byte> bytes(kHeaderBytes + length);
    for (std::uint32_t i = 0; i < length; ++i) bytes[kHeaderBytes + i] = std::byte(seed + i);
    std::size_t at = 0;
    while (at < bytes.size()) {
      auto request = device_->next_request();
      if (!request) break;
      const std::size_t n = std::min<std::size_t>(request->buffers[0].length, bytes.size() - at);
      used.push_back(*request);
      at += n;
      if (!merge) break;
    }
    Header h = header(static_cast<std::uint16_t>(used.size()));
    std::memcpy(bytes.data(), &h, sizeof h);
    at = 0;
    std::vector<std::uint16_t> heads;
    for (auto& r : used) {
      const std::size_t n = std::min<std::size_t>(r.buffers[0].length, bytes.size() - at);
      std::memcpy(r.buffers[0].data, bytes.data() + at, n);
      at += n;
      device_->complete(r.head, static_cast<std::uint32_t>(n));
      heads.push_back(r.head);
    }
    return heads;
  }

  std::vector<std::byte> contents(const net::PacketBuffer* frame) {
    std::vector<std::byte> out(frame->frame_length);
    EXPECT_EQ(net::copy_frame(frame, out), out.size());
    return out;
  }

  std::unique_ptr<std::byte, FreeDeleter> ring_memory_;
  std::unique_ptr<SplitQueue> ring_;
  std::unique_ptr<test::SimDevice> device_;
  std::vector<std::byte> chunks_;
  NetRx rx_;
};

TEST_F(VirtioNetRxTest, RefillPostsEveryBufferTheQueueTakes) {
  make(8, 12, mergeable(1518, 8), 2046);
  rx_.refill();
  EXPECT_EQ(rx_.posted(), 8u);
  EXPECT_EQ(ring_->free_descriptors(), 0);
  EXPECT_EQ(rx_.buffer_count(), 12u);
  auto request = device_->next_request();
  ASSERT_TRUE(request);
  ASSERT_EQ(request->buffers.size(), 1u);
  EXPECT_TRUE(request->buffers[0].writable);
  EXPECT_EQ(request->buffers[0].length, 2046u);
  EXPECT_EQ(
      (static_cast<std::byte*>(request->buffers[0].data) - chunks_.data()) % NetRx::kChunkBytes,
      NetRx::kChunkOffset);
}

TEST_F(VirtioNetRxTest, FramesRoundTripAndBuffersComeBack) {
  make(8, 12, mergeable(1518, 8), 2046);
  rx_.refill();
  deliver(60, 1);
  deliver(1514, 2);
  net::PacketBuffer* frames[4];
  auto n = rx_.poll(frames);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n.value(), 2u);
  EXPECT_EQ(frames[0]->frame_length, 60u);
  EXPECT_EQ(frames[1]->frame_length, 1514u);
  EXPECT_EQ(contents(frames[1])[1513], std::byte((2 + 1513) & 0xff));
  EXPECT_EQ(rx_.lent(), 2u);
  rx_.refill();
  EXPECT_EQ(rx_.posted(), 8u) << "the two spare buffers replace the lent ones";
  EXPECT_TRUE(rx_.release(frames[0]));
  EXPECT_FALSE(rx_.release(frames[0])) << "released twice";
  EXPECT_TRUE(rx_.release(frames[1]));
  EXPECT_EQ(rx_.lent(), 0u);
  net::PacketBuffer stranger;
  EXPECT_FALSE(rx_.release(&stranger));
  EXPECT_FALSE(rx_.release(
      reinterpret_cast<net::PacketBuffer*>(reinterpret_cast<std::byte*>(frames[0]) + 8)))
      << "a pointer inside a record";
}

TEST_F(VirtioNetRxTest, SmallBuffersCarryAFrameInPieces) {
  make(32, 48, mergeable(1518, 32), 128);
  rx_.refill();
  deliver(1514, 7);
  net::PacketBuffer* frames[2];
  ASSERT_EQ(rx_.poll(frames).value(), 1u);
  EXPECT_EQ(net::segment_count(frames[0]), 12u);  // (1514 + 12) / 128 rounded up
  const auto bytes = contents(frames[0]);
  for (std::uint32_t i = 0; i < bytes.size(); ++i) ASSERT_EQ(bytes[i], std::byte(7 + i)) << i;
  for (net::PacketBuffer* b = frames[0]; b;) {
    net::PacketBuffer* next = b->next;
    EXPECT_TRUE(rx_.release(b));
    b = next;
  }
  EXPECT_EQ(rx_.lent(), 0u);
}

TEST_F(VirtioNetRxTest, BudgetLeavesTheRestWaiting) {
  make(8, 12, mergeable(1518, 8), 2046);
  rx_.refill();
  for (int i = 0; i < 5; ++i) deliver(60, 0);
  net::PacketBuffer* frames[3];
  EXPECT_EQ(rx_.poll(frames).value(), 3u);
  EXPECT_TRUE(ring_->has_used());
  EXPECT_EQ(rx_.poll(frames).value(), 2u);
  EXPECT_FALSE(ring_->has_used());
}

TEST_F(VirtioNetRxTest, CopyAdvisedWhenTheConsumerHoldsMostBuffers) {
  make(8, 12, mergeable(1518, 8), 2046);
  rx_.refill();
  bool advised = false;
  // Deliver frames until the pool is nearly all lent out.
  for (int i = 0; i < 8; ++i) deliver(60, 0);
  net::PacketBuffer* frames[8];
  ASSERT_EQ(rx_.poll(frames).value(), 8u);
  rx_.refill();  // 4 spare buffers posted
  for (int i = 0; i < 4; ++i) deliver(60, 0);
  net::PacketBuffer* more[4];
  ASSERT_EQ(rx_.poll(more).value(), 4u);
  for (auto* f : more) advised |= (f->flags & net::PacketBuffer::kCopyAdvised) != 0;
  EXPECT_TRUE(advised);
  EXPECT_FALSE(frames[0]->flags & net::PacketBuffer::kCopyAdvised);
}

TEST_F(VirtioNetRxTest, LengthBeyondTheBufferBreaksTheQueueNotMemory) {
  make(8, 12, mergeable(1518, 8), 256);
  rx_.refill();
  auto request = device_->next_request();
  ASSERT_TRUE(request);
  device_->complete(request->head, 257);
  net::PacketBuffer* frames[2];
  auto n = rx_.poll(frames);
  EXPECT_EQ(n.error().code(), EIO);
  EXPECT_EQ(rx_.poll(frames).error().code(), EIO) << "stays broken";
}

TEST_F(VirtioNetRxTest, FramesBeforeABreakStillGoUp) {
  make(8, 12, mergeable(1518, 8), 256);
  rx_.refill();
  deliver(60, 1);
  auto request = device_->next_request();
  device_->complete(request->head, 4096);  // beyond the buffer: the queue breaks
  net::PacketBuffer* frames[4];
  auto n = rx_.poll(frames);
  ASSERT_TRUE(n.ok()) << "the frame before the break is not lost";
  ASSERT_EQ(n.value(), 1u);
  EXPECT_EQ(rx_.lent(), 1u);
  EXPECT_EQ(rx_.poll(frames).error().code(), EIO);
  EXPECT_TRUE(rx_.release(frames[0]));
}

TEST_F(VirtioNetRxTest, HostileNumBuffersCannotSwallowTheRing) {
  make(8, 12, mergeable(1518, 2), 1024);
  rx_.refill();
  // The device claims 200 buffers for one frame: dropped, its buffer recycled.
  auto request = device_->next_request();
  Header h = header(200);
  std::memcpy(request->buffers[0].data, &h, sizeof h);
  device_->complete(request->head, 100);
  deliver(60, 3);
  net::PacketBuffer* frames[2];
  ASSERT_EQ(rx_.poll(frames).value(), 1u);
  EXPECT_EQ(frames[0]->frame_length, 60u);
  EXPECT_EQ(rx_.errors(), 1u);
  rx_.refill();
  EXPECT_EQ(rx_.posted(), 8u) << "the dropped buffer went back to the pool";
}

}  // namespace
}  // namespace cairn::virtio
