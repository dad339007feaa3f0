// lwIP's operating-system layer (lwip/sys.h) on Cairn's scheduler: semaphores,
// mutexes, mailboxes, threads, the millisecond clock and SYS_ARCH_PROTECT.
//
// Every call comes from a thread, never from an interrupt handler: drivers hand frames
// to lwIP from a thread (see docs/networking.md), so blocking objects are always
// allowed here and SYS_ARCH_PROTECT only has to keep other threads out.
#include <new>

#include <cairn/kernel/panic.h>
#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>

#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "mailbox.h"
#include "timeout.h"

namespace {

using namespace cairn;

// The Mailbox template's locks on the scheduler's objects.
struct SchedSync {
  struct Mutex {
    sched::Mutex mutex;
    void lock() { mutex.lock(); }
    void unlock() { mutex.unlock(); }
  };
  struct CondVar {
    sched::CondVar condvar;
    // kNoDeadline and sched::kForever are the same value.
    bool wait(Mutex& mutex, std::uint64_t deadline) {
      return condvar.wait(mutex.mutex, deadline) == 0;
    }
    void signal() { condvar.signal(); }
  };
};
static_assert(lwip::kNoDeadline == sched::kForever);
static_assert(lwip::kArchTimeout == SYS_ARCH_TIMEOUT);

std::uint64_t deadline_after_ms(u32_t timeout_ms) {
  // Forever needs no clock reading.
  return timeout_ms == 0 ? lwip::kNoDeadline
                         : lwip::deadline_after_ms(time::monotonic_ns(), timeout_ms);
}

}  // namespace

struct cairn_lwip_sem {
  explicit cairn_lwip_sem(std::uint32_t count) : semaphore(count) {}
  sched::Semaphore semaphore;
};

struct cairn_lwip_mutex {
  sched::Mutex mutex;
};

// The messages live right after the mailbox, in the same allocation.
struct cairn_lwip_mbox {
  explicit cairn_lwip_mbox(std::size_t capacity)
      : mailbox(reinterpret_cast<void**>(this + 1), capacity) {}
  lwip::Mailbox<SchedSync> mailbox;
};
static_assert(sizeof(cairn_lwip_mbox) % alignof(void*) == 0);

extern "C" {

void sys_init() {}

u32_t sys_now() { return static_cast<u32_t>(time::monotonic_ns() / 1'000'000); }

// --- Semaphores ---

err_t sys_sem_new(sys_sem_t* sem, u8_t count) {
  *sem = new (std::nothrow) cairn_lwip_sem(count);
  return *sem != nullptr ? ERR_OK : ERR_MEM;
}

void sys_sem_free(sys_sem_t* sem) { delete *sem; }

void sys_sem_signal(sys_sem_t* sem) { (*sem)->semaphore.post(); }

u32_t sys_arch_sem_wait(sys_sem_t* sem, u32_t timeout_ms) {
  std::uint64_t start = timeout_ms != 0 ? time::monotonic_ns() : 0;
  if ((*sem)->semaphore.wait(deadline_after_ms(timeout_ms)) != 0) return SYS_ARCH_TIMEOUT;
  // lwIP only looks at the waited time of timed waits.
  return timeout_ms != 0 ? lwip::waited_ms(start, time::monotonic_ns()) : 0;
}

// --- Mutexes ---

err_t sys_mutex_new(sys_mutex_t* mutex) {
  *mutex = new (std::nothrow) cairn_lwip_mutex;
  return *mutex != nullptr ? ERR_OK : ERR_MEM;
}

void sys_mutex_free(sys_mutex_t* mutex) { delete *mutex; }

void sys_mutex_lock(sys_mutex_t* mutex) { (*mutex)->mutex.lock(); }

void sys_mutex_unlock(sys_mutex_t* mutex) { (*mutex)->mutex.unlock(); }

// --- Mailboxes ---

err_t sys_mbox_new(sys_mbox_t* mbox, int size) {
  // lwIP asks with its *_MBOX_SIZE options, which lwipopts.h sets; be safe anyway.
  std::size_t capacity = size > 0 ? static_cast<std::size_t>(size) : 16;
  void* memory = ::operator new(sizeof(cairn_lwip_mbox) + capacity * sizeof(void*), std::nothrow);
  *mbox = memory != nullptr ? new (memory) cairn_lwip_mbox(capacity) : nullptr;
  return *mbox != nullptr ? ERR_OK : ERR_MEM;
}

void sys_mbox_free(sys_mbox_t* mbox) {
  (*mbox)->~cairn_lwip_mbox();
  ::operator delete(*mbox);
}

void sys_mbox_post(sys_mbox_t* mbox, void* msg) { (*mbox)->mailbox.post(msg); }

}  // extern "C"

