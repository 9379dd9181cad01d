/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flat guest images, embedded read-only: for every name in
 * GUEST_LIST (from guest.mk), guest_<name> holds the image and the
 * size_t guest_<name>_size its length. guests.h declares them.
 */
	.macro	guest_image name
	.section .rodata.guest_\name, "a"
	.balign	16
	.globl	guest_\name
	.type	guest_\name, @object
guest_\name:
	.incbin	"\name\().bin"
.Lend_\name:
	.size	guest_\name, .Lend_\name - guest_\name
	.balign	8
	.globl	guest_\name\()_size
	.type	guest_\name\()_size, @object
guest_\name\()_size:
	.quad	.Lend_\name - guest_\name
	.size	guest_\name\()_size, 8
	.endm

	.irp	name, GUEST_LIST
	guest_image \name
	.endr

	.section .note.GNU-stack, "", @progbits
