// The split virtqueue against a simulated device: round trips, chains, indirect tables,
// event-index suppression in both directions, index wrap-around, and a device that
// writes malformed used-ring entries.
#include <errno.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <cairn/virtio/virtqueue.h>
#include <gtest/gtest.h>

#include <sim_device.h>

namespace cairn::virtio {
namespace {

using test::SimDevice;

struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};

class VirtqueueTest : public ::testing::Test {
 protected:
  SplitQueue& make(std::uint16_t size, bool event_idx = false, std::uint16_t indirect_max = 0) {
    const QueueConfig config{size, event_idx, indirect_max};
    const std::size_t bytes = SplitQueue::memory_bytes(config);
    memory_.reset(static_cast<std::byte*>(std::aligned_alloc(64, (bytes + 63) & ~63ul)));
    std::memset(memory_.get(), 0, bytes);
    auto q = SplitQueue::create(config, {memory_.get(), bytes});
    EXPECT_TRUE(q.ok());
    queue_ = std::make_unique<SplitQueue>(std::move(q).value());
    device_ = std::make_unique<SimDevice>(queue_->addresses(), event_idx);
    return *queue_;
  }

  std::unique_ptr<std::byte, FreeDeleter> memory_;
  std::unique_ptr<SplitQueue> queue_;
  std::unique_ptr<SimDevice> device_;
};

std::optional<Completion> take(SplitQueue& q) {
  auto r = q.take_used();
  EXPECT_TRUE(r.ok()) << r.error().message();
  return r.ok() ? r.value() : std::nullopt;
}

TEST_F(VirtqueueTest, RoundTripOfOneRequest) {
  SplitQueue& q = make(8);
  const char request[] = "ping";
  char reply[16] = {};
  const Buffer buffers[] = {Buffer::readable(request, 4), Buffer::writable(reply, sizeof reply)};
  int token = 0;
  ASSERT_TRUE(q.add(buffers, &token).ok());
  EXPECT_EQ(q.free_descriptors(), 6);
  EXPECT_FALSE(q.has_used());
  EXPECT_FALSE(device_->next_request()) << "not visible before publish()";
  EXPECT_TRUE(q.publish());

  auto chain = device_->next_request();
  ASSERT_TRUE(chain);
  ASSERT_EQ(chain->buffers.size(), 2u);
  EXPECT_FALSE(chain->indirect);
  EXPECT_EQ(std::memcmp(chain->buffers[0].data, "ping", 4), 0);
  EXPECT_FALSE(chain->buffers[0].writable);
  EXPECT_TRUE(chain->buffers[1].writable);
  std::memcpy(chain->buffers[1].data, "pong", 4);
  device_->complete(chain->head, 4);

  EXPECT_TRUE(q.has_used());
  auto done = take(q);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->token, &token);
  EXPECT_EQ(done->length, 4u);
  EXPECT_STREQ(reply, "pong");
  EXPECT_EQ(q.free_descriptors(), 8);
  EXPECT_EQ(q.in_flight(), 0);
  EXPECT_FALSE(take(q));
}

TEST_F(VirtqueueTest, ChainsUseDescriptorsAndCompleteOutOfOrder) {
  SplitQueue& q = make(8);
  char data[3][8];
  const Buffer chain[] = {Buffer::readable(data[0], 8), Buffer::readable(data[1], 8),
                          Buffer::writable(data[2], 8)};
  int tokens[3];
  ASSERT_TRUE(q.add(chain, &tokens[0]).ok());
  ASSERT_TRUE(q.add(chain, &tokens[1]).ok());
  EXPECT_EQ(q.free_descriptors(), 2);
  auto full = q.add(chain, &tokens[2]);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code(), ENOSPC);
  q.publish();

  auto first = device_->next_request();
  auto second = device_->next_request();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->buffers.size(), 3u);
  device_->complete(second->head, 8);
  device_->complete(first->head, 0);
  EXPECT_EQ(take(q)->token, &tokens[1]);
  ASSERT_TRUE(q.add(chain, &tokens[2]).ok()) << "the completed chain's descriptors are free";
  EXPECT_EQ(take(q)->token, &tokens[0]);
  EXPECT_EQ(q.free_descriptors(), 5);
}

