// Wait queues: the one way a thread blocks (sleeping aside). A waiting thread is linked
// into the queue and, with a deadline, into the timer queue; whichever comes first --
// a wake-up or the deadline -- takes it out of the other.
#include <cairn/time/clock.h>

#include "thread_internal.h"

namespace cairn::sched {
namespace {

void unlink_waiter(Thread*& head, Thread*& tail, Thread* thread) {
  if (thread->wait_prev)
    thread->wait_prev->wait_next = thread->wait_next;
  else
    head = thread->wait_next;
  if (thread->wait_next)
    thread->wait_next->wait_prev = thread->wait_prev;
  else
    tail = thread->wait_prev;
  thread->wait_next = thread->wait_prev = nullptr;
  thread->waiting_on = nullptr;
}

}  // namespace

// Runs in the timer interrupt: the deadline came before a wake-up.
void wait_deadline_passed(TimerNode* node) {
  auto* thread = static_cast<Thread*>(node->context);
  if (WaitQueue* queue = thread->waiting_on) queue->remove(thread);
  thread->timed_out = true;
  make_runnable(thread);
}

void WaitQueue::remove(Thread* thread) { unlink_waiter(head_, tail_, thread); }

bool WaitQueue::wait(std::uint64_t deadline_ns) {
  Thread* self = current();
  if (deadline_ns != kForever && deadline_ns <= time::monotonic_ns()) return false;
  self->waiting_on = this;
  self->wait_prev = tail_;
  self->wait_next = nullptr;
  if (tail_)
    tail_->wait_next = self;
  else
    head_ = self;
  tail_ = self;
  self->timed_out = false;
  self->state = ThreadState::kBlocked;
  if (deadline_ns != kForever) {
    self->timer.fire = wait_deadline_passed;
    self->timer.context = self;
    start_timer(&self->timer, deadline_ns);
  }
  schedule();
  return !self->timed_out;
}

bool WaitQueue::wake_one() {
  SchedLock lock;
  Thread* thread = head_;
  if (!thread) return false;
  unlink_waiter(head_, tail_, thread);
  if (thread->timer.queued) cancel_timer(&thread->timer);
  make_runnable(thread);
  return true;
}

std::size_t WaitQueue::wake_all() {
  SchedLock lock;
  std::size_t woken = 0;
  while (wake_one()) ++woken;
  return woken;
}

void sleep_until(std::uint64_t deadline_ns) {
  SchedLock lock;
  Thread* self = current();
  while (time::monotonic_ns() < deadline_ns) {
    self->state = ThreadState::kBlocked;
    self->timer.fire = wait_deadline_passed;
    self->timer.context = self;
    start_timer(&self->timer, deadline_ns);
    schedule();
  }
}

void sleep_for(std::uint64_t duration_ns) {
  std::uint64_t now = time::monotonic_ns();
  sleep_until(duration_ns > kForever - now ? kForever : now + duration_ns);
}

}  // namespace cairn::sched
