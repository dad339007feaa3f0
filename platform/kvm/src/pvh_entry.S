/* PVH entry: the one boot path for QEMU -kernel (pc, q35, microvm), Firecracker-style
 * VMMs and Xen PVH. The loader enters pvh_start32 in 32-bit protected mode, paging
 * off, interrupts off, with %ebx = physical address of struct hvm_start_info.
 *
 * This code clears the BSS, identity-maps the first 4 GiB with 2 MiB pages (enough to
 * reach the image, the start info and the boot stack), enters long mode, enables SSE
 * (compiled C/C++ may use it from the first instruction) and calls cairn_pvh_start().
 * The kernel replaces these page tables with its final ones early in boot. */

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define CR0_PE  (1 << 0)
#define CR0_MP  (1 << 1)
#define CR0_EM  (1 << 2)
#define CR0_NE  (1 << 5)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define PTE_PRESENT_RW 0x3
#define PTE_LARGE 0x80

/* The note that makes this ELF file a PVH kernel. A 64-bit ELF carries an 8-byte
 * address, as Linux does; QEMU reads it at the ELF class's width. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.quad pvh_start32
	.balign 4

	.section .text.boot, "ax", @progbits
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	/* The boot-time measurement starts here, before anything else runs. */
	rdtsc
	movl %eax, cairn_boot_entry_tsc
	movl %edx, cairn_boot_entry_tsc + 4
	movl %ebx, %esi                         /* start info, kept in %esi */

	lgdt boot_gdt_descriptor
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs

	/* The loader zeroes BSS too, but the boot protocol does not promise it. The
	 * linker script aligns both ends to 16 bytes: store 4 bytes at a time (an
	 * emulator runs one loop iteration per store). */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
	movl $boot_pdpt + PTE_PRESENT_RW, boot_pml4
	movl $boot_pd + PTE_PRESENT_RW, %eax
	movl $boot_pdpt, %edi
	movl $4, %ecx
2:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 2b
	movl $boot_pd, %edi
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_PRESENT_RW | PTE_LARGE), %eax
	movl %eax, (%edi)
	movl %ecx, %edx
	shrl $11, %edx                          /* bits 32+ of the 2 MiB frame address */
	movl %edx, 4(%edi)
	addl $8, %edi
	incl %ecx
	cmpl $2048, %ecx
	jb 3b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $0x18, $start64

	.code64
start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	leaq cairn_boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp                         /* ends backtraces */

	/* SSE is architectural on x86_64; the compiler may use it anywhere. */
	movq %cr0, %rax
	andq $~CR0_EM, %rax
	orq $(CR0_MP | CR0_NE), %rax
	movq %rax, %cr0
	movq %cr4, %rax
	orq $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq %rax, %cr4

	movl %esi, %edi
	call cairn_pvh_start
4:	hlt                                     /* cairn_pvh_start does not return */
	jmp 4b

	.section .rodata.boot_gdt, "a"
	.balign 16
/* Accessed bits are preset so the CPU never writes to this (read-only) table. */
boot_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff                /* 0x08: 32-bit code */
	.quad 0x00cf93000000ffff                /* 0x10: data */
	.quad 0x00af9b000000ffff                /* 0x18: 64-bit code */
boot_gdt_end:
boot_gdt_descriptor:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss.boot_page_tables, "aw", @nobits
	.balign 4096
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096

	.section .data.boot_tsc, "aw"
	.balign 8
	.globl cairn_boot_entry_tsc
cairn_boot_entry_tsc: .quad 0

	.section .note.GNU-stack, "", @progbits