TEST_F(VirtqueueTest, IndirectTableTakesOneDescriptor) {
  SplitQueue& q = make(4, false, 4);
  char data[4][4];
  const Buffer chain[] = {Buffer::readable(data[0], 4), Buffer::readable(data[1], 4),
                          Buffer::writable(data[2], 4), Buffer::writable(data[3], 4)};
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.add(chain, nullptr).ok());
  EXPECT_EQ(q.free_descriptors(), 0);
  q.publish();
  for (int i = 0; i < 4; ++i) {
    auto request = device_->next_request();
    ASSERT_TRUE(request);
    EXPECT_TRUE(request->indirect);
    ASSERT_EQ(request->buffers.size(), 4u);
    EXPECT_EQ(request->buffers[2].data, data[2]);
    EXPECT_TRUE(request->buffers[3].writable);
    device_->complete(request->head, 8);
  }
  for (int i = 0; i < 4; ++i) EXPECT_EQ(take(q)->length, 8u);
  EXPECT_EQ(q.free_descriptors(), 4);
}

TEST_F(VirtqueueTest, ChainsLongerThanAnIndirectTableGoDirect) {
  SplitQueue& q = make(8, false, 2);
  char data[3][4];
  const Buffer chain[] = {Buffer::readable(data[0], 4), Buffer::readable(data[1], 4),
                          Buffer::writable(data[2], 4)};
  ASSERT_TRUE(q.add(chain, nullptr).ok());
  EXPECT_EQ(q.free_descriptors(), 5);
  const Buffer one[] = {Buffer::writable(data[0], 4)};
  ASSERT_TRUE(q.add(one, nullptr).ok()) << "a single buffer needs no table";
  EXPECT_EQ(q.free_descriptors(), 4);
  q.publish();
  auto request = device_->next_request();
  ASSERT_TRUE(request);
  EXPECT_FALSE(request->indirect);
  EXPECT_EQ(request->buffers.size(), 3u);
}

TEST_F(VirtqueueTest, RejectsMalformedRequests) {
  SplitQueue& q = make(4);
  char data[8];
  const Buffer none[] = {Buffer::readable(data, 4)};
  EXPECT_EQ(q.add(std::span<const Buffer>(none, 0), nullptr).error().code(), EINVAL);
  const Buffer empty[] = {Buffer::readable(data, 0)};
  EXPECT_EQ(q.add(empty, nullptr).error().code(), EINVAL);
  const Buffer misordered[] = {Buffer::writable(data, 4), Buffer::readable(data, 4)};
  EXPECT_EQ(q.add(misordered, nullptr).error().code(), EINVAL);
  const Buffer too_long[5] = {none[0], none[0], none[0], none[0], none[0]};
  EXPECT_EQ(q.add(too_long, nullptr).error().code(), EINVAL);
  const Buffer huge[] = {{0x1000, 0xffffffff, true}, {0x1000, 0xffffffff, true}};
  EXPECT_EQ(q.add(huge, nullptr).error().code(), EINVAL);
  EXPECT_EQ(q.free_descriptors(), 4);
  EXPECT_FALSE(q.broken());
}

TEST_F(VirtqueueTest, CreateChecksItsArguments) {
  alignas(64) static std::byte memory[4096];
  EXPECT_EQ(SplitQueue::memory_bytes({6}), 0u);
  EXPECT_FALSE(SplitQueue::create({6}, memory).ok());
  EXPECT_FALSE(SplitQueue::create({0}, memory).ok());
  EXPECT_FALSE(SplitQueue::create({4, false, 8}, memory).ok()) << "indirect table > queue";
  EXPECT_FALSE(SplitQueue::create({256}, memory).ok()) << "memory too small";
  EXPECT_FALSE(SplitQueue::create({4}, std::span(memory).subspan(8)).ok()) << "misaligned";
  EXPECT_TRUE(SplitQueue::create({4}, memory).ok());
}

