/* Thread switch (see cairn/arch/context.h). The frame a switched-out thread leaves on
 * its stack, from the saved stack pointer up:
 *     MXCSR (4 bytes), x87 control word (2), padding (2), r15, r14, r13, r12, rbx, rbp,
 *     return address
 * prepare_thread_stack() builds the same frame for a new thread, with r12 = the start
 * function, r13 = its argument and the return address = thread_trampoline. */

	.section .text.cairn_switch_context, "ax", @progbits
	.globl cairn_switch_context
	.type cairn_switch_context, @function
cairn_switch_context:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size cairn_switch_context, . - cairn_switch_context

/* A new thread's first instructions: %rsp is 16-byte aligned here, so the call
 * leaves the callee's stack as the ABI expects. start() never returns. */
	.section .text.cairn_thread_trampoline, "ax", @progbits
	.globl cairn_thread_trampoline
	.type cairn_thread_trampoline, @function
cairn_thread_trampoline:
	movq %r13, %rdi
	call *%r12
	ud2
	.size cairn_thread_trampoline, . - cairn_thread_trampoline

	.section .note.GNU-stack, "", @progbits
