// Creating and ending threads. One allocation holds everything a thread owns:
//
//   [guard page][stack ... grows down][Thread][TLS block]
//
// so creating a thread is one page allocation (and usually not even that: freed
// allocations of the default size are kept for reuse, guard page still unmapped). A
// thread's memory is freed once it has switched away for the last time; a joinable
// thread's stays until join_thread() has read that it exited.
#include <cerrno>
#include <cstring>
#include <new>

#include <cairn/arch/arch.h>
#include <cairn/arch/context.h>
#include <cairn/config.h>
#include <cairn/kernel/format.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/panic.h>

#include "thread_internal.h"

namespace cairn::sched {
namespace {

constexpr std::size_t kPage = memory::kPageSize;
constexpr std::size_t kMinStack = 16384;
constexpr std::size_t kMaxStack = std::size_t{1} << 30;
constexpr int kCachedAllocations = 8;

std::uint64_t next_id_ = 2;  // 1 is the boot thread
Thread* all_threads_;
Thread* reap_;  // exited and switched away from: free after the switch
bool boot_thread_exited_;
void (*exit_hooks_[2][4])(Thread*);  // by stage

// Freed allocations of the default size, guard page still unmapped.
void* cache_[kCachedAllocations];
int cached_;

std::size_t pages_for(std::size_t stack_bytes) {
  std::size_t tls = (arch::tls_block_bytes() + 63) & ~std::size_t{63};
  std::size_t bytes = kPage + stack_bytes + ((sizeof(Thread) + 63) & ~std::size_t{63}) + tls;
  return (bytes + kPage - 1) / kPage;
}

std::size_t default_pages() {
  static const std::size_t pages = pages_for(CONFIG_THREAD_STACK_SIZE);
  return pages;
}

Result<void*> allocate_memory(std::size_t pages) {
  {
    SchedLock lock;
    if (pages == default_pages() && cached_ > 0) return cache_[--cached_];
  }
  PreemptGuard guard;
  void* memory = TRY(memory::allocate_pages(pages, memory::Owner::kStacks, false));
  arch::set_page_access(reinterpret_cast<std::uintptr_t>(memory), kPage, arch::PageAccess::kNone);
  return memory;
}

void free_memory(void* memory, std::size_t pages) {
  if (pages == default_pages() && cached_ < kCachedAllocations) {
    cache_[cached_++] = memory;
    return;
  }
  arch::set_page_access(reinterpret_cast<std::uintptr_t>(memory), kPage,
                        arch::PageAccess::kReadWrite);
  memory::free_pages(memory, pages, memory::Owner::kStacks);
}

void link(Thread* thread) {
  thread->all_next = all_threads_;
  if (all_threads_) all_threads_->all_prev = thread;
  all_threads_ = thread;
}

void unlink(Thread* thread) {
  if (thread->all_prev)
    thread->all_prev->all_next = thread->all_next;
  else
    all_threads_ = thread->all_next;
  if (thread->all_next) thread->all_next->all_prev = thread->all_prev;
}

// With the SchedLock held, on another thread's stack.
void destroy(Thread* thread) {
  unlink(thread);
  free_memory(thread->memory, thread->memory_pages);
}

// For crash reports: "stack overflow: write of the guard page below the thread
// 'worker' stack".
const char* guard_owner(std::uintptr_t address) {
  static char description[64];
  for (Thread* t = all_threads_; t; t = t->all_next) {
    auto guard = reinterpret_cast<std::uintptr_t>(t->memory);
    if (t->memory && address - guard < kPage) {
      format_to(description, sizeof description, "thread '%s' stack", t->name);
      return description;
    }
  }
  return nullptr;
}

}  // namespace

void reap_after_switch() {
  if (Thread* thread = reap_) {
    reap_ = nullptr;
    destroy(thread);
  }
}

Result<Thread*> create_thread(ThreadEntry entry, void* argument,
                              const ThreadAttributes& attributes) {
  std::size_t stack = attributes.stack_size ? attributes.stack_size : CONFIG_THREAD_STACK_SIZE;
  if (stack < kMinStack || stack > kMaxStack) return Error(EINVAL, "unsupported stack size");
  stack = (stack + kPage - 1) & ~(kPage - 1);
  std::size_t pages = pages_for(stack);
  void* memory = TRY(allocate_memory(pages));

  auto base = reinterpret_cast<std::uintptr_t>(memory);
  std::uintptr_t end = base + pages * kPage;
  std::uintptr_t tls = (end - arch::tls_block_bytes()) & ~std::uintptr_t{63};
  std::uintptr_t object = (tls - sizeof(Thread)) & ~std::uintptr_t{63};
  auto* thread = new (reinterpret_cast<void*>(object)) Thread;
  thread->memory = memory;
  thread->memory_pages = pages;
  thread->stack_bottom = base + kPage;
  thread->thread_pointer = arch::init_tls_block(reinterpret_cast<void*>(tls));
  thread->name = attributes.name ? attributes.name : "thread";
  thread->entry = entry;
  thread->argument = argument;
  thread->saved_sp = arch::prepare_thread_stack(
      reinterpret_cast<void*>(object & ~std::uintptr_t{15}), start_thread, thread);

  SchedLock lock;
  static bool guard_lookup_installed = false;
  if (!guard_lookup_installed) {
    arch::set_guard_page_lookup(guard_owner);
    guard_lookup_installed = true;
  }
  thread->id = next_id_++;
  link(thread);
  ++mutable_stats().threads_created;
  ++mutable_stats().threads_alive;
  make_runnable(thread);
  return thread;
}

std::uint64_t thread_id(const Thread* thread) { return thread->id; }
const char* thread_name(const Thread* thread) { return thread->name; }
void*& thread_user_data(Thread* thread) { return thread->user_data; }

void on_thread_exit(void (*hook)(Thread* thread), ExitHookStage stage) {
  SchedLock lock;
  for (auto& slot : exit_hooks_[static_cast<int>(stage)]) {
    if (slot == hook) return;
    if (!slot) {
      slot = hook;
      return;
    }
  }
  panic("too many thread exit hooks");
}

}  // namespace cairn::sched