TEST_F(VirtqueueTest, NotificationsWithoutEventIndex) {
  SplitQueue& q = make(4);
  char data[4];
  const Buffer one[] = {Buffer::writable(data, 4)};
  ASSERT_TRUE(q.add(one, nullptr).ok());
  EXPECT_TRUE(q.publish());
  EXPECT_FALSE(q.publish()) << "nothing new to publish";
  device_->set_no_notify(true);
  ASSERT_TRUE(q.add(one, nullptr).ok());
  EXPECT_FALSE(q.publish());

  auto a = device_->next_request();
  auto b = device_->next_request();
  EXPECT_TRUE(device_->complete(a->head, 1)) << "interrupts are on by default";
  q.disable_interrupts();
  EXPECT_FALSE(device_->complete(b->head, 1));
  EXPECT_TRUE(q.enable_interrupts()) << "completions are waiting";
  EXPECT_TRUE(take(q));
  EXPECT_TRUE(take(q));
  EXPECT_FALSE(q.enable_interrupts());
}

TEST_F(VirtqueueTest, EventIndexSuppressesNotifications) {
  SplitQueue& q = make(8, true);
  char data[4];
  const Buffer one[] = {Buffer::writable(data, 4)};
  // The device asks to hear about available index 0 (the first request) only.
  ASSERT_TRUE(q.add(one, nullptr).ok());
  EXPECT_TRUE(q.publish());
  ASSERT_TRUE(q.add(one, nullptr).ok());
  EXPECT_FALSE(q.publish()) << "the device is still busy with the first request";
  // It has taken both and asks again from index 2 on: a batch crossing it notifies.
  ASSERT_TRUE(device_->next_request());
  ASSERT_TRUE(device_->next_request());
  device_->set_avail_event(2);
  ASSERT_TRUE(q.add(one, nullptr).ok());
  ASSERT_TRUE(q.add(one, nullptr).ok());
  EXPECT_TRUE(q.publish());
  // Flags are ignored with event index: NO_NOTIFY must not stop the notification.
  device_->set_no_notify(true);
  device_->set_avail_event(4);
  ASSERT_TRUE(q.add(one, nullptr).ok());
  EXPECT_TRUE(q.publish());
}

TEST_F(VirtqueueTest, EventIndexSuppressesInterrupts) {
  SplitQueue& q = make(8, true);
  char data[4];
  const Buffer one[] = {Buffer::writable(data, 4)};
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.add(one, nullptr).ok());
  q.publish();
  std::vector<std::uint16_t> heads;
  while (auto r = device_->next_request()) heads.push_back(r->head);
  ASSERT_EQ(heads.size(), 4u);

  EXPECT_TRUE(device_->complete(heads[0], 4)) << "used_event starts at 0";
  EXPECT_FALSE(device_->complete(heads[1], 4)) << "the driver has not caught up yet";
  EXPECT_TRUE(take(q));
  EXPECT_TRUE(take(q));
  EXPECT_TRUE(device_->complete(heads[2], 4)) << "after taking, the next completion interrupts";
  q.disable_interrupts();
  EXPECT_TRUE(take(q));
  EXPECT_FALSE(device_->complete(heads[3], 4)) << "suppressed";
  EXPECT_TRUE(q.enable_interrupts()) << "a completion arrived while suppressed";
  EXPECT_TRUE(take(q));
  EXPECT_FALSE(q.enable_interrupts());
}

TEST_F(VirtqueueTest, IndicesWrapAround) {
  SplitQueue& q = make(4, true, 4);
  char in[8], out[8];
  const Buffer chain[] = {Buffer::readable(in, 8), Buffer::writable(out, 8)};
  for (int round = 0; round < 70000; ++round) {
    ASSERT_TRUE(q.add(chain, reinterpret_cast<void*>(std::uintptr_t(round + 1))).ok());
    q.publish();
    auto request = device_->next_request();
    ASSERT_TRUE(request);
    device_->complete(request->head, round % 9);
    auto done = take(q);
    ASSERT_TRUE(done);
    ASSERT_EQ(done->token, reinterpret_cast<void*>(std::uintptr_t(round + 1)));
    ASSERT_EQ(done->length, std::uint32_t(round % 9));
  }
  EXPECT_EQ(q.free_descriptors(), 4);
}

