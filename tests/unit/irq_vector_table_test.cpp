#include <gtest/gtest.h>

#include <memory>

#include "../../kernel/irq/src/vector_table.h"

using namespace cairn::irq;

namespace {

void handler_a(void*) {}
void handler_b(void*) {}

TEST(IrqVectorTable, AllocatesLowestFreeDeviceVector) {
  auto table = std::make_unique<VectorTable>();
  int context = 0;
  auto v = table->allocate(handler_a, &context, "a");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), kFirstDeviceVector);
  const VectorTable::Entry* e = table->find(v.value());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->handler, &handler_a);
  EXPECT_EQ(e->context, &context);
  EXPECT_STREQ(e->name, "a");
  auto w = table->allocate(handler_b, nullptr, nullptr);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value(), kFirstDeviceVector + 1);
  EXPECT_STREQ(table->find(w.value())->name, "?");
}

TEST(IrqVectorTable, ReleaseMakesVectorReusable) {
  auto table = std::make_unique<VectorTable>();
  auto v = table->allocate(handler_a, nullptr, "a");
  ASSERT_TRUE(table->allocate(handler_b, nullptr, "b").ok());
  EXPECT_EQ(table->in_use(), 2);
  table->release(v.value());
  EXPECT_EQ(table->in_use(), 1);
  table->release(v.value());  // twice: counted once
  EXPECT_EQ(table->in_use(), 1);
  EXPECT_EQ(table->find(v.value()), nullptr);
  auto again = table->allocate(handler_b, nullptr, "c");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), v.value());
}

TEST(IrqVectorTable, ExhaustionIsEbusy) {
  auto table = std::make_unique<VectorTable>();
  for (int v = kFirstDeviceVector; v <= kLastDeviceVector; ++v) {
    auto r = table->allocate(handler_a, nullptr, "x");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), v);
  }
  auto full = table->allocate(handler_a, nullptr, "x");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code(), EBUSY);
}

TEST(IrqVectorTable, RejectsNullHandlerAndIgnoresForeignVectors) {
  auto table = std::make_unique<VectorTable>();
  auto r = table->allocate(nullptr, nullptr, "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), EINVAL);
  table->release(0);
  table->release(kTimerVector);
  EXPECT_EQ(table->find(kFirstDeviceVector - 1), nullptr);
  EXPECT_EQ(table->find(kLastDeviceVector + 1), nullptr);
  EXPECT_EQ(table->find(kSpuriousVector), nullptr);
}

}  // namespace
