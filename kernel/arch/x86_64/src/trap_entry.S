/* Entry stubs for all 256 vectors. Each pushes a dummy error code where the CPU does
 * not, then its vector number, and joins trap_common, which saves the general
 * registers as a struct TrapFrame (trap.h).
 *
 * CPU exceptions (vectors 0-31) end the VM: cairn_arch_trap(frame) reports them.
 * Interrupts (32-255) may be handled by ordinary C++ code, which may use SSE, and may
 * end in a switch to another thread: so the interrupted extended state (x87, SSE, AVX,
 * AVX-512: everything XCR0 enables) is saved below the frame with XSAVE, or FXSAVE
 * without it, before cairn_arch_interrupt(frame) runs, and restored after it returns.
 * The area lives on the interrupted thread's own stack, so a thread switched away
 * inside the handler keeps its state there until it is resumed.
 *
 * The CPU aligns the stack to 16 bytes before pushing its frame (5 words); with the
 * error code, the vector and 15 registers the frame is 22 words, so %rsp is 16-byte
 * aligned at the call, as the ABI requires. */

	.section .text.trap_entry, "ax", @progbits

.macro trap_stub vector
	.balign 16
trap_stub_\vector:
	.if (\vector == 8) || (\vector >= 10 && \vector <= 14) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
	.else
	pushq $0
	.endif
	pushq $\vector
	jmp trap_common
.endm

.altmacro
.macro trap_stubs_from first, last
	trap_stub \first
	.if \last - \first
	trap_stubs_from %(\first + 1), \last
	.endif
.endm

/* Split in chunks: gas limits macro recursion depth. */
	trap_stubs_from 0, 63
	trap_stubs_from 64, 127
	trap_stubs_from 128, 191
	trap_stubs_from 192, 255

trap_common:
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rbx
	pushq %rax
	cld
	movq %rsp, %rdi
	cmpq $32, 15*8(%rsp)                    /* the vector */
	jae interrupt
	call cairn_arch_trap                    /* an exception: reported, never returns */
	ud2

interrupt:
	movq %rsp, %rbx                         /* callee-saved: the frame, across the call */
	subq cairn_extended_state_bytes(%rip), %rsp
	andq $-64, %rsp
	cmpb $0, cairn_extended_state_xsave(%rip)
	je 1f
	/* XSAVE writes only the XSTATE_BV bits of the components it saves and nothing
	 * else of the header, and XRSTOR faults on any other bit set there: clear the
	 * whole header (bytes 512-575) first. */
	xorl %eax, %eax
	movq %rax, 512(%rsp)
	movq %rax, 520(%rsp)
	movq %rax, 528(%rsp)
	movq %rax, 536(%rsp)
	movq %rax, 544(%rsp)
	movq %rax, 552(%rsp)
	movq %rax, 560(%rsp)
	movq %rax, 568(%rsp)
	movl $-1, %eax
	movl $-1, %edx
	xsave (%rsp)
	jmp 2f
1:	fxsave (%rsp)
2:	ldmxcsr default_mxcsr(%rip)             /* handlers run with exceptions masked */
	call cairn_arch_interrupt               /* %rdi: the frame */
	cmpb $0, cairn_extended_state_xsave(%rip)
	je 3f
	movl $-1, %eax
	movl $-1, %edx
	xrstor (%rsp)
	jmp 4f
3:	fxrstor (%rsp)
4:	movq %rbx, %rsp
	popq %rax
	popq %rbx
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rbp
	popq %r8
	popq %r9
	popq %r10
	popq %r11
	popq %r12
	popq %r13
	popq %r14
	popq %r15
	addq $16, %rsp                          /* vector and error code */
	iretq

/* The stub addresses, for the IDT. */
.macro trap_stub_address vector
	.quad trap_stub_\vector
.endm
.macro trap_stub_addresses_from first, last
	trap_stub_address \first
	.if \last - \first
	trap_stub_addresses_from %(\first + 1), \last
	.endif
.endm

	.section .rodata.trap_entry, "a"
	.balign 4
default_mxcsr:
	.long 0x1f80

	.section .rodata.trap_stubs, "a"
	.balign 8
	.globl cairn_trap_stubs
cairn_trap_stubs:
	trap_stub_addresses_from 0, 63
	trap_stub_addresses_from 64, 127
	trap_stub_addresses_from 128, 191
	trap_stub_addresses_from 192, 255

	.section .note.GNU-stack, "", @progbits
