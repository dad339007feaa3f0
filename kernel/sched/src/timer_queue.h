// Pending timers ordered by deadline: an intrusive pairing heap. Insertion is O(1),
// removing the earliest or any other node amortised O(log n), and nodes live inside
// the objects that wait (threads, the quantum timer), so arming a timer never
// allocates. Not locked: the scheduler holds its lock around every call.
#pragma once

#include <cstdint>

namespace cairn::sched {

struct TimerNode {
  std::uint64_t deadline = 0;
  void (*fire)(TimerNode* node) = nullptr;  // called once the deadline has passed
  void* context = nullptr;                  // for `fire`
  // Heap links: first child, next sibling, and `prev` = the parent for a first child,
  // else the previous sibling.
  TimerNode* child = nullptr;
  TimerNode* sibling = nullptr;
  TimerNode* prev = nullptr;
  bool queued = false;
};

class TimerQueue {
 public:
  void insert(TimerNode* node);
  void remove(TimerNode* node);  // `node` must be queued
  TimerNode* pop();              // the earliest, removed; null when empty
  TimerNode* earliest() const { return root_; }
  bool empty() const { return root_ == nullptr; }

 private:
  TimerNode* root_ = nullptr;
};

}  // namespace cairn::sched
