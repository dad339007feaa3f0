// Threads: each has its own stack (with a guard page below it), its own TLS block
// (a copy of the image's PT_TLS template; %fs points at it while the thread runs) and
// its own FPU/SSE/AVX state.
//
// The scheduler runs one thread at a time on the boot CPU. CONFIG_SCHED_COOP (the
// default) switches threads only when the running one blocks, sleeps, yields or exits,
// or when an interrupt wakes a thread (a sleeper whose time has come, a device
// completion); it never time-slices. CONFIG_SCHED_PREEMPT also gives each runnable
// thread a quantum (CONFIG_SCHED_QUANTUM_MS) and switches when it runs out. When no
// thread is runnable the CPU halts until the next interrupt.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/result.h>

namespace cairn::sched {

class Thread;

using ThreadEntry = void (*)(void* argument);

struct ThreadAttributes {
  const char* name = "thread";  // kept by pointer: must outlive the thread
  std::size_t stack_size = 0;   // bytes; 0 means CONFIG_THREAD_STACK_SIZE
};

// Starts a thread running entry(argument); it becomes runnable at once (the caller
// keeps running). Returning from `entry` is exit_thread(). ENOMEM when the stack or
// TLS cannot be allocated, EINVAL for a stack size the scheduler cannot honour.
Result<Thread*> create_thread(ThreadEntry entry, void* argument,
                              const ThreadAttributes& attributes);

Thread* current_thread();
std::uint64_t thread_id(const Thread* thread);  // 1 is the boot thread that runs main()
const char* thread_name(const Thread* thread);

// Ends the calling thread. Its stack is freed once another thread runs; the Thread
// itself stays until join_thread() (or at once when detached).
[[noreturn]] void exit_thread();

// Waits for `thread` to exit, then frees it. EDEADLK when joining itself, EINVAL when
// the thread is detached or already being joined.
Result<void> join_thread(Thread* thread);
// The thread frees itself when it exits. EINVAL when already detached or joined.
Result<void> detach_thread(Thread* thread);

// One word per thread for the layer above (the pthreads library keeps its
// per-thread record here). Null for a new thread.
void*& thread_user_data(Thread* thread);

// Called when a thread exits (before its stack is freed, on that thread). Hooks of
// the application stage (pthreads' key destructors, which may still use the C library)
// run before those of the runtime stage (the C library freeing its per-thread state).
// At most four hooks per stage.
enum class ExitHookStage { kApplication, kRuntime };
void on_thread_exit(void (*hook)(Thread* thread), ExitHookStage stage);

// Lets the other runnable threads run; returns at once when there are none.
void yield();

// Blocks the calling thread until monotonic time `deadline_ns` (cairn/time/clock.h).
void sleep_until(std::uint64_t deadline_ns);
void sleep_for(std::uint64_t duration_ns);

// Preemption off/on for short critical sections that must not be interleaved with
// another thread but may be interrupted (the heap). Nests. An interrupt that wakes a
// thread meanwhile takes effect at the outermost enable.
void preempt_disable();
void preempt_enable();

class PreemptGuard {
 public:
  PreemptGuard() { preempt_disable(); }
  ~PreemptGuard() { preempt_enable(); }
  PreemptGuard(const PreemptGuard&) = delete;
  PreemptGuard& operator=(const PreemptGuard&) = delete;
};

struct SchedulerStats {
  std::uint64_t context_switches;
  std::uint64_t threads_created;
  std::uint64_t threads_alive;
  std::uint64_t idle_halts;  // times the CPU halted with nothing to run
};
SchedulerStats scheduler_stats();

}  // namespace cairn::sched
