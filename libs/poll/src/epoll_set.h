// The ready-list logic of an epoll instance, apart from files, locks and threads so
// that the host tests run exactly this code (tests/unit/epoll_set_test.cpp).
//
// An item is queued when its file tells it something it cares about (notify) or when
// it is armed (ADD/MOD) while already ready. epoll_wait takes queued items one at a
// time (take), polls the file without any lock held, and hands the result to finish(),
// which decides what is reported and whether the item stays queued:
//   level-triggered  reported while ready; requeued after every report
//   EPOLLET          reported once per notification; requeued only if notified again
//                    while it was being polled (an edge that must not be lost)
//   EPOLLONESHOT     reported once, then disabled until EPOLL_CTL_MOD re-arms it
// EPOLLERR and EPOLLHUP are always reported, asked for or not (as on Linux).
//
// Not thread-safe: notify() runs where a file signals (under the scheduler lock), so
// the caller holds that lock around every call here.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::poll {

inline constexpr std::uint32_t kEpollIn = 0x001;
inline constexpr std::uint32_t kEpollOut = 0x004;
inline constexpr std::uint32_t kEpollErr = 0x008;
inline constexpr std::uint32_t kEpollHup = 0x010;
inline constexpr std::uint32_t kEpollRdHup = 0x2000;
inline constexpr std::uint32_t kEpollExclusive = 1u << 28;
inline constexpr std::uint32_t kEpollWakeup = 1u << 29;
inline constexpr std::uint32_t kEpollOneShot = 1u << 30;
inline constexpr std::uint32_t kEpollEt = 1u << 31;
inline constexpr std::uint32_t kEpollModeBits =
    kEpollExclusive | kEpollWakeup | kEpollOneShot | kEpollEt;
inline constexpr std::uint32_t kEpollAlways = kEpollErr | kEpollHup;

struct EpollItem {
  enum class State : std::uint8_t { kIdle, kQueued, kTaken };

  std::uint32_t interest = 0;  // event bits and mode bits (EPOLLET, EPOLLONESHOT)
  std::uint64_t data = 0;
  State state = State::kIdle;
  bool disabled = false;    // EPOLLONESHOT fired; waits for MOD
  bool renotified = false;  // notified while taken
  EpollItem* prev = nullptr;
  EpollItem* next = nullptr;

  std::uint32_t wanted() const { return (interest & ~kEpollModeBits) | kEpollAlways; }
};

class EpollSet {
 public:
  // A file the item watches may have changed (`events` is a hint of what). True when
  // the item was newly queued: waiters should be woken.
  bool notify(EpollItem& item, std::uint32_t events);
  // EPOLL_CTL_ADD/MOD: new interest and data; `current` is what the file reports now.
  // True when the item was queued.
  bool arm(EpollItem& item, std::uint32_t interest, std::uint64_t data, std::uint32_t current);
  // EPOLL_CTL_DEL (or the file went away): out of the queue. Not while taken.
  void remove(EpollItem& item);

  // The oldest queued item, now taken, or null.
  EpollItem* take();
  // `current`: the taken item's file's events, polled after take(). Returns what to
  // report (0: nothing) and requeues the item as its mode says.
  std::uint32_t finish(EpollItem& item, std::uint32_t current);

  bool has_ready() const { return head_ != nullptr; }
  std::size_t ready_count() const { return count_; }

 private:
  void push_back(EpollItem& item);
  void unlink(EpollItem& item);

  EpollItem* head_ = nullptr;
  EpollItem* tail_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace cairn::poll
