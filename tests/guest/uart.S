/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uart: 32-bit guest printing a text through an 8250/16550 UART the way
 * a polling console driver does: program the divisor latch (DLAB), line
 * and FIFO control, probe the scratch register, then for every byte wait
 * for LSR THRE and write THR; finally wait for LSR TEMT. Every wait is
 * bounded by UART_POLL_MAX LSR reads. Reads back LCR, the divisor latch
 * and SCR into the parameter block for the VMM to compare with its state.
 */
#include "guest_abi.h"
#include "uart16550.h"

#define P(field)	(GUEST_PARAM_ADDR + UART_##field)

	.code32
	.section .text.entry, "ax"
	.globl	_start
_start:
	call	rt_idt_init
	/* Port window below 0x10000, the text inside the data area. */
	movl	P(BASE), %ebx
	cmpl	$0x10000 - 8, %ebx
	ja	bad_param
	cmpl	$0, P(POLL_MAX)
	je	bad_param
	movl	P(TEXT), %eax
	movl	P(LEN), %edx
	call	rt_check_data

	movl	P(DIVISOR), %eax
	call	rt_uart_init
	movl	P(TEXT), %esi
	movl	P(LEN), %ecx

	/* A UART is there if its scratch register holds a value. */
	uart_out SCR, $UART_SCR_PATTERN
	uart_in	SCR
	cmpb	$UART_SCR_PATTERN, %al
	jne	mismatch

tx:	jecxz	drained
	movb	$LSR_THRE, %ah
	call	wait_lsr
	uart_out THR, (%esi)
	incl	%esi
	decl	%ecx
	jmp	tx

drained:
	movb	$LSR_TEMT, %ah
	call	wait_lsr

	/* Read the programmed state back. */
	uart_in	LCR
	movzbl	%al, %eax
	movl	%eax, P(LCR_OUT)
	uart_out LCR, $(UART_LCR_8N1 | LCR_DLAB)
	uart_in	DLM
	movb	%al, %ah
	uart_in	DLL
	movzwl	%ax, %eax
	movl	%eax, P(DIVISOR_OUT)
	uart_out LCR, $UART_LCR_8N1
	uart_in	SCR
	movzbl	%al, %eax
	movl	%eax, P(SCR_OUT)
	movl	$GUEST_PASS, %eax
	jmp	rt_exit

/* Wait until LSR has a bit of %ah set, at most UART_POLL_MAX reads. */
wait_lsr:
	pushl	%ecx
	movl	P(POLL_MAX), %ecx
1:	uart_in	LSR
	incl	P(POLLS)
	testb	%ah, %al
	jnz	2f
	loop	1b
	movl	$GUEST_FAIL_TIMEOUT, %eax
	jmp	rt_exit
2:	popl	%ecx
	ret

mismatch:
	movl	$GUEST_FAIL_MISMATCH, %eax
	jmp	rt_exit
bad_param:
	movl	$GUEST_FAIL_BADPARAM, %eax
	jmp	rt_exit
