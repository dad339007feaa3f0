// What the scheduler needs from the CPU: a thread's initial stack, the switch between
// two threads, and the thread pointer (%fs base) that locates each thread's TLS.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::arch {

// Lays out a new thread's stack so that the first switch to it calls start(argument)
// (with interrupts still disabled, as the switch left them). `stack_top` must be
// 16-byte aligned. Returns the stack pointer to switch to.
std::uint64_t prepare_thread_stack(void* stack_top, void (*start)(void*), void* argument);

// Saves the callee-saved registers, MXCSR and the x87 control word on the current stack,
// stores the stack pointer in *save_sp, and resumes the thread whose stack pointer is
// next_sp. Everything else the ABI lets a call clobber, so a voluntary switch saves no
// more; a thread switched away inside an interrupt had its full extended state saved
// by the interrupt entry.
extern "C" void cairn_switch_context(std::uint64_t* save_sp, std::uint64_t next_sp);

// Loads the %fs base (WRFSBASE when the CPU has it).
void set_thread_pointer(std::uintptr_t thread_pointer);

// A thread's TLS block: the image's PT_TLS template below the thread pointer and a
// control block above it (its first word points to itself, as the x86_64 ABI says).
// tls_block_bytes() is how much memory init_tls_block() needs; it returns the thread
// pointer for the block, whose memory need not be zeroed.
std::size_t tls_block_bytes();
std::uintptr_t init_tls_block(void* block);

}  // namespace cairn::arch
