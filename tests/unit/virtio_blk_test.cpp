// virtio-blk: the wire format, what features and configuration mean, and the request
// engine against a simulated device: many requests in flight, requests waiting for
// room, device errors, a missing status, and a broken ring failing everything with EIO.
#include <errno.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <cairn/virtio/features.h>
#include <gtest/gtest.h>

#include <sim_device.h>

#include "blk_protocol.h"
#include "blk_queue.h"

namespace cairn::virtio::blk {
namespace {

using block::Operation;

TEST(VirtioBlkProtocolTest, HeadersCountIn512ByteSectors) {
  const RequestHeader read = encode_header(Operation::kRead, 7, 512);
  EXPECT_EQ(read.type, kTypeIn);
  EXPECT_EQ(read.reserved, 0u);
  EXPECT_EQ(read.sector, 7u);
  const RequestHeader write = encode_header(Operation::kWrite, 7, 4096);
  EXPECT_EQ(write.type, kTypeOut);
  EXPECT_EQ(write.sector, 56u) << "a 4 KiB sector is eight wire sectors";
  const RequestHeader flush = encode_header(Operation::kFlush, 99, 512);
  EXPECT_EQ(flush.type, kTypeFlush);
  EXPECT_EQ(flush.sector, 0u);
  // The exact bytes the device reads.
  const unsigned char expected[16] = {1, 0, 0, 0, 0, 0, 0, 0, 56, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::memcmp(&write, expected, 16), 0);
}

TEST(VirtioBlkProtocolTest, EveryBadStatusIsEio) {
  EXPECT_TRUE(decode_status(kStatusOk).ok());
  for (int status : {1, 2, 3, 0x7f, 0xff}) {
    auto r = decode_status(static_cast<std::uint8_t>(status));
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(r.error().code(), EIO) << status;
  }
}

TEST(VirtioBlkProtocolTest, PlainDevice) {
  auto d = describe(0, {8192, 0, 0, 0}, 32);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().geometry.sector_size, 512u);
  EXPECT_EQ(d.value().geometry.sector_count, 8192u);
  EXPECT_FALSE(d.value().geometry.read_only);
  EXPECT_FALSE(d.value().geometry.volatile_cache) << "no FLUSH: write-through";
  EXPECT_EQ(d.value().limits.max_segments, 30u) << "header and status take two";
  EXPECT_EQ(d.value().limits.max_segment_bytes, kMaxRequestBytes);
  EXPECT_EQ(d.value().limits.max_request_bytes, kMaxRequestBytes);
}

TEST(VirtioBlkProtocolTest, FeaturesAndLimits) {
  const std::uint64_t all = feature(kFeatureReadOnly) | feature(kFeatureFlush) |
                            feature(kFeatureBlockSize) | feature(kFeatureSegMax) |
                            feature(kFeatureSizeMax);
  auto d = describe(all, {8192, 10000, 4, 4096}, 32);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().geometry.sector_size, 4096u);
  EXPECT_EQ(d.value().geometry.sector_count, 1024u) << "capacity is in 512-byte units";
  EXPECT_TRUE(d.value().geometry.read_only);
  EXPECT_TRUE(d.value().geometry.volatile_cache);
  EXPECT_EQ(d.value().limits.max_segments, 4u) << "seg_max";
  EXPECT_EQ(d.value().limits.max_segment_bytes, 8192u) << "size_max, whole sectors";
  EXPECT_EQ(d.value().limits.max_request_bytes, 32768u) << "segments x segment size";
}

TEST(VirtioBlkProtocolTest, FieldsOfFeaturesNotNegotiatedAreIgnored) {
  auto d = describe(0, {8192, 100, 1, 1000}, 8);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().geometry.sector_size, 512u);
  EXPECT_EQ(d.value().limits.max_segments, 6u) << "the queue's chain length";
  EXPECT_EQ(d.value().limits.max_segment_bytes, kMaxRequestBytes);
}

