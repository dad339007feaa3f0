// The C++ runtime that Cairn's code and applications share: operator new/delete in all
// their forms (on the configured malloc), static-local guards, pure-virtual traps,
// __dso_handle for __cxa_atexit (which newlib provides), and the stack protector.
// There are no exceptions yet: a failing throwing `new` ends the VM with a report.
#include <cstddef>
#include <cstdint>
#include <new>

#include <cairn/arch/cpu.h>
#include <cairn/arch/cpu_features.h>
#include <cairn/kernel/panic.h>
#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>

extern "C" {
void* malloc(std::size_t);
void free(void*);
void* memalign(std::size_t, std::size_t);

// Identifies the image for __cxa_atexit registrations (normally from crtbegin.o).
void* __dso_handle = &__dso_handle;
}

namespace {

void* allocate(std::size_t size) {
  void* p = malloc(size ? size : 1);
  if (!p) cairn::panic("operator new: out of memory allocating %zu bytes", size);
  return p;
}

// Static-local initialisation across threads (__cxa_guard_*): one mutex and one
// condition variable for all guards, since waiting is rare and short.
cairn::sched::Mutex guard_mutex;
cairn::sched::CondVar guard_done;

class GuardLock {
 public:
  GuardLock() { guard_mutex.lock(); }
  ~GuardLock() { guard_mutex.unlock(); }
  GuardLock(const GuardLock&) = delete;
  GuardLock& operator=(const GuardLock&) = delete;
};

// Bytes 4-7 of the 64-bit guard (the ABI leaves bytes 1-7 to the implementation):
// 1 + the id of the thread initialising (the boot thread's id is 0 until the
// scheduler names it), 0 when none is.
std::uint32_t guard_owner(std::uint64_t* guard) {
  return reinterpret_cast<std::uint32_t*>(guard)[1];
}
void set_guard_owner(std::uint64_t* guard, std::uint32_t id) {
  reinterpret_cast<std::uint32_t*>(guard)[1] = id;
}

void* allocate_aligned(std::size_t size, std::align_val_t align) {
  void* p = memalign(static_cast<std::size_t>(align), size ? size : 1);
  if (!p) cairn::panic("operator new: out of memory allocating %zu bytes", size);
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
// The tag object itself: libstdc++ defines it, but images of C programs do not link
// libstdc++, and Cairn's own C++ code (drivers) uses `new (std::nothrow)`.
namespace std {
const nothrow_t nothrow{};
}  // namespace std

void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return malloc(size ? size : 1);
}
void* operator new(std::size_t size, std::align_val_t align) {
  return allocate_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return allocate_aligned(size, align);
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return memalign(static_cast<std::size_t>(align), size ? size : 1);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return memalign(static_cast<std::size_t>(align), size ? size : 1);
}

void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, std::size_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t) noexcept { free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { free(p); }

extern "C" {

// Static locals: byte 0 of the guard says "initialized" (the ABI's contract with
// inline fast paths). While an initializer runs, the guard's second word-half holds
// the id of the thread running it; other threads that reach the same static wait on
// one global condition variable until it is done (or abandoned), and the same thread
// arriving again means the initializer recursed into itself.
int __cxa_guard_acquire(std::uint64_t* guard) {
  auto* bytes = reinterpret_cast<std::uint8_t*>(guard);
  if (__atomic_load_n(&bytes[0], __ATOMIC_ACQUIRE)) return 0;
  std::uint32_t self =
      static_cast<std::uint32_t>(cairn::sched::thread_id(cairn::sched::current_thread())) + 1;
  GuardLock lock;
  for (;;) {
    if (bytes[0]) return 0;
    std::uint32_t owner = guard_owner(guard);
    if (owner == 0) break;
    if (owner == self) cairn::panic("recursive initialization of a function-local static");
    guard_done.wait(guard_mutex);
  }
  set_guard_owner(guard, self);
  return 1;
}

void __cxa_guard_release(std::uint64_t* guard) {
  GuardLock lock;
  set_guard_owner(guard, 0);
  __atomic_store_n(reinterpret_cast<std::uint8_t*>(guard), 1, __ATOMIC_RELEASE);
  guard_done.broadcast();
}

void __cxa_guard_abort(std::uint64_t* guard) {
  GuardLock lock;
  set_guard_owner(guard, 0);
  guard_done.broadcast();
}

[[noreturn]] void __cxa_pure_virtual() { cairn::panic("pure virtual function called"); }
[[noreturn]] void __cxa_deleted_virtual() { cairn::panic("deleted virtual function called"); }

// The stack protector's canary. Set at boot from the best entropy the CPU offers;
// the low byte is zero so string overflows cannot reproduce it.
std::uintptr_t __stack_chk_guard = 0x595e9fbd94fda700;

[[noreturn]] void __stack_chk_fail() { cairn::panic("stack smashing detected"); }

}  // extern "C"

namespace cairn {

[[gnu::no_stack_protector]] void init_stack_protector() {
  std::uint64_t seed = arch::rdtsc() * 0x9e3779b97f4a7c15ull;
  if (arch::cpu_features().rdrand) {
    std::uint64_t r;
    unsigned char ok;
    for (int tries = 0; tries < 10; ++tries) {
      asm volatile("rdrand %0; setc %1" : "=r"(r), "=qm"(ok));
      if (ok) {
        seed ^= r;
        break;
      }
    }
  }
  __stack_chk_guard = seed & ~std::uintptr_t{0xff};
}

}  // namespace cairn
