/* SPDX-License-Identifier: GPL-2.0 */
/*
 * access: 64-bit guest that performs a table of single accesses written
 * by the VMM into its parameter block, one instruction each, the way a
 * driver's inb/outw/readl/writeq do: PIO of 1, 2 and 4 bytes and MMIO of
 * 1, 2, 4 and 8 bytes (long mode, so an 8-byte access is one plain mov).
 * Every value read is stored back into the table; reads marked "check"
 * must return the expected value. The guest runs the whole table and
 * exits with GUEST_FAIL_MISMATCH if any check failed (the index of the
 * first one in ACCESS_FAILED), GUEST_FAIL_BADPARAM for a malformed entry.
 */
#include "guest_abi.h"

#define PARAMS		%r14
#define OP		%rbx
#define INDEX		%r12d
#define NR_OPS		%r13d

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	movl	$GUEST_PARAM_ADDR, %r14d
	movl	ACCESS_NR_OPS(PARAMS), NR_OPS
	cmpl	$ACCESS_MAX_OPS, NR_OPS
	ja	bad_param
	leaq	ACCESS_OPS(PARAMS), OP
	xorl	INDEX, INDEX

next:
	cmpl	NR_OPS, INDEX
	jae	finish
	/* Handler index: space << 3 | write << 2 | log2(size). */
	movzbl	ACCESS_OP_SIZE(OP), %ecx
	leal	-1(%rcx), %eax
	testl	%ecx, %eax			/* a power of two ... */
	jnz	bad_param
	cmpl	$8, %ecx			/* ... from 1 to 8 */
	ja	bad_param
	bsfl	%ecx, %ecx			/* ZF for a size of 0 */
	jz	bad_param
	movzbl	ACCESS_OP_WRITE(OP), %eax
	cmpl	$1, %eax
	ja	bad_param
	leal	(%rcx,%rax,4), %ecx
	movzbl	ACCESS_OP_SPACE(OP), %eax
	cmpl	$GUEST_SPACE_MMIO, %eax
	ja	bad_param
	leal	(%rcx,%rax,8), %ecx
	/* Ports fit 16 bits, addresses the identity-mapped 4 GiB. */
	movq	ACCESS_OP_ADDR(OP), %rdx
	movq	%rdx, %rax
	shrq	$16, %rax
	cmpl	$8, %ecx			/* handlers 0-7: PIO */
	jb	1f
	shrq	$16, %rax
1:	testq	%rax, %rax
	jnz	bad_param
	movq	ACCESS_OP_VALUE(OP), %rax
	jmp	*handlers(,%rcx,8)

pio_r1:	inb	%dx, %al
	movzbl	%al, %eax
	jmp	got
pio_r2:	inw	%dx, %ax
	movzwl	%ax, %eax
	jmp	got
pio_r4:	inl	%dx, %eax
	jmp	got
pio_w1:	outb	%al, %dx
	jmp	done
pio_w2:	outw	%ax, %dx
	jmp	done
pio_w4:	outl	%eax, %dx
	jmp	done

mmio_r1: movzbl	(%rdx), %eax
	jmp	got
mmio_r2: movzwl	(%rdx), %eax
	jmp	got
mmio_r4: movl	(%rdx), %eax
	jmp	got
mmio_r8: movq	(%rdx), %rax
	jmp	got
mmio_w1: movb	%al, (%rdx)
	jmp	done
mmio_w2: movw	%ax, (%rdx)
	jmp	done
mmio_w4: movl	%eax, (%rdx)
	jmp	done
mmio_w8: movq	%rax, (%rdx)
	jmp	done

got:
	movq	%rax, ACCESS_OP_GOT(OP)
	cmpb	$0, ACCESS_OP_CHECK(OP)
	je	done
	cmpq	ACCESS_OP_VALUE(OP), %rax
	je	done
	cmpl	$0, ACCESS_FAILED(PARAMS)
	jne	done
	leal	1(INDEX), %eax
	movl	%eax, ACCESS_FAILED(PARAMS)
done:
	incl	INDEX
	movl	INDEX, ACCESS_DONE(PARAMS)
	addq	$ACCESS_OP_SIZEOF, OP
	jmp	next

finish:
	movl	$GUEST_PASS, %eax
	cmpl	$0, ACCESS_FAILED(PARAMS)
	je	exit
	movl	$GUEST_FAIL_MISMATCH, %eax
	jmp	exit
bad_param:
	movl	$GUEST_FAIL_BADPARAM, %eax
exit:
	movw	$GUEST_PORT_EXIT, %dx
	outl	%eax, %dx
1:	cli
	hlt
	jmp	1b

	.section .rodata
	.balign	8
handlers:
	.quad	pio_r1, pio_r2, pio_r4, bad_param
	.quad	pio_w1, pio_w2, pio_w4, bad_param
	.quad	mmio_r1, mmio_r2, mmio_r4, mmio_r8
	.quad	mmio_w1, mmio_w2, mmio_w4, mmio_w8