// --- A broken or hostile device ---------------------------------------------------------

class VirtqueueMalformedUsedTest : public VirtqueueTest {
 protected:
  void SetUp() override {
    SplitQueue& q = make(8);
    const Buffer chain[] = {Buffer::readable(in_, 8), Buffer::writable(out_, 8),
                            Buffer::writable(out_ + 8, 8)};
    ASSERT_TRUE(q.add(chain, &tokens_[0]).ok());
    ASSERT_TRUE(q.add(chain, &tokens_[1]).ok());
    q.publish();
    first_ = device_->next_request()->head;
    second_ = device_->next_request()->head;
  }

  void expect_broken(const char* what) {
    SplitQueue& q = *queue_;
    auto r = q.take_used();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), EIO);
    EXPECT_NE(std::strstr(r.error().message(), what), nullptr) << r.error().message();
    EXPECT_TRUE(q.broken());
    EXPECT_TRUE(q.has_used()) << "so that a waiter looks and sees the error";
    // Every later call fails too; nothing is handed out twice.
    EXPECT_EQ(q.take_used().error().code(), EIO);
    const Buffer one[] = {Buffer::writable(out_, 8)};
    EXPECT_EQ(q.add(one, nullptr).error().code(), EIO);
  }

  char in_[8], out_[16];
  int tokens_[2];
  std::uint16_t first_ = 0, second_ = 0;
};

TEST_F(VirtqueueMalformedUsedTest, IdOutOfRange) {
  device_->write_used(8, 0);
  expect_broken("out of range");
}

TEST_F(VirtqueueMalformedUsedTest, HugeId) {
  device_->write_used(0xffffffffu, 0);
  expect_broken("out of range");
}

TEST_F(VirtqueueMalformedUsedTest, IdInsideAChainButNotItsHead) {
  device_->write_used(first_ + 1u, 0);
  expect_broken("not in flight");
}

TEST_F(VirtqueueMalformedUsedTest, IdCompletedTwice) {
  device_->complete(first_, 16);
  device_->complete(first_, 16);
  auto done = take(*queue_);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->token, &tokens_[0]);
  expect_broken("not in flight");
}

TEST_F(VirtqueueMalformedUsedTest, LengthLargerThanTheWritableBuffers) {
  device_->complete(second_, 17);
  expect_broken("larger than");
}

TEST_F(VirtqueueMalformedUsedTest, LengthCountingTheReadableBuffer) {
  device_->complete(first_, 24);
  expect_broken("larger than");
}

TEST_F(VirtqueueMalformedUsedTest, UsedIndexAheadOfTheRequestsInFlight) {
  device_->complete(first_, 16);
  device_->bump_used_index(2);  // three completions claimed, two requests in flight
  expect_broken("ahead");
}

TEST_F(VirtqueueMalformedUsedTest, UsedIndexJumpsBeyondTheQueueSize) {
  device_->bump_used_index(1000);
  expect_broken("ahead");
}

TEST_F(VirtqueueMalformedUsedTest, UsedIndexGoesBackwards) {
  device_->complete(first_, 16);
  EXPECT_TRUE(take(*queue_));
  device_->bump_used_index(0xffff);  // -1: looks like 65535 new completions
  expect_broken("ahead");
}

TEST_F(VirtqueueMalformedUsedTest, ValidEntriesBeforeTheBadOneAreDelivered) {
  device_->complete(second_, 16);
  device_->write_used(99, 0);
  auto done = take(*queue_);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->token, &tokens_[1]);
  expect_broken("out of range");
}

}  // namespace
}  // namespace cairn::virtio
