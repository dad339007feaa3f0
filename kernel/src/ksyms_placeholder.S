/* An empty symbol table: the linked image holds this until tools/ksyms.py replaces it
 * with the image's real symbols. */
	.section .cairn_ksyms, "a"
	.balign 16
	.long 0x4d59534b, 0, 16, 16
	.section .note.GNU-stack, "", @progbits
