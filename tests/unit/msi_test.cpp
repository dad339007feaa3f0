#include <gtest/gtest.h>

#include "../../kernel/irq/src/msi.h"

using namespace cairn::irq;

namespace {

TEST(Msi, BootCpuZero) {
  MsiMessage m = compose_msi(0x41, 0);
  EXPECT_EQ(m.address, 0xfee00000u);
  EXPECT_EQ(m.data, 0x41u);  // fixed delivery, edge, vector 0x41
}

TEST(Msi, DestinationInBits19To12) {
  MsiMessage m = compose_msi(kLastDeviceVector, 0xab);
  EXPECT_EQ(m.address, 0xfeeab000u);
  EXPECT_EQ(m.address & 0xc, 0u);  // physical destination mode, no redirection hint
  EXPECT_EQ(m.data, kLastDeviceVector);
  EXPECT_EQ(m.data & 0xc700, 0u);  // delivery mode fixed, edge-triggered
}

}  // namespace
