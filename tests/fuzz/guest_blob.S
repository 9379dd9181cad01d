/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz guest's flat image, embedded read-only as fz_guest, its
 * length in the size_t fz_guest_size (see tests/guest/blobs.S).
 */
	.section .rodata.fz_guest, "a"
	.balign	16
	.globl	fz_guest
	.type	fz_guest, @object
fz_guest:
	.incbin	"fuzz-guest.bin"
.Lend:
	.size	fz_guest, .Lend - fz_guest
	.balign	8
	.globl	fz_guest_size
	.type	fz_guest_size, @object
fz_guest_size:
	.quad	.Lend - fz_guest
	.size	fz_guest_size, 8

	.section .note.GNU-stack, "", @progbits
