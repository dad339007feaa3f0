// epoll's ready list: level-triggered, edge-triggered and one-shot semantics, and
// notifications that race with a harvest.
#include <gtest/gtest.h>

#include <vector>

#include "epoll_set.h"

namespace cairn::poll {
namespace {

constexpr std::uint32_t kIn = kEpollIn, kOut = kEpollOut;

// What epoll_wait does: take each queued item once, poll it (here: `ready`), finish.
std::vector<std::pair<std::uint64_t, std::uint32_t>> harvest(
    EpollSet& set, const std::vector<std::pair<EpollItem*, std::uint32_t>>& ready) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> out;
  for (std::size_t budget = set.ready_count(); budget > 0; --budget) {
    EpollItem* item = set.take();
    if (!item) break;
    std::uint32_t current = 0;
    for (auto& [i, events] : ready)
      if (i == item) current = events;
    if (std::uint32_t events = set.finish(*item, current)) out.push_back({item->data, events});
  }
  return out;
}

TEST(EpollSetTest, LevelTriggeredReportsWhileReady) {
  EpollSet set;
  EpollItem item;
  EXPECT_FALSE(set.arm(item, kIn, 7, 0));
  EXPECT_TRUE(harvest(set, {}).empty());
  EXPECT_TRUE(set.notify(item, kIn));
  auto got = harvest(set, {{&item, kIn}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, 7u);
  EXPECT_EQ(got[0].second, kIn);
  // Still readable: reported again without a new notification.
  EXPECT_EQ(harvest(set, {{&item, kIn}}).size(), 1u);
  EXPECT_EQ(harvest(set, {{&item, kIn}}).size(), 1u);
  // Drained: dropped from the list at the next look.
  EXPECT_TRUE(harvest(set, {{&item, 0}}).empty());
  EXPECT_FALSE(set.has_ready());
}

TEST(EpollSetTest, ArmQueuesWhatIsAlreadyReady) {
  EpollSet set;
  EpollItem item;
  EXPECT_TRUE(set.arm(item, kOut, 1, kOut | kIn));
  auto got = harvest(set, {{&item, kOut | kIn}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, kOut);  // only what was asked for
}

TEST(EpollSetTest, ErrorsAndHangupsAreAlwaysReported) {
  EpollSet set;
  EpollItem item;
  set.arm(item, kIn, 1, 0);
  EXPECT_TRUE(set.notify(item, kEpollHup));
  auto got = harvest(set, {{&item, kEpollHup | kEpollErr | kOut}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, kEpollHup | kEpollErr);
}

TEST(EpollSetTest, IrrelevantNotificationsQueueNothing) {
  EpollSet set;
  EpollItem item;
  set.arm(item, kIn | kEpollEt, 1, 0);
  EXPECT_FALSE(set.notify(item, kOut));
  EXPECT_FALSE(set.has_ready());
}

TEST(EpollSetTest, EdgeTriggeredReportsOncePerNotification) {
  EpollSet set;
  EpollItem item;
  set.arm(item, kIn | kEpollEt, 3, 0);
  EXPECT_TRUE(set.notify(item, kIn));
  EXPECT_FALSE(set.notify(item, kIn));  // already queued: one report
  EXPECT_EQ(harvest(set, {{&item, kIn}}).size(), 1u);
  EXPECT_TRUE(harvest(set, {{&item, kIn}}).empty());  // still readable, no new edge
  EXPECT_TRUE(set.notify(item, kIn));
  EXPECT_EQ(harvest(set, {{&item, kIn}}).size(), 1u);
}

TEST(EpollSetTest, EdgeDuringHarvestIsKept) {
  EpollSet set;
  EpollItem item;
  set.arm(item, kIn | kEpollEt, 3, 0);
  set.notify(item, kIn);
  EpollItem* taken = set.take();
  ASSERT_EQ(taken, &item);
  // New data arrives while the file is being polled: the report may or may not have
  // seen it, so the item must come back.
  EXPECT_FALSE(set.notify(item, kIn));
  EXPECT_EQ(set.finish(item, kIn), kIn);
  EXPECT_TRUE(set.has_ready());
  EXPECT_EQ(harvest(set, {{&item, kIn}}).size(), 1u);
  EXPECT_FALSE(set.has_ready());
}

TEST(EpollSetTest, NotReadyWhenPolledButNotifiedMeanwhileIsRechecked) {
  EpollSet set;
  EpollItem item;
  set.arm(item, kIn, 3, 0);
  set.notify(item, kIn);
  set.take();
  set.notify(item, kIn);
  EXPECT_EQ(set.finish(item, 0), 0u);
  EXPECT_TRUE(set.has_ready());
}

TEST(EpollSetTest, OneShotDisablesUntilRearmed) {
  EpollSet set;
  EpollItem item;
  set.arm(item, kIn | kEpollOneShot, 5, 0);
  set.notify(item, kIn);
  EXPECT_EQ(harvest(set, {{&item, kIn}}).size(), 1u);
  EXPECT_FALSE(set.notify(item, kIn));
  EXPECT_TRUE(harvest(set, {{&item, kIn}}).empty());
  // Re-armed while data is waiting: reported once more.
  EXPECT_TRUE(set.arm(item, kIn | kEpollOneShot, 6, kIn));
  auto got = harvest(set, {{&item, kIn}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, 6u);
  EXPECT_TRUE(harvest(set, {{&item, kIn}}).empty());
}

TEST(EpollSetTest, OneShotEdgeDuringHarvestStaysDisabled) {
  EpollSet set;
  EpollItem item;
  set.arm(item, kIn | kEpollOneShot | kEpollEt, 5, kIn);
  set.take();
  set.notify(item, kIn);
  EXPECT_EQ(set.finish(item, kIn), kIn);
  EXPECT_FALSE(set.has_ready());
}

TEST(EpollSetTest, RemoveUnqueues) {
  EpollSet set;
  EpollItem a, b;
  set.arm(a, kIn, 1, kIn);
  set.arm(b, kIn, 2, kIn);
  set.remove(a);
  auto got = harvest(set, {{&a, kIn}, {&b, kIn}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, 2u);
}

TEST(EpollSetTest, LevelTriggeredItemsTakeTurns) {
  EpollSet set;
  EpollItem items[3];
  for (int i = 0; i < 3; ++i) set.arm(items[i], kIn, static_cast<std::uint64_t>(i), kIn);
  // A caller taking one event at a time sees every item in turn, not the first forever.
  std::vector<std::uint64_t> order;
  for (int round = 0; round < 6; ++round) {
    EpollItem* item = set.take();
    ASSERT_NE(item, nullptr);
    order.push_back(item->data);
    set.finish(*item, kIn);
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{0, 1, 2, 0, 1, 2}));
}

}  // namespace
}  // namespace cairn::poll
