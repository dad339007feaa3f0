/* The KVM probe: a PVH guest that does what every Cairn image does early -- SSE
 * instructions, LDMXCSR and, where the CPU has XSAVE, XSETBV -- then reports success
 * through isa-debug-exit (QEMU exits with 2 * 0x2a + 1 = 85). Where KVM cannot run
 * such a guest (e.g. a nested, emulated /dev/kvm), QEMU stops with an emulation
 * failure or hangs, and `cairn run` falls back to TCG. Built by tools/cairn. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, 18
	.asciz "Xen"
	.balign 4
	.quad probe_start
	.balign 4

	.text
	.code32
	.globl probe_start
probe_start:
	cli
	movl %cr0, %eax
	andl $~(1 << 2), %eax            /* EM off */
	orl $(1 << 1), %eax              /* MP on */
	movl %eax, %cr0
	movl %cr4, %eax
	orl $((1 << 9) | (1 << 10)), %eax /* OSFXSR, OSXMMEXCPT */
	movl %eax, %cr4
	movl $1, %eax
	cpuid
	testl $(1 << 26), %ecx           /* XSAVE? */
	jz 1f
	movl %cr4, %eax
	orl $(1 << 18), %eax             /* OSXSAVE */
	movl %eax, %cr4
	xorl %ecx, %ecx
	movl $3, %eax                    /* x87 | SSE */
	xorl %edx, %edx
	xsetbv
1:	movl $mxcsr, %eax
	ldmxcsr (%eax)
	movl $values, %eax
	movups (%eax), %xmm0
	addps %xmm0, %xmm0
	movups %xmm0, (%eax)
	movl $0x2a, %eax
	outl %eax, $0xf4
2:	hlt
	jmp 2b

	.data
	.balign 16
mxcsr:	.long 0x1f80
values:	.long 0x3f800000, 0x40000000, 0x40400000, 0x40800000
