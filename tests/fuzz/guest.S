/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz guest (64-bit): random accesses in the windows of its
 * parameter block, forever (tests/fuzz/guest.h). The fuzzer's runner
 * thread keeps it inside VMDEV_RUN while other threads create and
 * destroy the devices it hits, so the run loop completes accesses of
 * every size and string PIO against a bus that changes under it. It
 * never ends by itself: signals and immediate_exit take the vCPU out.
 * A malformed parameter block ends it with GUEST_FAIL_BADPARAM.
 */
#include "guest_abi.h"
#include "guest.h"

#define P		%r14		/* parameter block */
#define X		%r15		/* generator state */
#define NWIN		%r13		/* windows */

	.code64
	.section .text.entry, "ax"
	.globl	_start
_start:
	cld
	movl	$GUEST_PARAM_ADDR, %r14d
	movq	FZG_SEED(P), X
	testq	X, X
	jnz	1f
	movabsq	$0x9e3779b97f4a7c15, X
1:	movl	FZG_NR_WIN(P), %r13d
	testl	%r13d, %r13d
	jz	bad_param
	cmpl	$FZG_MAX_WIN, %r13d
	ja	bad_param

next:
	/* xorshift64 */
	movq	X, %rax
	shlq	$13, %rax
	xorq	%rax, X
	movq	X, %rax
	shrq	$7, %rax
	xorq	%rax, X
	movq	X, %rax
	shlq	$17, %rax
	xorq	%rax, X

	/* The window: (X >> 32) * windows >> 32. */
	movq	X, %rax
	shrq	$32, %rax
	imulq	NWIN, %rax
	shrq	$32, %rax
	imulq	$FZG_WIN_SIZEOF, %rax, %rax
	leaq	FZG_WIN(P,%rax), %rbx
	/* The offset: (X mod 2^32) * len >> 32, so below len. */
	movl	%r15d, %eax
	mulq	FZG_WIN_LEN(%rbx)
	shrdq	$32, %rdx, %rax
	addq	FZG_WIN_BASE(%rbx), %rax
	movq	%rax, %rdx

	/* The value: X turned, or 0 to 3 a quarter of the time. */
	movq	X, %rax
	rorq	$21, %rax
	testl	$0x3000, %r15d
	jnz	2f
	andl	$3, %eax
2:
	/* The kind: 3 bits of X, MMIO kinds after the PIO ones. */
	movq	X, %rcx
	shrq	$40, %rcx
	andl	$7, %ecx
	movl	FZG_WIN_SPACE(%rbx), %esi
	andl	$1, %esi
	leal	(%rcx,%rsi,8), %ecx
	/* Aligned to its size three times out of four, as drivers do. */
	testl	$0xc0000000, %r15d
	jz	3f
	andq	align(,%rcx,8), %rdx
3:	jmp	*kinds(,%rcx,8)

pio_r1:	inb	%dx, %al
	jmp	done
pio_r2:	inw	%dx, %ax
	jmp	done
pio_r4:	inl	%dx, %eax
	jmp	done
pio_w1:	outb	%al, %dx
	jmp	done
pio_w2:	outw	%ax, %dx
	jmp	done
pio_w4:	outl	%eax, %dx
	jmp	done

/* String PIO: 1 to FZG_STRIO_MAX elements of 1, 2 or 4 bytes. */
strio_count:
	movq	X, %rcx
	shrq	$48, %rcx
	andl	$(FZG_STRIO_MAX - 1), %ecx
	incl	%ecx
	movq	X, %rax
	shrq	$56, %rax
	andl	$3, %eax
	ret
pio_ins:
	call	strio_count
	movl	$GUEST_DATA_ADDR, %edi
	testl	%eax, %eax
	jz	3f
	cmpl	$1, %eax
	je	4f
	rep insl
	jmp	done
3:	rep insb
	jmp	done
4:	rep insw
	jmp	done
pio_outs:
	/*
	 * KVM exits once per element of a rep outs (and reads ahead for a
	 * rep ins): fewer elements, or they would be most of the exits.
	 */
	call	strio_count
	andl	$(FZG_OUTS_MAX - 1), %ecx
	incl	%ecx
	movl	$GUEST_DATA_ADDR, %esi
	testl	%eax, %eax
	jz	3f
	cmpl	$1, %eax
	je	4f
	rep outsl
	jmp	done
3:	rep outsb
	jmp	done
4:	rep outsw
	jmp	done

mmio_r1: movb	(%rdx), %al
	jmp	done
mmio_r2: movw	(%rdx), %ax
	jmp	done
mmio_r4: movl	(%rdx), %eax
	jmp	done
mmio_r8: movq	(%rdx), %rax
	jmp	done
mmio_w1: movb	%al, (%rdx)
	jmp	done
mmio_w2: movw	%ax, (%rdx)
	jmp	done
mmio_w4: movl	%eax, (%rdx)
	jmp	done
mmio_w8: movq	%rax, (%rdx)

done:
	incq	FZG_ITERS(P)
	jmp	next

bad_param:
	movl	$GUEST_FAIL_BADPARAM, %eax
	movw	$GUEST_PORT_EXIT, %dx
	outl	%eax, %dx
1:	cli
	hlt
	jmp	1b

	.section .rodata
	.balign	8
kinds:
	.quad	pio_r1, pio_r2, pio_r4, pio_w1, pio_w2, pio_w4, pio_ins, pio_outs
	.quad	mmio_r1, mmio_r2, mmio_r4, mmio_r8
	.quad	mmio_w1, mmio_w2, mmio_w4, mmio_w8
align:
	.quad	~0, ~1, ~3, ~0, ~1, ~3, ~0, ~0
	.quad	~0, ~1, ~3, ~7, ~0, ~1, ~3, ~7
