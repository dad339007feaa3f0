// virtio-mmio slots from a DSDT: the body of QEMU 7.2 microvm's own (captured from a
// guest with a virtio-rng and a virtio-blk device), and damaged copies of it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../../platform/kvm/src/acpi_virtio_mmio.h"

namespace cairn::platform {
namespace {

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

const std::string kMicrovmDsdtBody =
    "10421a5f53425f5b822e46574346085f4849440d51454d553030303200085f5354410a0b085f435253110d0a0a4701"
    "10"
    "051005010c79005b8232434f4d31085f4849440c41d00501085f55494401085f5354410a0f085f43525311100a0d47"
    "01"
    "f803f803000822100079005b82255254435f085f4849440c41d00b00085f43525311100a0d47017000700001082200"
    "01"
    "79005b824c064745445f085f4849440d414350493030313300085f5549440d47454400085f435253110e0a0b890600"
    "03"
    "010900000079005b8045524547000c0000a0fe0a045b810b45524547434553454c20141d5f45565409704553454c60"
    "a0"
    "10937b600a02000a0286505752420a805b821950575242085f4849440d504e503043304300085f554944005b824204"
    "56"
    "523233085f4849440d4c4e524f3030303500085f5549440a17085f43434101085f435253111a0a1786090001002eb0"
    "fe"
    "0002000089060001012f00000079005b82420456523232085f4849440d4c4e524f3030303500085f5549440a16085f"
    "43"
    "434101085f435253111a0a1786090001002cb0fe0002000089060001012e000000790010105c00085f53355f120704"
    "0a"
    "05000000";

TEST(AcpiVirtioMmio, FindsEveryMicrovmSlot) {
  auto aml = from_hex(kMicrovmDsdtBody);
  VirtioMmioSlot slots[64];
  std::size_t n = find_virtio_mmio_slots(aml.data(), aml.size(), slots, 64);
  ASSERT_EQ(n, 2u);  // microvm lists the slots that hold a device, from the top down
  EXPECT_EQ(slots[0].base, 0xfeb02e00u);
  EXPECT_EQ(slots[0].size, 0x200u);
  EXPECT_EQ(slots[0].gsi, 0x2fu);
  EXPECT_EQ(slots[1].base, 0xfeb02c00u);
  EXPECT_EQ(slots[1].size, 0x200u);
  EXPECT_EQ(slots[1].gsi, 0x2eu);
}

TEST(AcpiVirtioMmio, StopsAtCapacity) {
  auto aml = from_hex(kMicrovmDsdtBody);
  VirtioMmioSlot slots[1];
  EXPECT_EQ(find_virtio_mmio_slots(aml.data(), aml.size(), slots, 1), 1u);
}

TEST(AcpiVirtioMmio, TruncatedTablesNeverReadPastTheEnd) {
  auto aml = from_hex(kMicrovmDsdtBody);
  VirtioMmioSlot slots[64];
  std::size_t previous = 0;
  for (std::size_t length = 0; length <= aml.size(); ++length) {
    // A copy of exactly `length` bytes, so ASan catches any read beyond it.
    std::vector<std::uint8_t> cut(aml.begin(), aml.begin() + static_cast<long>(length));
    std::size_t n = find_virtio_mmio_slots(cut.data(), cut.size(), slots, 64);
    EXPECT_GE(n, previous);
    previous = n;
  }
  EXPECT_EQ(previous, 2u);
}

TEST(AcpiVirtioMmio, DeviceWithoutResourcesIsSkipped) {
  // A _HID with no Memory32Fixed after it, then a complete device.
  std::vector<std::uint8_t> aml = {0x0d, 'L',  'N',  'R',  'O',  '0',  '0',  '0',  '5',  0,    0x0d,
                                   'L',  'N',  'R',  'O',  '0',  '0',  '0',  '5',  0,    0x86, 0x09,
                                   0x00, 0x01, 0x00, 0x10, 0xb0, 0xfe, 0x00, 0x02, 0x00, 0x00, 0x89,
                                   0x06, 0x00, 0x01, 0x01, 0x20, 0x00, 0x00, 0x00, 0x79, 0x00};
  VirtioMmioSlot slots[4];
  ASSERT_EQ(find_virtio_mmio_slots(aml.data(), aml.size(), slots, 4), 1u);
  EXPECT_EQ(slots[0].base, 0xfeb01000u);
  EXPECT_EQ(slots[0].gsi, 0x20u);
}

TEST(AcpiVirtioMmio, InterruptDescriptorClaimingMoreThanItHoldsIsIgnored) {
  std::vector<std::uint8_t> aml = {0x0d, 'L',  'N',  'R',  'O',  '0',  '0',  '0',  '5',  0,    0x86,
                                   0x09, 0x00, 0x01, 0x00, 0x10, 0xb0, 0xfe, 0x00, 0x02, 0x00, 0x00,
                                   0x89, 0x06, 0x00, 0x01, 0x05, 0x20, 0x00, 0x00, 0x00};
  VirtioMmioSlot slots[4];
  EXPECT_EQ(find_virtio_mmio_slots(aml.data(), aml.size(), slots, 4), 0u);
}

}  // namespace
}  // namespace cairn::platform
