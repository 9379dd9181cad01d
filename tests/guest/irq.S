/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq: 32-bit guest taking a device interrupt through KVM's in-kernel
 * irqchip, the 8259 pair or the IOAPIC and local APIC (irqchip32.S),
 * edge- or level-triggered.
 *
 * The device (guest_abi.h, IRQDEV_*) raises its line while STATUS &
 * ENABLE. Each round: raise the source (SET), wait with sti; hlt, then
 * keep reading STATUS with interrupts enabled for IRQ_SETTLE reads, so
 * that an interrupt that should not come has the chance to.
 *  - level: the handler leaves the source pending and EOIs, so the line
 *    must fire again, until its IRQ_FIRES-th entry clears the source
 *    before the EOI: after that it must not fire.
 *  - edge: the handler only EOIs: the line stays asserted but must not
 *    fire again; the main loop clears the source after settling.
 * Counts per round and in total land in the parameter block, and so does
 * the count of interrupts the test bed delivered inside sti's shadow.
 */
#include "guest_abi.h"
#include "rt32.h"

#define P(field)	(GUEST_PARAM_ADDR + IRQ_##field)

	.code32
	.section .text.entry, "ax"
	.globl	_start
_start:
	call	rt_idt_init
	call	check_params
	movl	P(PIN), %eax
	addl	$GUEST_IRQ_PIC_BASE, %eax
	cmpl	$GUEST_IRQ_PIC, P(CTRL)
	je	1f
	addl	$GUEST_IRQ_IOAPIC_BASE - GUEST_IRQ_PIC_BASE, %eax
1:	movl	$handler, %edx
	call	rt_idt_set
	movl	P(PIN), %eax
	movl	P(LEVEL), %edx
	cmpl	$GUEST_IRQ_PIC, P(CTRL)
	jne	1f
	call	rt_pic_init
	jmp	2f
1:	call	rt_ioapic_init
2:	movl	P(DEV_PORT), %edx
	addl	$IRQDEV_ENABLE, %edx
	movl	$1, %eax
	outl	%eax, %dx

	xorl	%esi, %esi			/* round */
round:
	cmpl	P(ROUNDS), %esi
	jae	finish
	movl	%esi, cur_round
	movl	$0, P(CLEARED)
	movl	P(DEV_PORT), %edx
	addl	$IRQDEV_SET, %edx
	movl	$1, %eax
	outl	%eax, %dx

	/*
	 * sti; hlt: the interrupt can only arrive in the hlt (but for the
	 * test bed's lost shadow: the handler).
	 */
wait:	cmpl	$0, P(LEVEL)
	je	1f
	cmpl	$0, P(CLEARED)
	jne	settle
	jmp	2f
1:	cmpl	$0, P(PER_ROUND)(,%esi,4)
	jne	settle
2:	sti
halt:	hlt
	cli
	jmp	wait

settle:
	sti
	movl	P(SETTLE), %ecx
	movl	P(DEV_PORT), %edx		/* + IRQDEV_STATUS */
	jecxz	2f
1:	inl	%dx, %eax
	loop	1b
2:	cli
	cmpl	$0, P(LEVEL)
	jne	1f
	movl	$1, %eax			/* edge: clear it now */
	outl	%eax, %dx
1:	incl	%esi
	jmp	round

finish:
	movl	P(DEV_PORT), %edx
	addl	$IRQDEV_ENABLE, %edx
	xorl	%eax, %eax
	outl	%eax, %dx
	movl	$GUEST_PASS, %eax
	jmp	rt_exit

/*
 * The device's handler: count, note an entry with nothing pending, clear
 * the source on a level line's last expected entry, EOI.
 */
handler:
	pushal
	rt_past_hlt halt, P(SHADOW)
	incl	P(COUNT)
	movl	cur_round, %eax
	incl	P(PER_ROUND)(,%eax,4)
	movl	P(PER_ROUND)(,%eax,4), %ebx
	movl	P(DEV_PORT), %edx		/* + IRQDEV_STATUS */
	inl	%dx, %eax
	testl	$1, %eax
	jnz	1f
	incl	P(SPURIOUS)
1:	cmpl	$0, P(LEVEL)
	je	eoi
	cmpl	P(FIRES), %ebx
	jb	eoi
	movl	$1, %eax
	outl	%eax, %dx
	movl	$1, P(CLEARED)
eoi:	cmpl	$GUEST_IRQ_PIC, P(CTRL)
	jne	1f
	movl	P(PIN), %eax
	call	rt_pic_eoi
	jmp	2f
1:	call	rt_lapic_eoi
2:	popal
	jmp	rt_iret

/* Reject parameters the code below cannot honour. */
check_params:
	cmpl	$GUEST_IRQ_IOAPIC, P(CTRL)
	ja	bad_param
	movl	$GUEST_IRQ_IOAPIC_PINS, %eax		/* flags still from the cmp */
	je	1f
	movl	$GUEST_IRQ_PIC_PINS, %eax
1:	cmpl	%eax, P(PIN)
	jae	bad_param
	cmpl	$GUEST_IRQ_PIC, P(CTRL)
	jne	1f
	cmpl	$GUEST_IRQ_PIC_CASCADE, P(PIN)
	je	bad_param
1:	cmpl	$GUEST_IRQ_MAX_ROUNDS, P(ROUNDS)
	ja	bad_param
	cmpl	$1, P(LEVEL)
	ja	bad_param
	cmpl	$0, P(FIRES)
	je	bad_param
	cmpl	$0x10000 - IRQDEV_SIZE, P(DEV_PORT)
	ja	bad_param
	ret

bad_param:
	movl	$GUEST_FAIL_BADPARAM, %eax
	jmp	rt_exit

	.bss
	.balign	4
cur_round:
	.long	0
