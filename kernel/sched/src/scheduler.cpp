// The run queue and the switch between threads, on one CPU. The scheduler's lock is
// "interrupts off" (SchedLock); preemption (a switch at the end of an interrupt) is
// held off by a counter while the scheduler itself runs and in short critical
// sections (PreemptGuard). A thread woken by an interrupt handler -- a sleeper whose
// deadline passed, a device completion -- runs as the interrupt returns, in both
// scheduling modes; CONFIG_SCHED_PREEMPT adds a quantum timer whenever more than one
// thread is runnable, and nothing ticks otherwise.
#include <cairn/arch/context.h>
#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/irq/irq.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/panic.h>
#include <cairn/sched/interrupt_exit.h>
#include <cairn/time/clock.h>

#include "thread_internal.h"
#include "thread_queue.h"

namespace cairn::sched {

namespace {

Thread boot_thread_;
Thread* current_ = &boot_thread_;
ThreadQueue<Thread, &Thread::run_next> run_queue_;
int preempt_count_;
bool need_resched_;
SchedulerStats stats_;

#ifdef CONFIG_SCHED_PREEMPT
constexpr std::uint64_t kQuantumNs = std::uint64_t{CONFIG_SCHED_QUANTUM_MS} * 1'000'000;
TimerNode quantum_timer_;

void quantum_expired(TimerNode*) { need_resched_ = true; }

// Time-slices only while another thread waits to run.
void update_quantum() {
  if (run_queue_.empty()) {
    if (quantum_timer_.queued) cancel_timer(&quantum_timer_);
  } else if (!quantum_timer_.queued) {
    quantum_timer_.fire = quantum_expired;
    start_timer(&quantum_timer_, time::monotonic_ns() + kQuantumNs);
  }
}
#else
void update_quantum() {}
#endif

// Nothing to run: halt until an interrupt. STI takes effect after the next
// instruction, so no interrupt slips in between it and HLT. With no timer armed and no
// device interrupt routed, nothing can ever wake a thread: that is a deadlock, and
// ending the VM with a report beats halting forever.
void idle() {
  if (!timers_pending() && irq::device_vectors_in_use() == 0)
    panic("deadlock: every thread is blocked and no timer or device interrupt can wake one");
  ++stats_.idle_halts;
  asm volatile("sti; hlt; cli" ::: "memory");
}

}  // namespace

SchedLock::SchedLock() : saved_flags_(arch::save_and_disable_interrupts()) {}
SchedLock::~SchedLock() { arch::restore_interrupts(saved_flags_); }

Thread* current() { return current_; }
Thread* current_thread() { return current_; }

void make_runnable(Thread* thread) {
  thread->state = ThreadState::kRunnable;
  run_queue_.push(thread);
  if (irq::in_interrupt()) need_resched_ = true;
  update_quantum();
}

void schedule() {
  if (preempt_count_ != 0) panic("a thread blocked with preemption disabled");
  ++preempt_count_;
  Thread* previous = current_;
  if (previous->state == ThreadState::kRunning) {
    previous->state = ThreadState::kRunnable;
    run_queue_.push(previous);
  }
  Thread* next;
  while (!(next = run_queue_.pop())) idle();
  need_resched_ = false;
  next->state = ThreadState::kRunning;
  if (next != previous) {
    ++stats_.context_switches;
    current_ = next;
#ifdef CONFIG_SCHED_PREEMPT
    if (quantum_timer_.queued) cancel_timer(&quantum_timer_);  // a fresh quantum
#endif
    update_quantum();
    arch::set_thread_pointer(next->thread_pointer);
    arch::cairn_switch_context(&previous->saved_sp, next->saved_sp);
    // Back on `previous`, some time later.
    reap_after_switch();
  }
  --preempt_count_;
}

// A new thread's first code after the switch that started it.
[[noreturn]] void start_thread(void* argument) {
  reap_after_switch();
  --preempt_count_;
  arch::enable_interrupts();
  auto* thread = static_cast<Thread*>(argument);
  thread->entry(thread->argument);
  exit_thread();
}

void yield() {
  SchedLock lock;
  if (run_queue_.empty()) return;
  schedule();
}

void interrupt_exit() {
  if (need_resched_ && preempt_count_ == 0 && current_->state == ThreadState::kRunning) schedule();
}

void preempt_disable() { ++preempt_count_; }

void preempt_enable() {
  if (--preempt_count_ == 0 && need_resched_ && (arch::read_flags() & arch::kFlagsInterrupt)) {
    SchedLock lock;
    if (need_resched_ && preempt_count_ == 0) schedule();
  }
}

void init_boot_thread(std::uintptr_t thread_pointer) {
  boot_thread_.id = 1;
  boot_thread_.name = "main";
  boot_thread_.thread_pointer = thread_pointer;
}

Thread* boot_thread() { return &boot_thread_; }

SchedulerStats& mutable_stats() { return stats_; }
SchedulerStats scheduler_stats() {
  SchedLock lock;
  return stats_;
}

}  // namespace cairn::sched

namespace cairn::sched {
namespace {

// Interrupts stay off through early boot; from here on (device set-up, main) they are
// on, except inside the scheduler's own critical sections.
void enable_interrupts_for_threads() { arch::enable_interrupts(); }
CAIRN_INITCALL(core, enable_interrupts_for_threads);

}  // namespace
}  // namespace cairn::sched