// Messages waiting: the socket layer's readiness (libs/lwip/src/socket_lwip.h).
std::size_t cairn_lwip_mbox_count(sys_mbox_t* mbox) {
  return sys_mbox_valid(mbox) ? (*mbox)->mailbox.size() : 0;
}

extern "C" {

err_t sys_mbox_trypost(sys_mbox_t* mbox, void* msg) {
  return (*mbox)->mailbox.try_post(msg) ? ERR_OK : ERR_MEM;
}

// Cairn never calls into lwIP from an interrupt handler, so this is only trypost.
err_t sys_mbox_trypost_fromisr(sys_mbox_t* mbox, void* msg) { return sys_mbox_trypost(mbox, msg); }

u32_t sys_arch_mbox_fetch(sys_mbox_t* mbox, void** msg, u32_t timeout_ms) {
  std::uint64_t start = timeout_ms != 0 ? time::monotonic_ns() : 0;
  if (!(*mbox)->mailbox.fetch(msg, deadline_after_ms(timeout_ms))) return SYS_ARCH_TIMEOUT;
  return timeout_ms != 0 ? lwip::waited_ms(start, time::monotonic_ns()) : 0;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t* mbox, void** msg) {
  return (*mbox)->mailbox.try_fetch(msg) ? 0 : SYS_MBOX_EMPTY;
}

// --- Threads ---

sys_thread_t sys_thread_new(const char* name, lwip_thread_fn function, void* arg, int stack_size,
                            int /*priority: the scheduler has none*/) {
  sched::ThreadAttributes attributes;
  attributes.name = name;  // lwIP passes string literals
  attributes.stack_size = stack_size > 0 ? static_cast<std::size_t>(stack_size) : 0;
  Result<sched::Thread*> thread = sched::create_thread(function, arg, attributes);
  // lwIP cannot handle a missing thread (tcpip_init has no error path).
  if (!thread) panic("lwip: cannot start thread '%s': %s", name, thread.error().message());
  // Nobody joins lwIP's threads.
  (void)sched::detach_thread(thread.value());
  return reinterpret_cast<sys_thread_t>(thread.value());
}

// --- SYS_ARCH_PROTECT ---

// Short sections (pool allocations, pbuf reference counts) that no other thread may
// interleave with. Holding off preemption is enough on one CPU, because no interrupt
// handler enters lwIP, and costs no atomic operation. Nests.
sys_prot_t sys_arch_protect() {
  sched::preempt_disable();
  return 0;
}

void sys_arch_unprotect(sys_prot_t) { sched::preempt_enable(); }

// --- Core-lock check (debug builds) ---

// The tcpip thread holds the core lock while it works, so "held by the caller" covers
// it too. Before tcpip_init() has made the lock, the starting thread is alone in lwIP.
void cairn_lwip_assert_core_locked() {
  if (lock_tcpip_core == nullptr || lock_tcpip_core->mutex.held_by_current_thread()) return;
  panic("lwip: core entered without the core lock by thread '%s'",
        sched::thread_name(sched::current_thread()));
}

}  // extern "C"
