/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One register of every behaviour, at one width, and the access guest's
 * table that exercises each once: shared by the run-loop tests
 * (kmod_run.c, level 1) and the KVM bus tests (kmod_level3.c, level 3),
 * which must give the guest the same results as level 0.
 *
 * Included after kselftest_harness.h and kmod_run.h.
 */
#ifndef VMDEV_TESTS_KMOD_BEHAVIOUR_H
#define VMDEV_TESTS_KMOD_BEHAVIOUR_H

#include <stdint.h>
#include <string.h>
#include <linux/vmdev.h>

#include "regdev.h"

static inline uint64_t mask(uint32_t width)
{
	return width == 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* ---- the slow path of the tests: trap registers, logged ------------ */

#define TRAP_VALUE	0x5a6b7c8d9eafb0c1ULL
#define LOG_MAX		4096

struct slow_log {
	unsigned int calls;
	uint32_t next;		/* value of the next read, counting up */
	struct minivm_io io[LOG_MAX];
};

/* Reads get TRAP_VALUE, or consecutive values if next is set. */
static inline int log_io(struct slow_log *log, struct minivm_io *io)
{
	if (log->calls == LOG_MAX)
		return -ENOSPC;
	if (!io->write)
		io->data = (log->next ? log->next++ : TRAP_VALUE) &
			   mask(io->len);
	log->io[log->calls++] = *io;
	return 0;
}

/* The same slow path at level 1 (krun) and level 0 (rdevbus). */
static inline int slow1(void *opaque, struct minivm_io *io)
{
	return log_io(opaque, io);
}

static inline int slow0(void *opaque, int dev, struct minivm_io *io)
{
	return log_io(opaque, io);
}

/* ---- every register behaviour, one access per exit ---------------- */

/* One register of each behaviour, all of the variant's width. */
enum {
	RW, RO, W1C, W1S, COR, CNST, FIN, FOUT, CNT, DB, TRAP, STATUS, ENABLE,
	IRQID, NR_REGS
};

#define SLOT(r)		((r) * 8)
#define HOLE		SLOT(NR_REGS)
#define WINDOW		(HOLE + 8)
#define PIO_BASE	0x6000
#define MMIO_BASE	0xd0000000ULL

#define RW_RESET	0x1122334455667788ULL
#define RW_WMASK	0xf0f0f0f0f0f0f0f0ULL
#define RO_VALUE	0xfedcba9876543210ULL
#define COR_VALUE	0x0123456789abcdefULL
#define CONST_VALUE	0x8877665544332211ULL
#define OUT_EMPTY	0x5555555555555555ULL
#define CNT_RESET	0x0badc0de0badc0deULL
#define PATTERN		0xa1b2c3d4e5f60718ULL
#define BITS_A		0x0f0f0f0f0f0f0f0fULL
#define BITS_B		0x3030303030303030ULL
#define IRQID_NONE	0x01
#define IRQID_CODE	0x04
#define FIFO_DEPTH	8

static inline void make_map(struct vmdev_reg *regs, struct vmdev_irq *irq,
		     struct vmdev_rdev_desc *desc, uint32_t w)
{
	static const uint8_t type[NR_REGS] = {
		[RW] = VMDEV_REG_RW, [RO] = VMDEV_REG_RO,
		[W1C] = VMDEV_REG_W1C, [W1S] = VMDEV_REG_W1S,
		[COR] = VMDEV_REG_COR, [CNST] = VMDEV_REG_CONST,
		[FIN] = VMDEV_REG_FIFO_IN, [FOUT] = VMDEV_REG_FIFO_OUT,
		[CNT] = VMDEV_REG_COUNTER, [DB] = VMDEV_REG_DOORBELL,
		[TRAP] = VMDEV_REG_TRAP, [STATUS] = VMDEV_REG_RW,
		[ENABLE] = VMDEV_REG_RW, [IRQID] = VMDEV_REG_IRQ_ID,
	};
	static const uint64_t reset[NR_REGS] = {
		[RW] = RW_RESET, [RO] = RO_VALUE, [W1C] = ~0ULL,
		[COR] = COR_VALUE, [CNST] = CONST_VALUE, [FOUT] = OUT_EMPTY,
		[CNT] = CNT_RESET, [IRQID] = IRQID_NONE,
	};
	static const uint64_t wmask[NR_REGS] = {
		[RW] = RW_WMASK, [W1C] = ~0ULL, [W1S] = ~0ULL, [CNT] = ~0ULL,
		[DB] = ~0ULL, [STATUS] = ~0ULL, [ENABLE] = ~0ULL,
	};
	int r;

	memset(regs, 0, NR_REGS * sizeof(*regs));
	for (r = 0; r < NR_REGS; r++) {
		regs[r] = (struct vmdev_reg){
			.offset = SLOT(r), .width = w, .type = type[r],
			.reset = reset[r] & mask(w),
			.wmask = wmask[r] & mask(w),
			.sel_reg = VMDEV_SEL_NONE,
		};
	}
	regs[FIN].flags = VMDEV_REG_F_NOREAD;
	regs[FIN].arg.fifo.depth = FIFO_DEPTH;
	regs[FOUT].flags = VMDEV_REG_F_NOWRITE;
	regs[FOUT].arg.fifo.depth = FIFO_DEPTH;
	/* No tick in 2^63 ns: the counter reads what was last written. */
	regs[CNT].arg.counter.mult = 1;
	regs[CNT].arg.counter.shift = 63;
	regs[IRQID].arg.irq_id = (struct vmdev_reg_irq_id){
		.line = 0, .id_mask = 0x0f, .nr_prio = 1, .prio = { 0 },
		.code = { IRQID_CODE },
	};
	*irq = (struct vmdev_irq){ .status_reg = STATUS, .enable_reg = ENABLE };
	*desc = (struct vmdev_rdev_desc){
		.flags = VMDEV_DEV_F_HOLE_ONES, .dev_size = WINDOW,
		.nr_regs = NR_REGS, .nr_irqs = 1, .regs = regs, .irqs = irq,
	};
}

/* Appends to the access guest's table. */
struct table {
	struct guest_access_params *p;
	uint8_t space;
	uint32_t width;
	uint64_t base;
};

static inline void add(struct table *t, bool write, uint32_t off,
		       uint64_t value)
{
	t->p->ops[t->p->nr_ops++] = (struct guest_access_op){
		.space = t->space, .size = t->width, .write = write,
		.check = !write, .addr = t->base + off,
		.value = value & mask(t->width),
	};
}

static inline void rd(struct table *t, int reg, uint64_t expect)
{
	add(t, false, SLOT(reg), expect);
}

static inline void wr(struct table *t, int reg, uint64_t value)
{
	add(t, true, SLOT(reg), value);
}

static inline uint64_t fifo_value(uint32_t i)
{
	return PATTERN * (i + 3) + i;
}

#define NR_TRAPS	2U	/* table entries the VMM completes */

/* Every behaviour once, each read checked by the guest itself. */
static inline void every_behaviour(struct table *t)
{
	uint64_t m = mask(t->width);
	uint32_t i;

	t->p->nr_ops = 0;
	t->p->done = 0;
	t->p->failed = 0;
	rd(t, RW, RW_RESET);
	wr(t, RW, PATTERN);
	rd(t, RW, (RW_RESET & ~RW_WMASK) | (PATTERN & RW_WMASK));
	wr(t, RO, PATTERN);
	rd(t, RO, RO_VALUE);
	wr(t, W1C, BITS_A);
	rd(t, W1C, ~BITS_A);
	wr(t, W1S, BITS_A);
	rd(t, W1S, BITS_A);
	wr(t, W1S, BITS_B);
	rd(t, W1S, BITS_A | BITS_B);
	rd(t, COR, COR_VALUE);
	rd(t, COR, 0);
	wr(t, CNST, PATTERN);
	rd(t, CNST, CONST_VALUE);
	for (i = 0; i < 3; i++)
		wr(t, FIN, fifo_value(i));
	rd(t, FOUT, fifo_value(10));
	rd(t, FOUT, fifo_value(11));
	rd(t, FOUT, OUT_EMPTY);
	rd(t, CNT, CNT_RESET);
	wr(t, CNT, PATTERN);
	rd(t, CNT, PATTERN);
	wr(t, DB, BITS_B);
	wr(t, TRAP, PATTERN);
	rd(t, TRAP, TRAP_VALUE);
	rd(t, IRQID, IRQID_NONE);
	wr(t, STATUS, 1);
	rd(t, IRQID, IRQID_NONE);
	wr(t, ENABLE, 1);
	rd(t, IRQID, IRQID_CODE);
	wr(t, ENABLE, 0);
	rd(t, IRQID, IRQID_NONE);
	add(t, false, HOLE, ~0ULL & m);
	add(t, true, HOLE, PATTERN);
}

/* Register values after every_behaviour(); false: not compared. */
static inline bool expected_state(int reg, uint32_t w, uint64_t *v)
{
	switch (reg) {
	case RW:
		*v = (RW_RESET & ~RW_WMASK) | (PATTERN & RW_WMASK);
		break;
	case RO:
		*v = RO_VALUE;
		break;
	case W1C:
		*v = ~BITS_A;
		break;
	case W1S:
		*v = BITS_A | BITS_B;
		break;
	case COR:
	case ENABLE:
		*v = 0;
		break;
	case CNT:
		*v = PATTERN;
		break;
	case DB:
		*v = BITS_B;
		break;
	case STATUS:
		*v = 1;
		break;
	default:
		return false;
	}
	*v &= mask(w);
	return true;
}

/* Reads a register of the device under test: 0 or -errno. */
typedef int (*reg_read_fn)(void *dev, uint32_t reg, uint64_t *v);

/* The device's registers hold what expected_state() says. */
static inline void check_state(struct __test_metadata *_metadata,
			       reg_read_fn read, void *dev, uint32_t w)
{
	uint64_t want, v;
	int i;

	for (i = 0; i < NR_REGS; i++) {
		if (!expected_state(i, w, &want))
			continue;
		ASSERT_EQ(0, read(dev, i, &v));
		EXPECT_EQ(want, v) TH_LOG("register %d", i);
	}
}

/* The module's device (dev: its fixture) and the core's, at level 0. */
struct kdev {
	int ctx;
	uint32_t id;
};

static inline int kdev_read(void *dev, uint32_t reg, uint64_t *v)
{
	struct kdev *d = dev;

	return kmod_reg_read(d->ctx, d->id, reg, v);
}

static inline int rdev_read(void *dev, uint32_t reg, uint64_t *v)
{
	return vmdev_rdev_reg_read(dev, reg, v);
}

#endif /* VMDEV_TESTS_KMOD_BEHAVIOUR_H */
