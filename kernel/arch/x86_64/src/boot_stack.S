/* The boot stack: main() runs on it. The page below it stays unmapped (see
 * paging.cpp), so an overflow faults and is reported instead of corrupting BSS. */
#include <cairn/config.h>

#define STACK_BYTES ((CONFIG_BOOT_STACK_SIZE + 4095) & ~4095)

	.section .bss.boot_stack, "aw", @nobits
	.balign 4096
	.globl cairn_boot_stack_guard, cairn_boot_stack_bottom, cairn_boot_stack_top
cairn_boot_stack_guard:
	.skip 4096
cairn_boot_stack_bottom:
	.skip STACK_BYTES
cairn_boot_stack_top:

	.section .note.GNU-stack, "", @progbits
