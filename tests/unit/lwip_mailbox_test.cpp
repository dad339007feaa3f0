// lwIP's mailbox (libs/lwip/port/mailbox.h) on std::mutex and std::condition_variable,
// and the millisecond timeout arithmetic of sys_arch.cpp (timeout.h).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "mailbox.h"
#include "timeout.h"

namespace cairn::lwip {
namespace {

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// The Sync interface on the host's primitives; deadlines on the steady clock.
struct StdSync {
  struct Mutex {
    std::mutex mutex;
    void lock() { mutex.lock(); }
    void unlock() { mutex.unlock(); }
  };
  struct CondVar {
    std::condition_variable condvar;
    bool wait(Mutex& mutex, std::uint64_t deadline) {
      std::unique_lock<std::mutex> lock(mutex.mutex, std::adopt_lock);
      bool woken = true;
      if (deadline == kNoDeadline) {
        condvar.wait(lock);
      } else {
        auto until = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline));
        woken = condvar.wait_until(lock, until) == std::cv_status::no_timeout;
      }
      lock.release();  // the caller still holds it
      return woken;
    }
    void signal() { condvar.notify_one(); }
  };
};

// A mailbox with its own slots.
struct TestMailbox {
  explicit TestMailbox(std::size_t capacity) : slots(capacity), box(slots.data(), capacity) {}
  std::vector<void*> slots;
  Mailbox<StdSync> box;
};

void* message(std::uintptr_t n) { return reinterpret_cast<void*>(n); }

constexpr std::uint64_t kMs = 1'000'000;

TEST(LwipMailbox, FifoUpToCapacity) {
  TestMailbox m(3);
  EXPECT_TRUE(m.box.try_post(message(1)));
  EXPECT_TRUE(m.box.try_post(message(2)));
  EXPECT_TRUE(m.box.try_post(message(3)));
  EXPECT_FALSE(m.box.try_post(message(4)));  // full: ERR_MEM in sys_mbox_trypost
  EXPECT_EQ(m.box.size(), 3u);
  void* got = nullptr;
  for (std::uintptr_t n = 1; n <= 3; ++n) {
    ASSERT_TRUE(m.box.try_fetch(&got));
    EXPECT_EQ(got, message(n));
  }
  EXPECT_FALSE(m.box.try_fetch(&got));  // empty: SYS_MBOX_EMPTY
}

TEST(LwipMailbox, WrapsAroundManyTimes) {
  TestMailbox m(3);
  std::uintptr_t next_in = 1, next_out = 1;
  for (int round = 0; round < 100; ++round) {
    int n = 1 + round % 3;
    for (int i = 0; i < n; ++i) ASSERT_TRUE(m.box.try_post(message(next_in++)));
    for (int i = 0; i < n; ++i) {
      void* got;
      ASSERT_TRUE(m.box.try_fetch(&got));
      ASSERT_EQ(got, message(next_out++));
    }
  }
}

TEST(LwipMailbox, NullMessagesAndDiscardingFetch) {
  TestMailbox m(2);
  m.box.post(nullptr);  // lwIP posts null messages
  m.box.post(message(7));
  void* got = message(1);
  EXPECT_TRUE(m.box.fetch(&got, kNoDeadline));
  EXPECT_EQ(got, nullptr);
  EXPECT_TRUE(m.box.fetch(nullptr, kNoDeadline));  // a null destination drops the message
  EXPECT_EQ(m.box.size(), 0u);
}

TEST(LwipMailbox, FetchTimesOutWhenEmpty) {
  TestMailbox m(1);
  void* got = message(9);
  EXPECT_FALSE(m.box.fetch(&got, now_ns() - 1));  // a deadline already passed
  std::uint64_t start = now_ns();
  EXPECT_FALSE(m.box.fetch(&got, start + 30 * kMs));
  EXPECT_GE(now_ns() - start, 30 * kMs);
  EXPECT_EQ(got, message(9));  // untouched on timeout
}

