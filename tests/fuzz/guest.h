/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz guest's parameter block (tests/fuzz/guest.S), at
 * GUEST_PARAM_ADDR, shared by the guest (assembler) and the fuzzer (C).
 *
 * The guest loops forever: each iteration draws a window (a range of
 * one address space), an offset in it, an access kind (PIO: in and out
 * of 1, 2 and 4 bytes, rep ins and rep outs of up to 32 and 8 elements; MMIO:
 * loads and stores of 1, 2, 4 and 8 bytes) and a value, from an
 * xorshift generator seeded by the VMM, and makes the access. A quarter
 * of the values written are 0 to 3, so KVM ioeventfds with datamatch
 * fire too; three quarters of the single accesses are aligned to their
 * size, as drivers make them. FZG_ITERS counts the iterations.
 */
#ifndef VMDEV_FUZZ_GUEST_H
#define VMDEV_FUZZ_GUEST_H

#define FZG_SEED	0	/* u64 generator state; 0 is replaced */
#define FZG_NR_WIN	8	/* u32 windows, 1..FZG_MAX_WIN */
#define FZG_ITERS	16	/* u64 out: iterations so far */
#define FZG_WIN		32	/* struct fz_guest_win[FZG_MAX_WIN] */

#define FZG_WIN_SPACE	0	/* u32 GUEST_SPACE_* */
#define FZG_WIN_BASE	8	/* u64 first port or address */
#define FZG_WIN_LEN	16	/* u64 bytes, 1..2^32 */
#define FZG_WIN_SIZEOF	24

#define FZG_MAX_WIN	32
#define FZG_STRIO_MAX	32	/* elements of one rep ins */
#define FZG_OUTS_MAX	8	/* elements of one rep outs */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct fz_guest_win {
	uint32_t space;
	uint32_t pad;
	uint64_t base;
	uint64_t len;
};

struct fz_guest_params {
	uint64_t seed;
	uint32_t nr_win;
	uint32_t pad;
	uint64_t iters;
	uint64_t pad2;
	struct fz_guest_win win[FZG_MAX_WIN];
};

_Static_assert(offsetof(struct fz_guest_params, seed) == FZG_SEED, "seed");
_Static_assert(offsetof(struct fz_guest_params, nr_win) == FZG_NR_WIN, "nr");
_Static_assert(offsetof(struct fz_guest_params, iters) == FZG_ITERS, "iters");
_Static_assert(offsetof(struct fz_guest_params, win) == FZG_WIN, "win");
_Static_assert(offsetof(struct fz_guest_win, base) == FZG_WIN_BASE, "base");
_Static_assert(offsetof(struct fz_guest_win, len) == FZG_WIN_LEN, "len");
_Static_assert(sizeof(struct fz_guest_win) == FZG_WIN_SIZEOF, "win size");

#endif /* !__ASSEMBLER__ */
#endif /* VMDEV_FUZZ_GUEST_H */