// The C library's exit path: runs when the last thread ends (main's included, if it
// ended with exit_thread()). Weak so that the kernel links without a C library.
extern "C" [[gnu::weak, noreturn]] void cairn_last_thread_exited() { cairn::shutdown(0); }

namespace cairn::sched {

namespace {

// With the SchedLock held: the thread is gone once it switches away.
[[noreturn]] void finish_exit(Thread* self) {
  self->exited = true;
  self->state = ThreadState::kDead;
  if (self == boot_thread())
    boot_thread_exited_ = true;
  else
    --mutable_stats().threads_alive;
  if (self->detached && self->memory) reap_ = self;
  self->exit_waiters.wake_all();
  schedule();
  panic("a thread ran after it exited");
}

}  // namespace

void exit_thread() {
  Thread* self = current();
  for (auto& stage : exit_hooks_)
    for (auto hook : stage)
      if (hook) hook(self);
  {
    SchedLock lock;
    std::uint64_t others = mutable_stats().threads_alive - (self == boot_thread() ? 0 : 1);
    if (!boot_thread_exited_ && self != boot_thread()) finish_exit(self);
    if (others > 0) finish_exit(self);
  }
  cairn_last_thread_exited();
}

Result<void> join_thread(Thread* thread) {
  SchedLock lock;
  if (thread == current()) return Error(EDEADLK, "a thread cannot join itself");
  if (thread->detached || thread->joined) return Error(EINVAL, "thread is detached or joined");
  thread->joined = true;
  while (!thread->exited) thread->exit_waiters.wait();
  if (thread->memory) destroy(thread);
  return {};
}

Result<void> detach_thread(Thread* thread) {
  SchedLock lock;
  if (thread->detached || thread->joined) return Error(EINVAL, "thread is detached or joined");
  thread->detached = true;
  if (thread->exited && thread->memory) destroy(thread);
  return {};
}

}  // namespace cairn::sched
