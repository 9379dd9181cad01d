/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8250/16550 as the guests' drivers know it: register offsets, bits
 * and the byte accessors (assembler only). The UART's base port is in
 * %ebx wherever these are used.
 */
#ifndef VMDEV_TESTS_GUEST_UART16550_H
#define VMDEV_TESTS_GUEST_UART16550_H

#define THR		0
#define DLL		0
#define IER		1
#define DLM		1
#define IIR		2
#define FCR		2
#define LCR		3
#define MCR		4
#define LSR		5
#define SCR		7
#define LCR_DLAB	0x80
#define IER_THRI	0x02
#define IIR_NO_INT	0x01
#define IIR_ID		0x0f
#define IIR_THRI	0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#ifdef __ASSEMBLER__
/* outb val to register reg of the UART at %ebx; clobbers al, edx. */
.macro	uart_out reg, val
	leal	\reg(%ebx), %edx
	movb	\val, %al
	outb	%al, %dx
.endm

/* inb register reg of the UART at %ebx into al; clobbers edx. */
.macro	uart_in reg
	leal	\reg(%ebx), %edx
	inb	%dx, %al
.endm
#endif

#endif /* VMDEV_TESTS_GUEST_UART16550_H */