TEST(VirtioBlkProtocolTest, RefusesImpossibleDevices) {
  EXPECT_FALSE(describe(feature(kFeatureBlockSize), {8, 0, 0, 1000}, 32).ok());
  EXPECT_FALSE(describe(feature(kFeatureBlockSize), {8, 0, 0, 256}, 32).ok());
  EXPECT_FALSE(describe(feature(kFeatureBlockSize), {8, 0, 0, 1 << 17}, 32).ok());
  EXPECT_FALSE(describe(feature(kFeatureSizeMax), {8, 100, 0, 0}, 32).ok())
      << "a segment smaller than a sector";
  EXPECT_FALSE(describe(0, {8, 0, 0, 0}, 2).ok()) << "no room for data";
}

struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};

struct Outcome {
  int calls = 0;
  int error = -1;
};

void record(block::Request& r, Result<void> result) {
  auto* o = static_cast<Outcome*>(r.context);
  ++o->calls;
  o->error = result ? 0 : result.error().code();
}

class VirtioBlkQueueTest : public ::testing::Test {
 protected:
  void make(std::uint16_t size, std::uint16_t indirect_max, std::uint16_t slots) {
    const QueueConfig config{size, true, indirect_max};
    const std::size_t bytes = SplitQueue::memory_bytes(config);
    ring_memory_.reset(static_cast<std::byte*>(std::aligned_alloc(64, (bytes + 63) & ~63ul)));
    std::memset(ring_memory_.get(), 0, bytes);
    ring_ = std::make_unique<SplitQueue>(
        std::move(SplitQueue::create(config, {ring_memory_.get(), bytes})).value());
    device_ = std::make_unique<test::SimDevice>(ring_->addresses(), true);
    const std::size_t slot_bytes = RequestQueue::memory_bytes(slots);
    slot_memory_.reset(static_cast<std::byte*>(std::aligned_alloc(64, (slot_bytes + 63) & ~63ul)));
    queue_ = std::make_unique<RequestQueue>(*ring_, std::span{slot_memory_.get(), slot_bytes},
                                            slots, 512, count_notify, &notifies_);
  }
  static void count_notify(void* n) { ++*static_cast<int*>(n); }

  // Plays the device for one request: checks its shape, fills a read's data with
  // `fill`, writes `status`; returns the header it read.
  RequestHeader serve(const test::SimDevice::Request& r, std::uint8_t status,
                      std::uint8_t fill = 0xab) {
    EXPECT_GE(r.buffers.size(), 2u);
    EXPECT_FALSE(r.buffers.front().writable);
    EXPECT_EQ(r.buffers.front().length, sizeof(RequestHeader));
    RequestHeader h;
    std::memcpy(&h, r.buffers.front().data, sizeof h);
    std::uint32_t written = 1;
    for (std::size_t i = 1; i + 1 < r.buffers.size(); ++i) {
      EXPECT_EQ(r.buffers[i].writable, h.type == kTypeIn);
      if (r.buffers[i].writable) {
        std::memset(r.buffers[i].data, fill, r.buffers[i].length);
        written += r.buffers[i].length;
      }
    }
    EXPECT_TRUE(r.buffers.back().writable);
    EXPECT_EQ(r.buffers.back().length, 1u);
    *static_cast<std::uint8_t*>(r.buffers.back().data) = status;
    device_->complete(r.head, written);
    return h;
  }

  std::unique_ptr<std::byte, FreeDeleter> ring_memory_, slot_memory_;
  std::unique_ptr<SplitQueue> ring_;
  std::unique_ptr<test::SimDevice> device_;
  std::unique_ptr<RequestQueue> queue_;
  int notifies_ = 0;
};

struct TestRequest {
  std::uint8_t data[1024];
  block::Segment segments[2];
  block::Request request;
  Outcome outcome;
  TestRequest(Operation op, std::uint64_t sector, int segment_count = 1) {
    std::memset(data, 0, sizeof data);
    segments[0] = {data, 512};
    segments[1] = {data + 512, 512};
    request = {op, sector, {segments, static_cast<std::size_t>(segment_count)}, record, &outcome};
    if (op == Operation::kFlush) request.segments = {};
  }
};

TEST_F(VirtioBlkQueueTest, ReadWriteAndFlushRoundTrips) {
  make(16, 8, 16);
  TestRequest read(Operation::kRead, 5, 2), write(Operation::kWrite, 9),
      flush(Operation::kFlush, 0);
  ASSERT_TRUE(queue_->submit(read.request, 100).ok());
  ASSERT_TRUE(queue_->submit(write.request, 100).ok());
  ASSERT_TRUE(queue_->submit(flush.request, 100).ok());
  EXPECT_EQ(queue_->in_flight(), 3u);
  EXPECT_GE(notifies_, 1);
  std::vector<RequestHeader> headers;
  while (auto r = device_->next_request()) headers.push_back(serve(*r, kStatusOk));
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0].type, kTypeIn);
  EXPECT_EQ(headers[0].sector, 5u);
  EXPECT_EQ(headers[1].type, kTypeOut);
  EXPECT_EQ(headers[1].sector, 9u);
  EXPECT_EQ(headers[2].type, kTypeFlush);
  auto reaped = queue_->reap(200);
  ASSERT_TRUE(reaped.ok());
  EXPECT_EQ(reaped.value(), 3u);
  for (TestRequest* t : {&read, &write, &flush}) {
    EXPECT_EQ(t->outcome.calls, 1);
    EXPECT_EQ(t->outcome.error, 0);
  }
  EXPECT_EQ(read.data[0], 0xab);
  EXPECT_EQ(read.data[1023], 0xab);
  EXPECT_EQ(queue_->in_flight(), 0u);
}

TEST_F(VirtioBlkQueueTest, AsManyInFlightAsSlotsThenRequestsWait) {
  make(16, 8, 16);
  std::vector<std::unique_ptr<TestRequest>> requests;
  for (int i = 0; i < 40; ++i) {
    requests.push_back(std::make_unique<TestRequest>(Operation::kRead, i));
    ASSERT_TRUE(queue_->submit(requests.back()->request, 1000 + i).ok());
  }
  EXPECT_EQ(queue_->in_flight(), 16u);
  EXPECT_EQ(queue_->waiting(), 24u);
  EXPECT_EQ(queue_->oldest_start_ns(), 1000u);
  // The device completes in reverse order; each round frees room for waiting ones.
  std::size_t done = 0;
  while (done < 40) {
    std::vector<test::SimDevice::Request> batch;
    while (auto r = device_->next_request()) batch.push_back(*r);
    ASSERT_FALSE(batch.empty());
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) serve(*it, kStatusOk);
    auto reaped = queue_->reap(5000);
    ASSERT_TRUE(reaped.ok());
    done += reaped.value();
  }
  for (auto& r : requests) EXPECT_EQ(r->outcome.calls, 1);
  EXPECT_EQ(queue_->waiting(), 0u);
  EXPECT_FALSE(queue_->oldest_start_ns());
}

TEST_F(VirtioBlkQueueTest, DescriptorsRunOutBeforeSlotsWithoutIndirectTables) {
  make(8, 0, 8);  // 8 descriptors; a two-segment request takes 4
  TestRequest a(Operation::kRead, 0, 2), b(Operation::kRead, 2, 2), c(Operation::kRead, 4, 2);
  ASSERT_TRUE(queue_->submit(a.request, 0).ok());
  ASSERT_TRUE(queue_->submit(b.request, 0).ok());
  ASSERT_TRUE(queue_->submit(c.request, 0).ok());
  EXPECT_EQ(queue_->in_flight(), 2u);
  EXPECT_EQ(queue_->waiting(), 1u);
  auto first = device_->next_request();
  ASSERT_TRUE(first);
  serve(*first, kStatusOk);
  ASSERT_TRUE(queue_->reap(0).ok());
  EXPECT_EQ(queue_->in_flight(), 2u) << "the waiting request took the freed descriptors";
  EXPECT_EQ(queue_->waiting(), 0u);
}

