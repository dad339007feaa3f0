// The scheduler's timer queue (a pairing heap) against a sorted model, and its run
// queue, on the host.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "../../kernel/sched/src/thread_queue.h"
#include "../../kernel/sched/src/timer_queue.h"

namespace cairn::sched {
namespace {

TEST(TimerQueue, PopsInDeadlineOrder) {
  std::vector<TimerNode> nodes(100);
  TimerQueue q;
  std::mt19937 rng(1);
  for (auto& n : nodes) {
    n.deadline = rng() % 1000;
    q.insert(&n);
  }
  std::uint64_t last = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    TimerNode* n = q.pop();
    ASSERT_NE(n, nullptr);
    EXPECT_GE(n->deadline, last);
    EXPECT_FALSE(n->queued);
    last = n->deadline;
  }
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_TRUE(q.empty());
}

TEST(TimerQueue, EarliestIsTheMinimum) {
  TimerNode a, b, c;
  a.deadline = 30;
  b.deadline = 10;
  c.deadline = 20;
  TimerQueue q;
  q.insert(&a);
  EXPECT_EQ(q.earliest(), &a);
  q.insert(&b);
  q.insert(&c);
  EXPECT_EQ(q.earliest(), &b);
  q.remove(&b);
  EXPECT_EQ(q.earliest(), &c);
  q.remove(&a);
  EXPECT_EQ(q.earliest(), &c);
  q.remove(&c);
  EXPECT_TRUE(q.empty());
}

// Random inserts, pops and removals of arbitrary nodes (the cancelled timeouts) keep
// the heap equal to a model, and every node's `queued` flag right.
TEST(TimerQueue, RandomOperationsMatchModel) {
  std::vector<TimerNode> nodes(500);
  TimerQueue q;
  std::multimap<std::uint64_t, TimerNode*> model;
  std::mt19937 rng(7);
  for (int step = 0; step < 20000; ++step) {
    TimerNode& n = nodes[rng() % nodes.size()];
    int op = rng() % 3;
    if (!n.queued && op != 2) {
      n.deadline = rng() % 5000;
      q.insert(&n);
      model.emplace(n.deadline, &n);
    } else if (n.queued && op == 1) {
      q.remove(&n);
      auto range = model.equal_range(n.deadline);
      for (auto it = range.first; it != range.second; ++it) {
        if (it->second == &n) {
          model.erase(it);
          break;
        }
      }
    } else if (!model.empty()) {
      TimerNode* popped = q.pop();
      ASSERT_NE(popped, nullptr);
      ASSERT_EQ(popped->deadline, model.begin()->first);
      auto range = model.equal_range(popped->deadline);
      bool found = false;
      for (auto it = range.first; it != range.second; ++it) {
        if (it->second == popped) {
          model.erase(it);
          found = true;
          break;
        }
      }
      ASSERT_TRUE(found);
    }
    ASSERT_EQ(q.empty(), model.empty());
    if (!model.empty()) {
      ASSERT_EQ(q.earliest()->deadline, model.begin()->first);
    }
  }
  for (auto& n : nodes) {
    bool in_model =
        std::any_of(model.begin(), model.end(), [&](auto& e) { return e.second == &n; });
    EXPECT_EQ(n.queued, in_model);
  }
}

// Thousands of equal deadlines make one long sibling list: popping must not recurse
// once per sibling.
TEST(TimerQueue, LongSiblingListsDoNotRecurse) {
  std::vector<TimerNode> nodes(200000);
  TimerQueue q;
  for (auto& n : nodes) {
    n.deadline = 5;
    q.insert(&n);
  }
  std::size_t count = 0;
  while (q.pop()) ++count;
  EXPECT_EQ(count, nodes.size());
}

struct Item {
  int value;
  Item* next = nullptr;
};

TEST(ThreadQueue, IsFirstInFirstOut) {
  Item a{1}, b{2}, c{3};
  ThreadQueue<Item, &Item::next> q;
  EXPECT_TRUE(q.empty());
  q.push(&a);
  q.push(&b);
  EXPECT_EQ(q.pop(), &a);
  q.push(&c);
  q.push(&a);
  EXPECT_EQ(q.pop(), &b);
  EXPECT_EQ(q.pop(), &c);
  EXPECT_EQ(q.pop(), &a);
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace cairn::sched
