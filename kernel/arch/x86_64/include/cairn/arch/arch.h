// The architecture layer's entry points, in the order kernel_boot() calls them.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/boot_info.h>

namespace cairn::arch {

// GDT, TSS (with separate stacks for faults that must be reported even when the
// current stack is broken), IDT, CPU features and extended state. After this, CPU
// exceptions produce a report instead of a triple fault.
void early_init();

// Builds and loads the final page tables: RAM identity-mapped read-write and NX, the
// image's sections with their own permissions, page 0 and stack guard pages unmapped.
void init_paging(const BootInfo& info);

// Access to identity-mapped RAM pages, changed at run time (mmap/mprotect).
enum class PageAccess { kNone, kRead, kReadWrite, kReadExecute, kReadWriteExecute };

// Sets the access of the pages in [base, base + size) (page-aligned) and flushes the
// TLB. kNone unmaps them, so any access faults.
void set_page_access(std::uintptr_t base, std::size_t size, PageAccess access);

// Walks the frame-pointer chain from `rbp` and prints each return address with its
// symbol. `rip` is printed first as frame #0; when it is itself a return address (a
// panic, not a faulting instruction) it is looked up like the others.
void print_backtrace(std::uintptr_t rip, std::uintptr_t rbp, bool rip_is_return_address);

// Sets up the boot thread's TLS block (the image's PT_TLS template), loads the FS base
// and returns the thread pointer.
std::uintptr_t init_boot_tls();

// Lets the crash report name the owner of guard pages it does not know itself (thread
// stacks): `lookup` returns a description such as "stack of thread 'worker'", or null.
void set_guard_page_lookup(const char* (*lookup)(std::uintptr_t address));

}  // namespace cairn::arch
