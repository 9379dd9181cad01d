/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550 set-up shared by the UART guests, as a driver's probe and
 * set_termios do it: 8N1 at a divisor (through the DLAB-banked latch),
 * FIFOs enabled and cleared, DTR, RTS and OUT2 (which gates the IRQ line
 * on a PC), no interrupt enabled.
 */
#include "guest_abi.h"
#include "uart16550.h"

	.code32
	.text

/* rt_uart_init(ebx = base port, eax = divisor); eax, ecx, edx clobbered. */
	.globl rt_uart_init
rt_uart_init:
	movl	%eax, %ecx
	uart_out LCR, $LCR_DLAB
	movb	%cl, %al
	uart_out DLL, %al
	movb	%ch, %al
	uart_out DLM, %al
	uart_out LCR, $UART_LCR_8N1
	uart_out FCR, $UART_FCR_ENABLE_CLEAR
	uart_out MCR, $UART_MCR_DTR_RTS_OUT2
	uart_out IER, $0
	ret
