/* SPDX-License-Identifier: GPL-2.0 */
/*
 * race: 64-bit guest for the race tests. Every vCPU of the VM runs it at
 * once: a table of accesses (RACE_* in guest_abi.h) in a loop, round
 * after round, while the VMM changes the devices under it. Each vCPU
 * gets its index in %rdi (minivm), has its own stack, makes every access
 * at addr + index * stride and keeps its own counters, so the vCPUs
 * share nothing but the table and the devices.
 *
 * Reads are checked as they come back: a register that must hold a
 * value (RACE_READ), what this vCPU wrote in this round (RACE_READBACK),
 * a transient device's generation marker (RACE_MARKER), which must name
 * a generation the VMM had not destroyed yet when the access began: the
 * VMM publishes the newest destroyed generation in RACE_DEAD once the
 * destroy has returned, and the guest reads it before the access. A
 * marker of that generation or an older one came from a device that no
 * longer existed: stale data. The counters go to the parameter block at
 * the end of every round, where the VMM can watch them.
 *
 * Exits with GUEST_PASS, GUEST_FAIL_MISMATCH (a bad or stale read) or
 * GUEST_FAIL_BADPARAM (vCPU index, table size, space, size, kind, or an
 * access of this vCPU outside its space: 64 KiB of ports, 4 GiB mapped).
 */
#include "guest_abi.h"

#define P(field)	(GUEST_PARAM_ADDR + RACE_##field)

#define INDEX		%rdi		/* this vCPU */
#define VC		%r15		/* its counter block */
#define OP		%rbx		/* the table entry */
#define LEFT		%r14d		/* entries left in this round */
#define ROUNDS		%r8
#define ACCESSES	%r9
#define BAD		%r10
#define HITS		%r11
#define GONE		%r12
#define STALE		%r13
#define DEAD		%ebp		/* RACE_DEAD before the access */

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cmpq	$RACE_MAX_VCPUS, INDEX
	jae	bad_param
	movq	INDEX, VC
	shlq	$6, VC				/* * RACE_V_SIZEOF */
	addq	$P(VCPU), VC
	movl	P(NR_OPS), %ecx
	testl	%ecx, %ecx
	jz	bad_param
	cmpl	$RACE_MAX_OPS, %ecx
	ja	bad_param
	movq	$P(OPS), OP
1:	call	check_op
	addq	$RACE_OP_SIZEOF, OP
	decl	%ecx
	jnz	1b

	xorl	%eax, %eax
	movq	%rax, ROUNDS
	movq	%rax, ACCESSES
	movq	%rax, BAD
	movq	%rax, HITS
	movq	%rax, GONE
	movq	%rax, STALE
	movl	%eax, RACE_V_FIRST_OP(VC)
	movl	%eax, RACE_V_FIRST_DEAD(VC)
	movq	%rax, RACE_V_FIRST_VALUE(VC)
	call	store

round:
	movq	$P(OPS), OP
	movl	P(NR_OPS), LEFT
next:
	call	do_op
	incq	ACCESSES
	addq	$RACE_OP_SIZEOF, OP
	decl	LEFT
	jnz	next
	incq	ROUNDS
	call	store
	cmpl	$0, P(STOP)
	jne	finish
	movl	P(MAX_ROUNDS), %eax
	testl	%eax, %eax
	jz	round
	cmpq	%rax, ROUNDS
	jb	round

finish:
	movl	$GUEST_PASS, %eax
	movq	BAD, %rcx
	orq	STALE, %rcx
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

/* The counters, for the VMM: aligned 8-byte stores, never torn. */
store:
	movq	ROUNDS, RACE_V_ROUNDS(VC)
	movq	ACCESSES, RACE_V_ACCESSES(VC)
	movq	BAD, RACE_V_BAD(VC)
	movq	HITS, RACE_V_HITS(VC)
	movq	GONE, RACE_V_GONE(VC)
	movq	STALE, RACE_V_STALE(VC)
	ret

/*
 * The entry at OP is well-formed and this vCPU's access stays inside its
 * space; else the run ends with GUEST_FAIL_BADPARAM. Keeps %ecx.
 */
check_op:
	movzbl	RACE_OP_SPACE(OP), %eax
	cmpl	$GUEST_SPACE_MMIO, %eax
	ja	bad_param
	movzbl	RACE_OP_SIZE(OP), %edx
	testl	%edx, %edx
	jz	bad_param
	leal	-1(%rdx), %esi
	testl	%edx, %esi			/* a power of two ... */
	jnz	bad_param
	cmpl	$8, %edx			/* ... up to 8 ... */
	ja	bad_param
	testl	%eax, %eax
	jnz	1f
	cmpl	$4, %edx			/* ... and 4 for ports */
	ja	bad_param
1:	movzbl	RACE_OP_KIND(OP), %esi
	cmpl	$RACE_POKE, %esi
	ja	bad_param
	cmpl	$RACE_MARKER, %esi
	jne	2f
	cmpl	$4, %edx			/* markers: 4 or 8 bytes */
	jb	bad_param
