/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the interrupt handlers of the guests linked with rt32.S
 * (assembler only).
 */
#ifndef VMDEV_TESTS_GUEST_RT32_H
#define VMDEV_TESTS_GUEST_RT32_H

#ifdef __ASSEMBLER__
/*
 * Right after pushal in a handler: "sti; hlt" takes no interrupt between
 * the two, as sti's shadow covers the hlt, so the interrupt that ends
 * the wait returns past it. The nested test bed can lose that shadow
 * across an exit and deliver at the hlt itself (Documentation/guests.rst,
 * "Interrupts in sti's shadow"); returning there would halt again with
 * nothing left to wake the guest. If the interrupt struck at the hlt at
 * label halt, resume past it, as the CPU should have, and count it in
 * the u32 at counter.
 */
.macro	rt_past_hlt halt, counter
	cmpl	$\halt, 32(%esp)
	jne	.Lrt_past_hlt\@
	incl	\counter
	incl	32(%esp)			/* hlt is one byte */
.Lrt_past_hlt\@:
.endm
#endif

#endif /* VMDEV_TESTS_GUEST_RT32_H */
