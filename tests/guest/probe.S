/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe: 32-bit guest with one behaviour per run, chosen by the VMM in
 * the parameter block, to test the VMM side itself: ending with a value,
 * a port write and read, an exception, a halt that only an interrupt
 * (or the VMM's deadline) ends, and a triple fault.
 */
#include "guest_abi.h"

#define P(field)	(GUEST_PARAM_ADDR + PROBE_##field)

	.code32
	.section .text.entry, "ax"
	.globl	_start
_start:
	call	rt_idt_init
	movl	P(OP), %eax
	cmpl	$GUEST_PROBE_SHUTDOWN, %eax
	ja	bad_op
	jmp	*ops(,%eax,4)

op_exit:
	movl	P(VALUE), %eax
	jmp	rt_exit

op_ud:
	ud2

op_halt:
	sti
	hlt
	jmp	op_halt

op_out:
	movl	P(PORT), %edx
	movl	P(VALUE), %eax
	outl	%eax, %dx
	movl	$GUEST_PASS, %eax
	jmp	rt_exit

op_in:
	movl	P(PORT), %edx
	inl	%dx, %eax
	jmp	rt_exit

op_shutdown:
	lidt	no_idt
	int3

bad_op:
	movl	$GUEST_FAIL_BADPARAM, %eax
	jmp	rt_exit

	.section .rodata
	.balign	4
ops:
	.long	op_exit, op_ud, op_halt, op_out, op_in, op_shutdown
no_idt:
	.word	0
	.long	0
