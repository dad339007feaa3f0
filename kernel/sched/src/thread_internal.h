// The scheduler's private view of a thread, and the functions its parts share.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>

#include "timer_queue.h"

namespace cairn::sched {

enum class ThreadState : std::uint8_t { kRunning, kRunnable, kBlocked, kDead };

class Thread {
 public:
  std::uint64_t saved_sp = 0;  // while switched out
  std::uintptr_t thread_pointer = 0;
  ThreadState state = ThreadState::kRunning;
  bool timed_out = false;  // the last wait ended by its deadline
  bool detached = false;
  bool exited = false;
  bool joined = false;  // a join_thread() has claimed it

  Thread* run_next = nullptr;  // run queue link
  // Wait queue membership (doubly linked, so a timeout can take the thread out).
  WaitQueue* waiting_on = nullptr;
  Thread* wait_next = nullptr;
  Thread* wait_prev = nullptr;
  TimerNode timer;  // sleeps and wait deadlines
  // Every thread, for diagnostics (guard pages, statistics).
  Thread* all_next = nullptr;
  Thread* all_prev = nullptr;

  std::uint64_t id = 0;
  const char* name = "";
  ThreadEntry entry = nullptr;
  void* argument = nullptr;
  void* user_data = nullptr;
  WaitQueue exit_waiters;

  // The one allocation holding guard page, stack, this object and the TLS block;
  // null for the boot thread.
  void* memory = nullptr;
  std::size_t memory_pages = 0;
  std::uintptr_t stack_bottom = 0;  // lowest usable stack address (above the guard)
};

// scheduler.cpp
Thread* current();
// With the SchedLock held: queues `thread` to run. From an interrupt handler this also
// asks for a switch at the interrupt's exit.
void make_runnable(Thread* thread);
// With the SchedLock held and preemption enabled: runs the next runnable thread. The
// caller has set its own state (kRunning stays runnable and goes to the back of the
// queue; kBlocked and kDead do not).
void schedule();
// The first code a new thread runs (argument: its Thread).
[[noreturn]] void start_thread(void* thread);
Thread* boot_thread();
SchedulerStats& mutable_stats();

// timers.cpp (SchedLock held)
void start_timer(TimerNode* node, std::uint64_t deadline_ns);
void cancel_timer(TimerNode* node);
bool timers_pending();

// threads.cpp: frees the memory of a thread that exited, once it is no longer running.
void reap_after_switch();

}  // namespace cairn::sched
