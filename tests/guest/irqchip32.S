/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt controllers for the 32-bit test guests, programmed as an OS
 * does: the 8259 pair (ICW1-4, IMR, ELCR, non-specific EOI) or the
 * IOAPIC with the local APIC (redirection entry, APIC enable, EOI). KVM
 * emulates all of them in the kernel (KVM_CREATE_IRQCHIP). One device
 * pin is opened; its vector is GUEST_IRQ_PIC_BASE + pin or
 * GUEST_IRQ_IOAPIC_BASE + pin.
 *
 * Calling convention: arguments in eax, edx; eax, ecx, edx clobbered.
 */
#include "guest_abi.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_ELCR	0x4d0
#define PIC_ICW1_INIT	0x11		/* init, ICW4 follows, cascade */
#define PIC_ICW4_8086	0x01
#define PIC_EOI		0x20		/* non-specific EOI */

#define IOAPIC_BASE	0xfec00000
#define IOAPIC_REGSEL	0x00
#define IOAPIC_WIN	0x10
#define IOAPIC_REDTBL	0x10		/* register of pin n: 0x10 + 2n */
#define IOAPIC_LEVEL	(1 << 15)
#define LAPIC_BASE	0xfee00000
#define LAPIC_EOI	0xb0
#define LAPIC_SVR	0xf0
#define LAPIC_LVT0	0x350
#define LAPIC_ENABLE	0x100
#define LAPIC_SPURIOUS	0xff
#define LAPIC_MASKED	(1 << 16)

	.code32
	.text

/*
 * rt_pic_init(eax = pin, edx = level): ICW1-4 on both chips, vectors
 * from GUEST_IRQ_PIC_BASE, every line masked but the pin (and the
 * cascade for a slave pin), the pin level-triggered in ELCR or not.
 */
	.globl rt_pic_init
rt_pic_init:
	pushl	%ebx
	pushl	%esi
	movl	%eax, %ecx
	movl	%edx, %esi
	movb	$PIC_ICW1_INIT, %al
	outb	%al, $PIC1_CMD
	outb	%al, $PIC2_CMD
	movb	$GUEST_IRQ_PIC_BASE, %al
	outb	%al, $PIC1_DATA
	movb	$GUEST_IRQ_PIC_BASE + 8, %al
	outb	%al, $PIC2_DATA
	movb	$1 << GUEST_IRQ_PIC_CASCADE, %al
	outb	%al, $PIC1_DATA
	movb	$GUEST_IRQ_PIC_CASCADE, %al
	outb	%al, $PIC2_DATA
	movb	$PIC_ICW4_8086, %al
	outb	%al, $PIC1_DATA
	outb	%al, $PIC2_DATA
	movl	$1, %ebx
	shll	%cl, %ebx			/* the pin's bit of 16 */
	movl	%ebx, %eax
	cmpl	$8, %ecx
	jb	1f
	orl	$1 << GUEST_IRQ_PIC_CASCADE, %eax
1:	notl	%eax
	outb	%al, $PIC1_DATA
	movb	%ah, %al
	outb	%al, $PIC2_DATA
	xorl	%eax, %eax
	testl	%esi, %esi
	jz	1f
	movl	%ebx, %eax
1:	movw	$PIC_ELCR, %dx
	outb	%al, %dx
	incl	%edx
	movb	%ah, %al
	outb	%al, %dx
	popl	%esi
	popl	%ebx
	ret

/*
 * rt_pic_in_service(eax = pin): eax = 1 if the PIC has the pin in
 * service (its ISR bit: the PIC delivered that interrupt and waits for
 * its EOI), else 0. OCW3 selects the ISR for one read of the command
 * port, then the IRR again, as after init.
 */
#define PIC_OCW3_ISR	0x0b
#define PIC_OCW3_IRR	0x0a

	.globl rt_pic_in_service
rt_pic_in_service:
	movl	%eax, %ecx
	movw	$PIC1_CMD, %dx
	cmpl	$8, %ecx
	jb	1f
	movw	$PIC2_CMD, %dx
	subl	$8, %ecx
1:	movb	$PIC_OCW3_ISR, %al
	outb	%al, %dx
	inb	%dx, %al
	movzbl	%al, %eax
	shrl	%cl, %eax
	andl	$1, %eax
	movl	%eax, %ecx
	movb	$PIC_OCW3_IRR, %al
	outb	%al, %dx
	movl	%ecx, %eax
	ret

/* rt_pic_eoi(eax = pin): EOI to the slave for its pins, then the master. */
	.globl rt_pic_eoi
rt_pic_eoi:
	cmpl	$8, %eax
	movb	$PIC_EOI, %al
	jb	1f
	outb	%al, $PIC2_CMD
1:	outb	%al, $PIC1_CMD
	ret

/*
 * rt_ioapic_init(eax = pin, edx = level): the PIC fully masked and the
 * LAPIC's LINT0 too (KVM starts with the PIC unmasked and LINT0 in
 * ExtINT mode), the APIC enabled, then the pin's redirection entry to
 * APIC 0, unmasked last.
 */
	.globl rt_ioapic_init
rt_ioapic_init:
	movl	%eax, %ecx
	movb	$0xff, %al
	outb	%al, $PIC1_DATA
	outb	%al, $PIC2_DATA
	movl	$LAPIC_MASKED, LAPIC_BASE + LAPIC_LVT0
	movl	$LAPIC_ENABLE | LAPIC_SPURIOUS, LAPIC_BASE + LAPIC_SVR
	leal	IOAPIC_REDTBL + 1(,%ecx,2), %eax
	movl	%eax, IOAPIC_BASE + IOAPIC_REGSEL
	movl	$0, IOAPIC_BASE + IOAPIC_WIN
	leal	IOAPIC_REDTBL(,%ecx,2), %eax
	movl	%eax, IOAPIC_BASE + IOAPIC_REGSEL
	leal	GUEST_IRQ_IOAPIC_BASE(%ecx), %eax
	testl	%edx, %edx
	jz	1f
	orl	$IOAPIC_LEVEL, %eax
1:	movl	%eax, IOAPIC_BASE + IOAPIC_WIN
	ret

/* rt_lapic_eoi(): EOI to the local APIC (the IOAPIC hears of it). */
	.globl rt_lapic_eoi
rt_lapic_eoi:
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret
