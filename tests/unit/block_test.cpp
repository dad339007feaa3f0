// The block layer's pure parts: request checks (bounds, alignment, limits, read-only),
// how synchronous I/O cuts buffers into requests and byte ranges into sectors, disk
// names and the registry.
#include <errno.h>

#include <cstdint>
#include <vector>

#include <cairn/block/block_device.h>
#include <cairn/block/registry.h>
#include <gtest/gtest.h>

#include "split.h"

namespace cairn::block {
namespace {

void ignore(Request&, Result<void>) {}

class RequestCheckTest : public ::testing::Test {
 protected:
  Geometry geometry{512, 1000, false, true};
  Limits limits{4, 4096, 8192};
  std::byte data[16384];

  int check(Operation op, std::uint64_t sector, std::vector<Segment> segments) {
    segments_ = std::move(segments);
    Request r{op, sector, {segments_.data(), segments_.size()}, ignore, nullptr};
    auto result = check_request(r, geometry, limits);
    return result ? 0 : result.error().code();
  }
  Segment seg(std::uint32_t length) { return {data, length}; }

 private:
  std::vector<Segment> segments_;
};

TEST_F(RequestCheckTest, AcceptsRequestsWithinTheDevice) {
  EXPECT_EQ(check(Operation::kRead, 0, {seg(512)}), 0);
  EXPECT_EQ(check(Operation::kWrite, 999, {seg(512)}), 0) << "the last sector";
  EXPECT_EQ(check(Operation::kRead, 984, {seg(4096), seg(4096)}), 0) << "ends at the end";
  EXPECT_EQ(check(Operation::kRead, 0, {seg(100), seg(412)}), 0) << "segments need not be sectors";
  EXPECT_EQ(check(Operation::kFlush, 0, {}), 0);
}

TEST_F(RequestCheckTest, RefusesRequestsBeyondTheCapacity) {
  EXPECT_EQ(check(Operation::kRead, 1000, {seg(512)}), EINVAL) << "at the capacity";
  EXPECT_EQ(check(Operation::kRead, 999, {seg(1024)}), EINVAL) << "across the end";
  EXPECT_EQ(check(Operation::kWrite, 985, {seg(4096), seg(4096)}), EINVAL);
  EXPECT_EQ(check(Operation::kRead, UINT64_MAX, {seg(512)}), EINVAL);
  EXPECT_EQ(check(Operation::kRead, UINT64_MAX - 1, {seg(1024)}), EINVAL) << "no wrap-around";
}

TEST_F(RequestCheckTest, RefusesMalformedRequests) {
  EXPECT_EQ(check(Operation::kRead, 0, {}), EINVAL) << "no data";
  EXPECT_EQ(check(Operation::kRead, 0, {seg(0), seg(512)}), EINVAL) << "empty segment";
  EXPECT_EQ(check(Operation::kRead, 0, {seg(500)}), EINVAL) << "not whole sectors";
  EXPECT_EQ(check(Operation::kRead, 0, {seg(8192)}), EINVAL) << "segment too long";
  EXPECT_EQ(check(Operation::kRead, 0, {seg(512), seg(512), seg(512), seg(512), seg(512)}), EINVAL)
      << "too many segments";
  EXPECT_EQ(check(Operation::kRead, 0, {seg(4096), seg(4096), seg(512)}), EINVAL)
      << "request too long";
  EXPECT_EQ(check(Operation::kFlush, 0, {seg(512)}), EINVAL) << "flush with data";
  EXPECT_EQ(check(static_cast<Operation>(7), 0, {seg(512)}), EINVAL);
  Segment s = seg(512);
  Request no_callback{Operation::kRead, 0, {&s, 1}, nullptr, nullptr};
  EXPECT_FALSE(check_request(no_callback, geometry, limits).ok());
}

TEST_F(RequestCheckTest, ReadOnlyDevicesRefuseWritesOnly) {
  geometry.read_only = true;
  EXPECT_EQ(check(Operation::kWrite, 0, {seg(512)}), EROFS);
  EXPECT_EQ(check(Operation::kRead, 0, {seg(512)}), 0);
  EXPECT_EQ(check(Operation::kFlush, 0, {}), 0);
  EXPECT_EQ(check(Operation::kWrite, 1000, {seg(512)}), EINVAL) << "bounds come first";
}

TEST_F(RequestCheckTest, LargeSectors) {
  geometry = {4096, 10, false, false};
  EXPECT_EQ(check(Operation::kRead, 9, {seg(4096)}), 0);
  EXPECT_EQ(check(Operation::kRead, 9, {seg(512)}), EINVAL) << "a 512-byte request";
  EXPECT_EQ(check(Operation::kRead, 9, {seg(4096), seg(4096)}), EINVAL);
}

TEST(BlockSplitTest, RequestSizeHonoursEveryLimit) {
  const Geometry g{512, 1 << 20, false, false};
  EXPECT_EQ(next_request_bytes(10 << 20, g, {30, 1 << 20, 1 << 20}), 1u << 20);
  EXPECT_EQ(next_request_bytes(10 << 20, g, {4, 4096, 1 << 20}), 16384u) << "segments x size";
  EXPECT_EQ(next_request_bytes(3000, g, {4, 4096, 1 << 20}), 2560u) << "whole sectors";
  EXPECT_EQ(next_request_bytes(512, g, {4, 4096, 1 << 20}), 512u);
  EXPECT_EQ(next_request_bytes(100, g, {4, 4096, 1 << 20}), 0u);
  EXPECT_EQ(next_request_bytes(1 << 20, g, {3, 1000, 1 << 20}), 2560u) << "3000 rounded down";
}

TEST(BlockSplitTest, SegmentsCoverTheBufferInOrder) {
  std::byte buffer[10000];
  Segment out[4];
  const Limits limits{4, 4096, 16384};
  ASSERT_EQ(make_segments(buffer, 10000, limits, out), 3u);
  EXPECT_EQ(out[0].data, buffer);
  EXPECT_EQ(out[0].length, 4096u);
  EXPECT_EQ(out[1].data, buffer + 4096);
  EXPECT_EQ(out[2].data, buffer + 8192);
  EXPECT_EQ(out[2].length, 10000u - 8192);
  EXPECT_EQ(make_segments(buffer, 10000, limits, {out, 2}), 0u) << "does not fit";
}

TEST(BlockSplitTest, ByteRangeWithinOneSector) {
  const ByteRange r = split_byte_range(3 * 512 + 100, 10, 512);
  EXPECT_EQ(r.first_sector, 3u);
  EXPECT_EQ(r.head_offset, 100u);
  EXPECT_EQ(r.head_bytes, 10u);
  EXPECT_EQ(r.body_sectors, 0u);
  EXPECT_EQ(r.tail_bytes, 0u);
}

TEST(BlockSplitTest, ByteRangeAcrossASectorBoundary) {
  // 3 MiB + 1019, 10 bytes: 5 bytes at the end of one sector, 5 at the start of the next.
  const std::uint64_t offset = 3 * 1024 * 1024 + 1019;
  const ByteRange r = split_byte_range(offset, 10, 512);
  EXPECT_EQ(r.first_sector, offset / 512);
  EXPECT_EQ(r.head_offset, 507u);
  EXPECT_EQ(r.head_bytes, 5u);
  EXPECT_EQ(r.body_sectors, 0u);
  EXPECT_EQ(r.tail_sector, offset / 512 + 1);
  EXPECT_EQ(r.tail_bytes, 5u);
}

TEST(BlockSplitTest, ByteRangeWithHeadBodyAndTail) {
  const ByteRange r = split_byte_range(1000, 3000, 512);  // bytes 1000..3999
  EXPECT_EQ(r.first_sector, 1u);
  EXPECT_EQ(r.head_offset, 488u);
  EXPECT_EQ(r.head_bytes, 24u);
  EXPECT_EQ(r.body_sector, 2u);
  EXPECT_EQ(r.body_sectors, 5u);  // 1024..3583
  EXPECT_EQ(r.tail_sector, 7u);
  EXPECT_EQ(r.tail_bytes, 416u);  // 3584..3999
}

TEST(BlockSplitTest, AlignedRangesNeedNoPartialSectors) {
  const ByteRange r = split_byte_range(4096, 8192, 4096);
  EXPECT_EQ(r.head_bytes, 0u);
  EXPECT_EQ(r.body_sector, 1u);
  EXPECT_EQ(r.body_sectors, 2u);
  EXPECT_EQ(r.tail_bytes, 0u);
  const ByteRange short_one = split_byte_range(4096, 100, 4096);
  EXPECT_EQ(short_one.head_offset, 0u);
  EXPECT_EQ(short_one.head_bytes, 100u) << "an aligned start shorter than a sector";
  EXPECT_EQ(short_one.body_sectors, 0u);
  EXPECT_EQ(short_one.tail_bytes, 0u);
}

TEST(BlockNameTest, LinuxStyleNames) {
  char name[8];
  ASSERT_TRUE(disk_name("vd", 0, name));
  EXPECT_STREQ(name, "vda");
  ASSERT_TRUE(disk_name("vd", 1, name));
  EXPECT_STREQ(name, "vdb");
  ASSERT_TRUE(disk_name("vd", 25, name));
  EXPECT_STREQ(name, "vdz");
  ASSERT_TRUE(disk_name("vd", 26, name));
  EXPECT_STREQ(name, "vdaa");
  ASSERT_TRUE(disk_name("vd", 701, name));
  EXPECT_STREQ(name, "vdzz");
  ASSERT_TRUE(disk_name("vd", 702, name));
  EXPECT_STREQ(name, "vdaaa");
  char tiny[4];
  EXPECT_FALSE(disk_name("vd", 26, tiny)) << "vdaa and its NUL need 5 bytes";
}

class FakeDisk final : public BlockDevice {
 public:
  explicit FakeDisk(const char* name) {
    for (int i = 0; name[i] && i < 7; ++i) name_[i] = name[i];
  }
  void poll() override {}
  bool polled() const override { return true; }

 private:
  Result<void> start(Request&) override { return {}; }
};

TEST(BlockRegistryTest, FindsDevicesByNameInOrder) {
  static FakeDisk first("tsta"), second("tstb"), again("tsta"), unnamed("");
  const std::size_t before = devices().size();
  ASSERT_TRUE(add_device(first).ok());
  ASSERT_TRUE(add_device(second).ok());
  EXPECT_EQ(add_device(again).error().code(), EEXIST);
  EXPECT_EQ(add_device(unnamed).error().code(), EINVAL);
  EXPECT_EQ(find_device("tsta"), &first);
  EXPECT_EQ(find_device("tstb"), &second);
  EXPECT_EQ(find_device("tstc"), nullptr);
  EXPECT_EQ(find_device("tst"), nullptr);
  ASSERT_EQ(devices().size(), before + 2);
  EXPECT_EQ(devices()[before], &first);
  EXPECT_EQ(devices()[before + 1], &second);
}

}  // namespace
}  // namespace cairn::block
