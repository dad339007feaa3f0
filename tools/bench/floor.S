/* The floor kernel: the least a PVH guest can do -- print one line on COM1 and end
 * the VM through isa-debug-exit. `make bench` times QEMU running it, to separate
 * QEMU's own start-up and tear-down from what a Cairn image adds. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, 18                   /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad floor_start
	.balign 4

	.text
	.code32
	.globl floor_start
floor_start:
	cli
	movl $message, %esi
1:	movb (%esi), %al
	testb %al, %al
	jz 2f
	movw $0x3f8, %dx
	outb %al, %dx
	incl %esi
	jmp 1b
2:	xorl %eax, %eax
	outl %eax, $0xf4                 /* status 0: QEMU exits with 1 */
3:	hlt
	jmp 3b

	.section .rodata
message:
	.asciz "floor kernel\r\n"