2:	movl	RACE_OP_STRIDE(OP), %esi
	imulq	INDEX, %rsi
	addq	RACE_OP_ADDR(OP), %rsi
	jc	bad_param
	addq	%rdx, %rsi			/* the end of the access */
	jc	bad_param
	movl	$0x10000, %edx
	testl	%eax, %eax
	jz	3f
	movq	$GUEST_PT_MAPPED, %rdx
3:	cmpq	%rdx, %rsi
	ja	bad_param
	ret

/*
 * One entry: %rdx its address for this vCPU, %ecx the accessor index
 * (space * 4 + log2(size)), then the kind's code, which returns.
 */
do_op:
	movl	P(DEAD), DEAD
	movzbl	RACE_OP_SIZE(OP), %ecx
	bsfl	%ecx, %ecx
	movzbl	RACE_OP_SPACE(OP), %eax
	leal	(%rcx,%rax,4), %ecx
	movl	RACE_OP_STRIDE(OP), %edx
	imulq	INDEX, %rdx
	addq	RACE_OP_ADDR(OP), %rdx
	movzbl	RACE_OP_KIND(OP), %eax
	jmp	*kinds(,%rax,8)

op_read:
	call	*reads(,%rcx,8)
	movq	RACE_OP_VALUE(OP), %rsi
	jmp	1f
op_readback:
	call	*reads(,%rcx,8)
	movq	RACE_OP_VALUE(OP), %rsi
	xorq	ROUNDS, %rsi
1:	andq	masks(,%rcx,8), %rsi
	cmpq	%rsi, %rax
	jne	2f
	ret
2:	incq	BAD
	jmp	note

op_write:
	movq	RACE_OP_VALUE(OP), %rax
	xorq	ROUNDS, %rax
	jmp	*writes(,%rcx,8)
op_poke:
	movq	RACE_OP_VALUE(OP), %rax
	jmp	*writes(,%rcx,8)

op_marker:
	call	*reads(,%rcx,8)
	cmpq	masks(,%rcx,8), %rax
	je	3f
	movl	%eax, %esi
	andl	$RACE_MARK_MASK, %esi
	movl	RACE_OP_VALUE(OP), %edx
	andl	$RACE_MARK_MASK, %edx
	cmpl	%edx, %esi
	jne	4f
	movl	%eax, %esi
	andl	$RACE_GEN_MASK, %esi
	cmpl	DEAD, %esi			/* destroyed already */
	jbe	4f
	cmpl	$2, %ecx			/* PIO 4 */
	je	1f
	cmpl	$6, %ecx			/* MMIO 4 */
	je	1f
	movq	%rax, %rdx			/* MMIO 8: both halves */
	shrq	$32, %rdx
	cmpl	%eax, %edx
	jne	4f
1:	incq	HITS
	ret
3:	incq	GONE
	ret
4:	incq	STALE
	/* fall through */

/* The first bad or stale read: which entry, what it read, RACE_DEAD. */
note:
	cmpl	$0, RACE_V_FIRST_OP(VC)
	jne	1f
	movl	P(NR_OPS), %edx
	subl	LEFT, %edx
	incl	%edx
	movl	%edx, RACE_V_FIRST_OP(VC)
	movl	DEAD, RACE_V_FIRST_DEAD(VC)
	movq	%rax, RACE_V_FIRST_VALUE(VC)
1:	ret

/* Accessors: address in %rdx; reads return the value zero-extended. */
pio_r1:	xorl	%eax, %eax
	inb	%dx, %al
	ret
pio_r2:	xorl	%eax, %eax
	inw	%dx, %ax
	ret
pio_r4:	inl	%dx, %eax
	ret
pio_w1:	outb	%al, %dx
	ret
pio_w2:	outw	%ax, %dx
	ret
pio_w4:	outl	%eax, %dx
	ret
mmio_r1: movzbl	(%rdx), %eax
	ret
mmio_r2: movzwl	(%rdx), %eax
	ret
mmio_r4: movl	(%rdx), %eax
	ret
mmio_r8: movq	(%rdx), %rax
	ret
mmio_w1: movb	%al, (%rdx)
	ret
mmio_w2: movw	%ax, (%rdx)
	ret
mmio_w4: movl	%eax, (%rdx)
	ret
mmio_w8: movq	%rax, (%rdx)
	ret

	.section .rodata
	.balign	8
kinds:
	.quad	op_read, op_write, op_readback, op_marker, op_poke
/* By accessor index; PIO of 8 bytes is refused by check_op. */
reads:
	.quad	pio_r1, pio_r2, pio_r4, bad_param
	.quad	mmio_r1, mmio_r2, mmio_r4, mmio_r8
writes:
	.quad	pio_w1, pio_w2, pio_w4, bad_param
	.quad	mmio_w1, mmio_w2, mmio_w4, mmio_w8
masks:
	.quad	0xff, 0xffff, 0xffffffff, 0
	.quad	0xff, 0xffff, 0xffffffff, 0xffffffffffffffff