TEST(LwipMailbox, FetchWaitsForAPost) {
  TestMailbox m(1);
  std::thread poster([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    m.box.post(message(5));
  });
  void* got = nullptr;
  EXPECT_TRUE(m.box.fetch(&got, now_ns() + 10'000 * kMs));
  EXPECT_EQ(got, message(5));
  poster.join();
}

TEST(LwipMailbox, PostWaitsWhileFull) {
  TestMailbox m(1);
  m.box.post(message(1));
  std::atomic<bool> posted{false};
  std::thread poster([&] {
    m.box.post(message(2));  // blocks until the fetch below makes room
    posted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(posted);
  void* got;
  ASSERT_TRUE(m.box.fetch(&got, kNoDeadline));
  EXPECT_EQ(got, message(1));
  ASSERT_TRUE(m.box.fetch(&got, kNoDeadline));
  EXPECT_EQ(got, message(2));
  poster.join();
  EXPECT_TRUE(posted);
}

// Producers and consumers through a small mailbox: every message arrives exactly once,
// and each producer's messages in the order it posted them.
TEST(LwipMailbox, ManyProducersAndConsumers) {
  constexpr int kProducers = 4, kConsumers = 4, kPerProducer = 20000;
  TestMailbox m(8);
  std::vector<std::vector<std::uintptr_t>> received(kConsumers);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        void* msg = message((std::uintptr_t(p) << 32) | std::uintptr_t(i + 1));
        if (i % 2 || !m.box.try_post(msg)) m.box.post(msg);
      }
    });
  for (int c = 0; c < kConsumers; ++c)
    threads.emplace_back([&, c] {
      for (int i = 0; i < kProducers * kPerProducer / kConsumers; ++i) {
        void* got;
        // Short deadlines on purpose: timeouts race with posts all the time.
        while (!m.box.fetch(&got, now_ns() + kMs / 10)) {
        }
        received[c].push_back(reinterpret_cast<std::uintptr_t>(got));
      }
    });
  for (auto& t : threads) t.join();

  std::vector<std::uintptr_t> all;
  for (int c = 0; c < kConsumers; ++c) {
    std::vector<std::uintptr_t> last(kProducers, 0);
    for (std::uintptr_t v : received[c]) {
      std::uintptr_t producer = v >> 32, sequence = v & 0xffffffff;
      ASSERT_LT(producer, std::uintptr_t(kProducers));
      EXPECT_GT(sequence, last[producer])
          << "consumer " << c << " saw a producer's messages out of order";
      last[producer] = sequence;
      all.push_back(v);
    }
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), std::size_t(kProducers * kPerProducer));
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a message arrived twice";
  EXPECT_EQ(m.box.size(), 0u);
}

// A fetch whose deadline passes while a post is waking it still takes the message:
// nothing is left behind with a waiter asleep.
TEST(LwipMailbox, TimeoutsLoseNothing) {
  constexpr int kMessages = 2000;
  TestMailbox m(4);
  std::atomic<int> fetched{0};
  std::thread consumer([&] {
    void* got;
    while (fetched < kMessages)
      if (m.box.fetch(&got, now_ns() + 20'000)) ++fetched;  // 20 us deadlines
  });
  for (int i = 0; i < kMessages; ++i) {
    m.box.post(message(i + 1));
    if (i % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  consumer.join();
  EXPECT_EQ(fetched, kMessages);
  EXPECT_EQ(m.box.size(), 0u);
}

TEST(LwipTimeout, ZeroMeansForever) {
  EXPECT_EQ(deadline_after_ms(123, 0), kNoDeadline);
  EXPECT_EQ(deadline_after_ms(123, 1), 123 + kMs);
  // The largest lwIP timeout is about 49 days: no overflow.
  EXPECT_EQ(deadline_after_ms(1'000'000'000, 0xfffffffe),
            1'000'000'000 + std::uint64_t{0xfffffffe} * kMs);
}

TEST(LwipTimeout, WaitedMilliseconds) {
  EXPECT_EQ(waited_ms(1000, 1000), 0u);
  EXPECT_EQ(waited_ms(0, kMs - 1), 0u);  // whole milliseconds, rounded down
  EXPECT_EQ(waited_ms(5, 5 + 7 * kMs), 7u);
  EXPECT_EQ(waited_ms(10, 5), 0u);  // never negative
  // Never SYS_ARCH_TIMEOUT, whatever the wait.
  EXPECT_EQ(waited_ms(0, UINT64_MAX), kArchTimeout - 1);
}

}  // namespace
}  // namespace cairn::lwip
