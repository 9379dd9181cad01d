/* SPDX-License-Identifier: GPL-2.0 */
/*
 * strio: 32-bit guest doing one string PIO instruction with a rep
 * prefix, as drivers move blocks through a data port (insw of an IDE
 * sector, outsb of a buffer): rep ins or rep outs of 1, 2 or 4 byte
 * elements, count elements between the port and a buffer in the data
 * area. KVM passes several elements per exit (count > 1) where it can.
 * Reports ecx and the final esi/edi, which must show every element moved.
 */
#include "guest_abi.h"

#define P(field)	(GUEST_PARAM_ADDR + STRIO_##field)

	.code32
	.section .text.entry, "ax"
	.globl	_start
_start:
	call	rt_idt_init
	/* Handler index: write * 3 + log2(size), size 1, 2 or 4. */
	movl	P(SIZE), %eax
	cmpl	$4, %eax
	ja	bad_param
	movl	sizes(,%eax,4), %ebx
	testl	%ebx, %ebx
	js	bad_param
	movl	P(WRITE), %ecx
	cmpl	$1, %ecx
	ja	bad_param
	leal	(%ecx,%ecx,2), %ecx
	addl	%ecx, %ebx

	/* The buffer must lie inside the data area, the port fit 16 bits. */
	movl	P(COUNT), %eax
	cmpl	$GUEST_DATA_SIZE, %eax
	ja	bad_param
	mull	P(SIZE)				/* no overflow: both small */
	movl	%eax, %edx
	movl	P(BUF), %eax
	call	rt_check_data
	cmpl	$0xffff, P(PORT)
	ja	bad_param

	cld
	movl	P(PORT), %edx
	movl	P(COUNT), %ecx
	movl	P(BUF), %esi
	movl	%esi, %edi
	jmp	*handlers(,%ebx,4)

ins1:	rep insb
	jmp	ins_done
ins2:	rep insw
	jmp	ins_done
ins4:	rep insl
ins_done:
	movl	%edi, P(END)
	jmp	finish
outs1:	rep outsb
	jmp	outs_done
outs2:	rep outsw
	jmp	outs_done
outs4:	rep outsl
outs_done:
	movl	%esi, P(END)
finish:
	movl	%ecx, P(ECX)
	movl	$GUEST_PASS, %eax
	jmp	rt_exit

bad_param:
	movl	$GUEST_FAIL_BADPARAM, %eax
	jmp	rt_exit

	.section .rodata
	.balign	4
sizes:		/* log2 of a valid element size, else -1 */
	.long	-1, 0, 1, -1, 2
handlers:
	.long	ins1, ins2, ins4, outs1, outs2, outs4
