// A bounded FIFO of pointers between threads: the logic of lwIP's sys_mbox
// (sys_arch.cpp). It is a template over its locks so that the host's unit tests run
// the same code on std::mutex that the image runs on Cairn's scheduler objects:
//
//   Sync::Mutex    lock(), unlock()
//   Sync::CondVar  bool wait(Sync::Mutex&, std::uint64_t deadline)  false: deadline passed
//                  void signal()                                     wakes one waiter
//
// Deadlines are absolute, on the clock Sync::CondVar measures; kNoDeadline waits
// forever. Messages may be null (lwIP posts null messages).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::lwip {

inline constexpr std::uint64_t kNoDeadline = UINT64_MAX;

template <typename Sync>
class Mailbox {
 public:
  // `slots` has room for `capacity` (at least 1) messages and outlives the mailbox.
  Mailbox(void** slots, std::size_t capacity) : slots_(slots), capacity_(capacity) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Queues `message`, waiting as long as the mailbox is full.
  void post(void* message) {
    Locked locked(mutex_);
    while (count_ == capacity_) {
      ++posters_waiting_;
      not_full_.wait(mutex_, kNoDeadline);
      --posters_waiting_;
    }
    push(message);
  }

  // Queues `message` unless the mailbox is full (then false, and nothing changes).
  bool try_post(void* message) {
    Locked locked(mutex_);
    if (count_ == capacity_) return false;
    push(message);
    return true;
  }

  // Takes the oldest message, waiting for one until `deadline`. False when the
  // deadline passed with the mailbox still empty. `message` may be null (discard).
  bool fetch(void** message, std::uint64_t deadline) {
    Locked locked(mutex_);
    while (count_ == 0) {
      ++fetchers_waiting_;
      bool woken = fetchers_.wait(mutex_, deadline);
      --fetchers_waiting_;
      // A wake-up that raced with the deadline still finds the message: recheck.
      if (!woken && count_ == 0) return false;
    }
    pop(message);
    return true;
  }

  // Takes the oldest message if there is one.
  bool try_fetch(void** message) {
    Locked locked(mutex_);
    if (count_ == 0) return false;
    pop(message);
    return true;
  }

  std::size_t capacity() const { return capacity_; }
  std::size_t size() {
    Locked locked(mutex_);
    return count_;
  }

 private:
  using Mutex = typename Sync::Mutex;
  using CondVar = typename Sync::CondVar;

  class Locked {
   public:
    explicit Locked(Mutex& mutex) : mutex_(mutex) { mutex_.lock(); }
    ~Locked() { mutex_.unlock(); }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;

   private:
    Mutex& mutex_;
  };

  // One message in, one waiter woken: each signal is matched by one item, and a
  // waiter counts itself until it has rechecked, so no wake-up is lost or wasted.
  void push(void* message) {
    slots_[(head_ + count_) % capacity_] = message;
    ++count_;
    if (fetchers_waiting_ != 0) fetchers_.signal();
  }

  void pop(void** message) {
    void* oldest = slots_[head_];
    head_ = (head_ + 1) % capacity_;
    --count_;
    if (message != nullptr) *message = oldest;
    if (posters_waiting_ != 0) not_full_.signal();
  }

  void** const slots_;
  const std::size_t capacity_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t fetchers_waiting_ = 0;
  std::size_t posters_waiting_ = 0;
  Mutex mutex_;
  CondVar fetchers_;
  CondVar not_full_;
};

}  // namespace cairn::lwip
