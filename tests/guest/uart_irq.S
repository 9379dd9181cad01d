/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uart_irq: 32-bit guest sending a text through a 16550 the way an
 * interrupt-driven serial driver does, on an edge-triggered PIC line
 * (COM1 is IRQ 4 on a PC). Enabling IER THRI raises the line at once
 * (the transmitter has room); every interrupt, the handler checks IIR,
 * writes up to UIRQ_BURST bytes while LSR THRE says there is room, and
 * re-arms: an edge line that stays high never fires again, so the
 * handler drops IER THRI and sets it again for a fresh edge, or leaves
 * it off once the text is out. The main loop sleeps in hlt meanwhile.
 */
#include "guest_abi.h"
#include "rt32.h"
#include "uart16550.h"

#define P(field)	(GUEST_PARAM_ADDR + UIRQ_##field)
#define DIVISOR		1		/* 115200 baud */

/*
 * One trace entry (guest_abi.h, UIRQ_TRACE) of kind with value val (a
 * register other than eax and edi), when the VMM asked for a trace.
 */
.macro	trace kind, val
	pushl	\val
	pushl	%edi
	pushl	%eax
	movl	P(TRACE), %edi
	testl	%edi, %edi
	jz	9f
	movl	(%edi), %eax
	cmpl	$UIRQ_TRACE_MAX, %eax
	jae	9f
	incl	(%edi)
	shll	$4, %eax
	leal	4(%edi,%eax), %edi
	movl	$\kind, (%edi)
	movl	P(SENT), %eax
	movl	%eax, 4(%edi)
	movl	8(%esp), %eax
	movl	%eax, 8(%edi)
	movl	%esp, 12(%edi)
9:	popl	%eax
	popl	%edi
	addl	$4, %esp
.endm

	.code32
	.section .text.entry, "ax"
	.globl	_start
_start:
	call	rt_idt_init
	movl	P(BASE), %ebx
	cmpl	$0x10000 - 8, %ebx
	ja	bad_param
	cmpl	$GUEST_IRQ_PIC_PINS, P(PIN)
	jae	bad_param
	cmpl	$GUEST_IRQ_PIC_CASCADE, P(PIN)
	je	bad_param
	cmpl	$0, P(BURST)
	je	bad_param
	movl	P(TEXT), %eax
	movl	P(LEN), %edx
	call	rt_check_data

	movl	P(PIN), %eax
	addl	$GUEST_IRQ_PIC_BASE, %eax
	movl	$handler, %edx
	call	rt_idt_set
	movl	P(PIN), %eax
	xorl	%edx, %edx			/* edge */
	call	rt_pic_init
	movl	$DIVISOR, %eax
	call	rt_uart_init

	/* Start transmitting: THRI fires as soon as interrupts are on. */
	uart_out IER, $IER_THRI
wait:	movl	P(SENT), %eax
	cmpl	P(LEN), %eax
	jae	done
	sti
halt:	hlt
	cli
	jmp	wait

done:	movl	$GUEST_PASS, %eax
	jmp	rt_exit

/*
 * The UART's handler. A spurious entry (IIR: nothing pending) is counted
 * and only EOId, as a driver's handler returns IRQ_NONE. An entry that
 * the PIC does not hold in service is counted as unacked: the CPU took
 * the vector without the PIC delivering it. Both, and interrupts taken
 * in sti's shadow, are what the nested test bed does now and then
 * (Documentation/guests.rst, "The nested test bed's interrupts").
 */
handler:
	pushal
	movl	32(%esp), %ecx
	trace	UIRQ_TRACE_ENTRY, %ecx
	/*
	 * An interrupt gate clears IF, so nothing can enter the handler
	 * while it runs: an entry that does is the test bed delivering a
	 * vector a second time (Documentation/guests.rst). Running the
	 * burst again from inside the first one would send bytes twice;
	 * count it and return to where it struck, IF still clear.
	 */
	cmpl	$0, P(BUSY)
	je	1f
	incl	P(NESTED)
	popal
	jmp	rt_iret
1:	movl	$1, P(BUSY)
	rt_past_hlt halt, P(SHADOW)
	movl	P(PIN), %eax
	call	rt_pic_in_service
	testl	%eax, %eax
	jnz	1f
	incl	P(UNACKED)
1:	movl	P(BASE), %ebx
	incl	P(IRQS)
	uart_in	IIR
	testb	$IIR_NO_INT, %al
	jz	1f
	incl	P(IDLE)
	jmp	eoi
1:	andb	$IIR_ID, %al
	cmpb	$IIR_THRI, %al
	je	1f
	incl	P(BAD_IIR)
1:	movl	P(LEN), %ecx
	subl	P(SENT), %ecx
	cmpl	P(BURST), %ecx
	jbe	1f
	movl	P(BURST), %ecx
1:	movl	P(TEXT), %esi
	addl	P(SENT), %esi
	jecxz	tx
	incl	P(BURSTS)
tx:	jecxz	rearm
	uart_in	LSR
	testb	$LSR_THRE, %al
	jnz	1f
	incl	P(FULL)
	jmp	rearm
1:	trace	UIRQ_TRACE_BYTE, %esi
	uart_out THR, (%esi)
	incl	%esi
	incl	P(SENT)
	decl	%ecx
	jmp	tx

rearm:	uart_out IER, $0
	movl	P(SENT), %eax
	cmpl	P(LEN), %eax
	jae	eoi
	uart_out IER, $IER_THRI
eoi:	trace	UIRQ_TRACE_EOI, %ecx
	movl	P(PIN), %eax
	call	rt_pic_eoi
	movl	$0, P(BUSY)
	popal
	jmp	rt_iret

bad_param:
	movl	$GUEST_FAIL_BADPARAM, %eax
	jmp	rt_exit
