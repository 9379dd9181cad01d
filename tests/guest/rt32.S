/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime of the 32-bit protected-mode test guests: ending the run with a
 * result, and an IDT in which every vector not claimed by the guest ends
 * the run with GUEST_FAIL_EXCEPTION | vector, so a fault or a stray
 * interrupt is reported instead of escalating to a triple fault.
 *
 * Calling convention: arguments in eax, edx; eax, ecx, edx clobbered.
 */
#include "guest_abi.h"

#define IDT_VECTORS	256
#define STUB_STRIDE	16
#define GATE_INTR32	0x8e00		/* present, DPL 0, 32-bit intr gate */
#define X86_EFLAGS_IF	0x200

	.code32
	.text

/* rt_exit(eax = result): report the result; never returns. */
	.globl rt_exit
rt_exit:
	movw	$GUEST_PORT_EXIT, %dx
	outl	%eax, %dx
1:	cli
	hlt
	jmp	1b

/*
 * rt_check_data(eax = address, edx = bytes): return if the range lies in
 * the data area (GUEST_DATA_*), else end the run with
 * GUEST_FAIL_BADPARAM.
 */
	.globl rt_check_data
rt_check_data:
	cmpl	$GUEST_DATA_ADDR, %eax
	jb	1f
	addl	%edx, %eax
	jc	1f
	cmpl	$GUEST_DATA_ADDR + GUEST_DATA_SIZE, %eax
	ja	1f
	ret
1:	movl	$GUEST_FAIL_BADPARAM, %eax
	jmp	rt_exit

/*
 * rt_iret: jump here instead of executing iret at the end of an
 * interrupt handler, with the stack as the CPU left it (eip, cs,
 * eflags). It returns the same way without iret, because some KVM
 * hosts emulate a guest's iret (PVM does: the guest is not run in ring
 * 0), and KVM's instruction emulator implements iret in real mode only.
 * The frame becomes (eflags, eip) for popfl and ret; IF is set with sti
 * rather than by popfl (which a host running the guest outside ring 0
 * may ignore), as the interrupted code had it set. popfl restores the
 * flags with IF still clear, so that sti's one instruction shadow keeps
 * a new interrupt out until ret is done: with IF set by popfl, the next
 * interrupt would be taken before sti, with the handler's return
 * address still on the stack, and each such interrupt would nest one
 * level deeper.
 */
	.globl rt_iret
rt_iret:
	pushl	%eax
	movl	4(%esp), %eax			/* eip */
	xchgl	%eax, 12(%esp)			/* eflags out, eip in */
	testl	$X86_EFLAGS_IF, %eax
	jz	1f
	andl	$~X86_EFLAGS_IF, %eax
	movl	%eax, 8(%esp)			/* eflags over cs */
	popl	%eax
	addl	$4, %esp
	popfl
	sti
	ret
	/* Interrupted with IF clear (see uart_irq.S): leave it clear. */
1:	movl	%eax, 8(%esp)
	popl	%eax
	addl	$4, %esp
	popfl
	ret

/* rt_idt_set(eax = vector, edx = handler): install an interrupt gate. */
	.globl rt_idt_set
rt_idt_set:
	leal	idt(,%eax,8), %ecx
	movw	%dx, (%ecx)
	movw	$GUEST_SEL_CODE32, 2(%ecx)
	shrl	$16, %edx
	movw	$GATE_INTR32, 4(%ecx)
	movw	%dx, 6(%ecx)
	ret

/* rt_idt_init(): every vector to its stub, then load the IDT. */
	.globl rt_idt_init
rt_idt_init:
	pushl	%ebx
	xorl	%ebx, %ebx
1:	movl	%ebx, %eax
	movl	%ebx, %edx
	shll	$4, %edx
	addl	$stubs, %edx
	call	rt_idt_set
	incl	%ebx
	cmpl	$IDT_VECTORS, %ebx
	jb	1b
	lidt	idt_desc
	popl	%ebx
	ret

/*
 * One stub per vector, STUB_STRIDE bytes apart: push the vector number
 * (an error code the CPU may have pushed below it does not matter, as
 * the run ends here).
 */
	.balign	STUB_STRIDE
stubs:
	.set	vec, 0
	.rept	IDT_VECTORS
	.balign	STUB_STRIDE
	pushl	$vec
	jmp	unexpected
	.set	vec, vec + 1
	.endr

unexpected:
	popl	%eax
	orl	$GUEST_FAIL_EXCEPTION, %eax
	jmp	rt_exit

	.section .rodata
	.balign	8
idt_desc:
	.word	IDT_VECTORS * 8 - 1
	.long	idt

	.bss
	.balign	8
idt:
	.skip	IDT_VECTORS * 8
