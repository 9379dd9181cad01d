/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench: 64-bit guest that makes BENCH_COUNT accesses of one kind in a
 * tight loop, for the fast-path benchmark (tests/bench/fastpath.c): one
 * space (PIO or MMIO), one size, one direction, one address, all given
 * in the parameter block. Writes store BENCH_VALUE; reads must return it,
 * and the ones that do not are counted (BENCH_MISMATCHES), so a figure
 * is never measured on accesses that went wrong. The loop is the access,
 * a compare for reads and the count: nothing the VMM has to handle but
 * the access itself. Exits with GUEST_PASS, GUEST_FAIL_MISMATCH or
 * GUEST_FAIL_BADPARAM (a size, space or address out of range, a value
 * wider than the size, a count of zero).
 */
#include "guest_abi.h"

#define P(field)	(GUEST_PARAM_ADDR + BENCH_##field)

#define ADDR		%rdx		/* port or address */
#define COUNT		%ecx		/* accesses left */
#define EXPECT		%rsi		/* the value of every access */
#define MISSES		%r8d		/* reads that returned another value */

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	/* Loop index: space << 3 | write << 2 | log2(size), as access.S. */
	movl	P(SIZE), %r9d
	leal	-1(%r9), %eax
	testl	%r9d, %eax			/* a power of two ... */
	jnz	bad_param
	cmpl	$8, %r9d			/* ... from 1 to 8 */
	ja	bad_param
	bsfl	%r9d, %edi			/* ZF for a size of 0 */
	jz	bad_param
	movl	P(WRITE), %eax
	cmpl	$1, %eax
	ja	bad_param
	leal	(%rdi,%rax,4), %edi
	movl	P(SPACE), %eax
	cmpl	$GUEST_SPACE_MMIO, %eax
	ja	bad_param
	leal	(%rdi,%rax,8), %edi

	/* The value fits the size: shift it out, nothing may be left. */
	movq	P(VALUE), EXPECT
	cmpl	$8, %r9d
	je	1f
	leal	(,%r9,8), %ecx
	movq	EXPECT, %rax
	shrq	%cl, %rax
	jnz	bad_param

	/* The access ends within the space: 64 KiB of ports, 4 GiB mapped. */
1:	movq	P(ADDR), ADDR
	movq	ADDR, %rax
	addq	%r9, %rax
	jc	bad_param
	movl	$0x10000, %r10d
	movq	$GUEST_PT_MAPPED, %r11
	testl	$8, %edi			/* MMIO loops are 8-15 */
	cmovnzq	%r11, %r10
	cmpq	%r10, %rax
	ja	bad_param

	movl	P(COUNT), COUNT
	testl	COUNT, COUNT
	jz	bad_param
	xorl	MISSES, MISSES
	movq	EXPECT, %rax
	jmp	*loops(,%rdi,8)

/*
 * One loop per kind, aligned: load or store, compare (reads), count.
 * A read only replaces the low bytes of rax, and only those are
 * compared.
 */
	.macro	read_loop name, load, cmp
	.balign	16
\name:
1:	\load
	\cmp
	je	2f
	incl	MISSES
2:	decl	COUNT
	jnz	1b
	jmp	finish
	.endm

	.macro	write_loop name, store
	.balign	16
\name:
1:	\store
	decl	COUNT
	jnz	1b
	jmp	finish
	.endm

	read_loop	pio_r1, "inb %dx, %al", "cmpb %al, %sil"
	read_loop	pio_r2, "inw %dx, %ax", "cmpw %ax, %si"
	read_loop	pio_r4, "inl %dx, %eax", "cmpl %eax, %esi"
	write_loop	pio_w1, "outb %al, %dx"
	write_loop	pio_w2, "outw %ax, %dx"
	write_loop	pio_w4, "outl %eax, %dx"
	read_loop	mmio_r1, "movb (%rdx), %al", "cmpb %al, %sil"
	read_loop	mmio_r2, "movw (%rdx), %ax", "cmpw %ax, %si"
	read_loop	mmio_r4, "movl (%rdx), %eax", "cmpl %eax, %esi"
	read_loop	mmio_r8, "movq (%rdx), %rax", "cmpq %rax, %rsi"
	write_loop	mmio_w1, "movb %al, (%rdx)"
	write_loop	mmio_w2, "movw %ax, (%rdx)"
	write_loop	mmio_w4, "movl %eax, (%rdx)"
	write_loop	mmio_w8, "movq %rax, (%rdx)"

finish:
	movl	MISSES, P(MISMATCHES)
	movl	$GUEST_PASS, %eax
	testl	MISSES, MISSES
	jz	exit
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
loops:
	.quad	pio_r1, pio_r2, pio_r4, bad_param
	.quad	pio_w1, pio_w2, pio_w4, bad_param
	.quad	mmio_r1, mmio_r2, mmio_r4, mmio_r8
	.quad	mmio_w1, mmio_w2, mmio_w4, mmio_w8
