/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the race tests share whether they drive the module directly
 * (kmod_race_*.c) or through libvmdev (lib_race_*.c): the race guest's
 * table (tests/guest/race.S, RACE_* in guest_abi.h) and the register
 * map of the device that stays while others come and go, with the
 * entries that check it.
 */
#ifndef VMDEV_TESTS_RACE_DEV_H
#define VMDEV_TESTS_RACE_DEV_H

#include <stdint.h>
#include <linux/vmdev.h>

#include "guest_abi.h"
#include "guests.h"
#include "regdev.h"

GUEST_IMAGE_DECLARE(race);

/* vCPUs of the race VMs: the test VM has two CPUs. */
#define KRACE_VCPUS		2

/* A table entry, for initializers: kind and space by their last word. */
#define RACE_OP(k, sp, sz, a, st, v)					\
	.kind = RACE_##k, .space = GUEST_SPACE_##sp, .size = (sz),	\
	.addr = (a), .stride = (st), .value = (v)

static inline void race_op(struct guest_race_params *p, uint8_t kind,
			   uint8_t space, uint8_t size, uint64_t addr,
			   uint32_t stride, uint64_t value)
{
	p->ops[p->nr_ops++] = (struct guest_race_op){
		.kind = kind, .space = space, .size = size, .addr = addr,
		.stride = stride, .value = value,
	};
}

/*
 * The stable device: two constants, and an 8-byte register of each
 * vCPU's own (stride 8) that it writes and reads back. Every register
 * takes narrower aligned accesses.
 */
#define KRACE_S_CONST32		0x5eb1e5edU
#define KRACE_S_CONST64		0x0123456789abcdefULL
#define KRACE_S_C32_OFF		0
#define KRACE_S_C64_OFF		8
#define KRACE_S_RW_OFF		16
#define KRACE_S_WINDOW		(KRACE_S_RW_OFF + 8 * KRACE_VCPUS)

enum {
	KRACE_S_C32,
	KRACE_S_C64,
	KRACE_S_RW0,	/* vCPU i's is KRACE_S_RW0 + i */
	KRACE_S_NR_REGS = KRACE_S_RW0 + KRACE_VCPUS
};

#define KRACE_S_REG(off, w, t, rst, wm)					\
	{ .offset = (off), .width = (w), .type = VMDEV_REG_##t,		\
	  .flags = VMDEV_REG_F_PARTIAL, .reset = (rst), .wmask = (wm),	\
	  .sel_reg = VMDEV_SEL_NONE }

static const struct vmdev_reg krace_s_regs[KRACE_S_NR_REGS] = {
	[KRACE_S_C32] = KRACE_S_REG(KRACE_S_C32_OFF, 4, CONST,
				    KRACE_S_CONST32, 0),
	[KRACE_S_C64] = KRACE_S_REG(KRACE_S_C64_OFF, 8, CONST,
				    KRACE_S_CONST64, 0),
	[KRACE_S_RW0] = KRACE_S_REG(KRACE_S_RW_OFF, 8, RW, 0, ~0ULL),
	[KRACE_S_RW0 + 1] = KRACE_S_REG(KRACE_S_RW_OFF + 8, 8, RW, 0, ~0ULL),
};

static const struct vmdev_rdev_desc krace_s_map = {
	.dev_size = KRACE_S_WINDOW, .nr_regs = KRACE_S_NR_REGS,
	.regs = krace_s_regs,
};

#define KRACE_S_MAX_OPS		10

/*
 * Entries on the stable device at pio and mmio, every kind and size,
 * the first n of them (at most KRACE_S_MAX_OPS): all must complete and
 * read right. A write comes before the readbacks of its value.
 */
static inline void krace_stable_ops(struct guest_race_params *p,
				    uint16_t pio, uint64_t mmio,
				    unsigned int n)
{
	const uint64_t wa = 0x3c3c5a5aU, wb = 0x1122334455667788ULL;
	const struct guest_race_op t[KRACE_S_MAX_OPS] = {
		{ RACE_OP(READ, PIO, 4, pio, 0, KRACE_S_CONST32) },
		{ RACE_OP(WRITE, MMIO, 8, mmio + KRACE_S_RW_OFF, 8, wb) },
		{ RACE_OP(READ, PIO, 2, pio + 2, 0, KRACE_S_CONST32 >> 16) },
		{ RACE_OP(READBACK, MMIO, 8, mmio + KRACE_S_RW_OFF, 8, wb) },
		{ RACE_OP(READ, MMIO, 8, mmio + KRACE_S_C64_OFF, 0,
			  KRACE_S_CONST64) },
		{ RACE_OP(WRITE, PIO, 4, pio + KRACE_S_RW_OFF, 8, wa) },
		{ RACE_OP(READBACK, PIO, 4, pio + KRACE_S_RW_OFF, 8, wa) },
		{ RACE_OP(READ, MMIO, 1, mmio + KRACE_S_C64_OFF + 1, 0,
			  (KRACE_S_CONST64 >> 8) & 0xff) },
		{ RACE_OP(READBACK, MMIO, 2, mmio + KRACE_S_RW_OFF, 8, wa) },
		{ RACE_OP(READ, PIO, 1, pio + 3, 0, KRACE_S_CONST32 >> 24) },
	};
	unsigned int i;

	for (i = 0; i < n && i < KRACE_S_MAX_OPS; i++)
		p->ops[p->nr_ops++] = t[i];
}

#endif /* VMDEV_TESTS_RACE_DEV_H */
