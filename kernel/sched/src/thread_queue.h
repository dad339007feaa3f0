// A FIFO of threads linked through a member pointer: the run queue. Intrusive, so
// making a thread runnable never allocates. Not locked (the scheduler's lock is held).
#pragma once

namespace cairn::sched {

template <typename T, T* T::*Next>
class ThreadQueue {
 public:
  void push(T* item) {
    item->*Next = nullptr;
    if (tail_)
      tail_->*Next = item;
    else
      head_ = item;
    tail_ = item;
  }
  T* pop() {
    T* item = head_;
    if (!item) return nullptr;
    head_ = item->*Next;
    if (!head_) tail_ = nullptr;
    item->*Next = nullptr;
    return item;
  }
  bool empty() const { return head_ == nullptr; }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
};

}  // namespace cairn::sched
