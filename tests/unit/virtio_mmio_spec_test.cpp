// `virtio_mmio.device=` values: QEMU's and Firecracker's forms, and malformed ones.
#include <errno.h>

#include <gtest/gtest.h>

#include "mmio_spec.h"

namespace cairn::virtio {
namespace {

TEST(VirtioMmioSpecTest, ParsesQemuAndFirecrackerEntries) {
  auto qemu = parse_mmio_spec("512@0xfeb00e00:12");
  ASSERT_TRUE(qemu.ok());
  EXPECT_EQ(qemu.value().size, 512u);
  EXPECT_EQ(qemu.value().base, 0xfeb00e00u);
  EXPECT_EQ(qemu.value().irq, 12u);
  auto firecracker = parse_mmio_spec("4K@0xd0000000:5:2");
  ASSERT_TRUE(firecracker.ok());
  EXPECT_EQ(firecracker.value().size, 4096u);
  EXPECT_EQ(firecracker.value().base, 0xd0000000u);
  EXPECT_EQ(firecracker.value().irq, 5u);
  auto suffixes = parse_mmio_spec("0x1M@3G:7");
  ASSERT_TRUE(suffixes.ok());
  EXPECT_EQ(suffixes.value().size, 1u << 20);
  EXPECT_EQ(suffixes.value().base, 3ull << 30);
}

TEST(VirtioMmioSpecTest, RejectsMalformedEntries) {
  for (const char* bad :
       {"", "512", "512@", "512@0xfeb00e00", "512@0xfeb00e00:", "@0x1000:5", "512@0xfeb00e00:12x",
        "512@0xzz:5", "0@0x1000:5", "512@0x1000:256", "0x100000000000000000@0:1", "16E@0:1",
        "4K@0xfffffffffffff000:5", "512@0x1000:5:", "512@0x1000:5:6:7"}) {
    auto r = parse_mmio_spec(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), EINVAL) << bad;
    }
  }
}

}  // namespace
}  // namespace cairn::virtio