TEST_F(VirtioBlkQueueTest, DeviceErrorsAndMissingStatusAreEio) {
  make(16, 8, 16);
  TestRequest ioerr(Operation::kWrite, 1), unsupported(Operation::kFlush, 0),
      silent(Operation::kRead, 2), fine(Operation::kRead, 3);
  for (TestRequest* t : {&ioerr, &unsupported, &silent, &fine})
    ASSERT_TRUE(queue_->submit(t->request, 0).ok());
  serve(*device_->next_request(), kStatusIoError);
  serve(*device_->next_request(), kStatusUnsupported);
  auto r = device_->next_request();
  device_->complete(r->head, 0);  // never writes the status
  serve(*device_->next_request(), kStatusOk);
  ASSERT_TRUE(queue_->reap(0).ok());
  EXPECT_EQ(ioerr.outcome.error, EIO);
  EXPECT_EQ(unsupported.outcome.error, EIO);
  EXPECT_EQ(silent.outcome.error, EIO);
  EXPECT_EQ(fine.outcome.error, 0);
  EXPECT_FALSE(queue_->broken()) << "an error status is the request's, not the queue's";
}

TEST_F(VirtioBlkQueueTest, BrokenRingFailsEveryRequestWithEio) {
  make(8, 4, 4);
  std::vector<std::unique_ptr<TestRequest>> requests;
  for (int i = 0; i < 6; ++i) {
    requests.push_back(std::make_unique<TestRequest>(Operation::kWrite, i));
    ASSERT_TRUE(queue_->submit(requests.back()->request, 0).ok());
  }
  EXPECT_EQ(queue_->in_flight(), 4u);
  EXPECT_EQ(queue_->waiting(), 2u);
  device_->write_used(7, 1);  // an id that is no head in flight
  auto reaped = queue_->reap(0);
  ASSERT_FALSE(reaped.ok());
  EXPECT_EQ(reaped.error().code(), EIO);
  EXPECT_TRUE(queue_->broken());
  for (auto& r : requests) EXPECT_EQ(r->outcome.calls, 0) << "not before the device is stopped";
  queue_->fail_all(Error(EIO, "stopped"));
  for (auto& r : requests) {
    EXPECT_EQ(r->outcome.calls, 1);
    EXPECT_EQ(r->outcome.error, EIO);
  }
  EXPECT_EQ(queue_->in_flight(), 0u);
  EXPECT_EQ(queue_->waiting(), 0u);
  TestRequest late(Operation::kRead, 0);
  auto refused = queue_->submit(late.request, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), EIO);
  EXPECT_EQ(late.outcome.calls, 0);
}

TEST_F(VirtioBlkQueueTest, CallbacksMaySubmitMore) {
  make(16, 8, 2);
  struct Chain {
    RequestQueue* queue;
    TestRequest next{Operation::kRead, 50};
    int calls = 0;
  } chain{queue_.get()};
  TestRequest first(Operation::kRead, 1);
  first.request.context = &chain;
  first.request.done = [](block::Request& r, Result<void>) {
    auto* c = static_cast<Chain*>(r.context);
    ++c->calls;
    EXPECT_TRUE(c->queue->submit(c->next.request, 0).ok());
  };
  ASSERT_TRUE(queue_->submit(first.request, 0).ok());
  serve(*device_->next_request(), kStatusOk);
  ASSERT_TRUE(queue_->reap(0).ok());
  EXPECT_EQ(chain.calls, 1);
  auto next = device_->next_request();
  ASSERT_TRUE(next) << "the request submitted from the callback reached the device";
  EXPECT_EQ(serve(*next, kStatusOk).sector, 50u);
  ASSERT_TRUE(queue_->reap(0).ok());
  EXPECT_EQ(chain.next.outcome.calls, 1);
}

}  // namespace
}  // namespace cairn::virtio::blk
