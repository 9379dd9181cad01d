// SPDX-License-Identifier: GPL-2.0
/*
 * Guest accesses to register devices: every register type's read and
 * write behaviour at every width, partial accesses, holes under each
 * device flag, direction and selector matching, the lookup index, and
 * the VMM's raw register view.
 */
#include <stdlib.h>
#include "kselftest_harness.h"
#include "core_test.h"

static u64 wmask_of(u32 width)
{
	return width == 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* ---- one register of each type, at each width -------------------- */

enum {
	T_RW, T_RO, T_W1C, T_W1S, T_COR, T_CONST, T_FIN, T_FOUT, T_CNT, T_DB,
	T_TRAP, T_ID, T_W1C_OTHER, T_STATUS, T_FIN_RD, T_NR
};

#define T_OFF(i)	((u32)(i) * 8)

FIXTURE(types) {
	struct core_map m;
	struct vmdev_rdev *dev;
	u64 all;	/* all ones of the width */
	u64 pat;	/* a pattern of the width */
};

FIXTURE_VARIANT(types) {
	u8 width;
};

FIXTURE_VARIANT_ADD(types, w1) { .width = 1 };
FIXTURE_VARIANT_ADD(types, w2) { .width = 2 };
FIXTURE_VARIANT_ADD(types, w4) { .width = 4 };
FIXTURE_VARIANT_ADD(types, w8) { .width = 8 };

static struct vmdev_reg treg(u32 i, u8 w, u8 type, u64 reset, u64 wmask)
{
	struct vmdev_reg r = core_reg(T_OFF(i), w, type);

	r.reset = reset;
	r.wmask = wmask;
	return r;
}

FIXTURE_SETUP(types)
{
	struct core_map *m = &self->m;
	u8 w = variant->width;
	u64 all = wmask_of(w), pat = 0xa5c3f00f3cc35aa5ULL & all;
	struct vmdev_reg r;

	self->all = all;
	self->pat = pat;
	core_map_init(m, 0, T_NR * 8);
	core_add_reg(m, treg(T_RW, w, VMDEV_REG_RW, pat, 0x0ff0ff0ff0ff0ff0ULL & all));
	core_add_reg(m, treg(T_RO, w, VMDEV_REG_RO, pat, all));
	core_add_reg(m, treg(T_W1C, w, VMDEV_REG_W1C, all, pat));
	core_add_reg(m, treg(T_W1S, w, VMDEV_REG_W1S, 0, pat));
	core_add_reg(m, treg(T_COR, w, VMDEV_REG_COR, pat, 0));
	core_add_reg(m, treg(T_CONST, w, VMDEV_REG_CONST, pat, all));
	core_add_reg(m, core_fifo(T_OFF(T_FIN), w, VMDEV_REG_FIFO_IN, 2));
	r = core_fifo(T_OFF(T_FIN), w, VMDEV_REG_FIFO_OUT, 2);
	r.reset = pat;
	core_add_reg(m, r);
	r = treg(T_CNT, w, VMDEV_REG_COUNTER, 0, all);
	r.arg.counter.mult = 1;
	core_add_reg(m, r);
	core_add_reg(m, treg(T_DB, w, VMDEV_REG_DOORBELL, 0, 0));
	core_add_reg(m, treg(T_TRAP, w, VMDEV_REG_TRAP, 0, 0));
	r = treg(T_ID, w, VMDEV_REG_IRQ_ID, pat, 0);
	r.arg.irq_id.id_mask = 0x7;
	r.arg.irq_id.nr_prio = 2;
	r.arg.irq_id.prio[0] = 7;	/* bit 7 first, then bit 0 */
	r.arg.irq_id.code[0] = 0x3;
	r.arg.irq_id.code[1] = 0x5;
	core_add_reg(m, r);
	r = treg(T_W1C_OTHER, w, VMDEV_REG_W1C, 0, all);
	r.arg.target.flags = VMDEV_TARGET_F_OTHER;
	r.arg.target.target = T_STATUS;
	core_add_reg(m, r);
	r = core_reg(0, 8, VMDEV_REG_RW);
	r.flags = VMDEV_REG_F_HIDDEN;
	r.wmask = ~0ULL;
	core_add_reg(m, r);
	r = core_fifo(T_OFF(T_FIN_RD), w, VMDEV_REG_FIFO_IN, 1);
	r.flags = 0;
	r.reset = pat;
	core_add_reg(m, r);
	core_add_irq(m, T_STATUS, VMDEV_SEL_NONE, ~0ULL, VMDEV_IRQ_F_LEVEL);
	ASSERT_EQ(0, vmdev_rdev_create(&m->desc, &self->dev));
}

FIXTURE_TEARDOWN(types)
{
	vmdev_rdev_destroy(self->dev);
}

TEST_F(types, rw_applies_wmask)
{
	u64 wm = self->m.regs[T_RW].wmask, pat = self->pat;
	u32 w = variant->width;

	EXPECT_EQ(pat, CORE_READ(self->dev, T_OFF(T_RW), w));
	CORE_WRITE(self->dev, T_OFF(T_RW), w, ~0ULL);
	EXPECT_EQ((pat & ~wm) | wm, CORE_READ(self->dev, T_OFF(T_RW), w));
	CORE_WRITE(self->dev, T_OFF(T_RW), w, 0);
	EXPECT_EQ(pat & ~wm, CORE_READ(self->dev, T_OFF(T_RW), w));
	EXPECT_EQ(pat & ~wm, CORE_RAW(self->dev, T_RW));
}

TEST_F(types, ro_ignores_writes)
{
	u32 w = variant->width;

	CORE_WRITE(self->dev, T_OFF(T_RO), w, ~self->pat);
	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_RO), w));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, T_RO, 0x1ff, NULL));
	EXPECT_EQ(0x1ffULL & self->all, CORE_READ(self->dev, T_OFF(T_RO), w));
}

TEST_F(types, w1c_clears_written_ones_in_wmask)
{
	u32 w = variant->width;
	u64 pat = self->pat;

	CORE_WRITE(self->dev, T_OFF(T_W1C), w, 0);
	EXPECT_EQ(self->all, CORE_READ(self->dev, T_OFF(T_W1C), w));
	CORE_WRITE(self->dev, T_OFF(T_W1C), w, 0x0101010101010101ULL);
	EXPECT_EQ(self->all & ~(pat & 0x0101010101010101ULL),
		  CORE_READ(self->dev, T_OFF(T_W1C), w));
	CORE_WRITE(self->dev, T_OFF(T_W1C), w, ~0ULL);
	EXPECT_EQ(self->all & ~pat, CORE_READ(self->dev, T_OFF(T_W1C), w));
}

TEST_F(types, w1s_sets_written_ones_in_wmask)
{
	u32 w = variant->width;

	CORE_WRITE(self->dev, T_OFF(T_W1S), w, 0x8080808080808080ULL);
	EXPECT_EQ(self->pat & 0x8080808080808080ULL,
		  CORE_READ(self->dev, T_OFF(T_W1S), w));
	CORE_WRITE(self->dev, T_OFF(T_W1S), w, 0);
	EXPECT_EQ(self->pat & 0x8080808080808080ULL,
		  CORE_READ(self->dev, T_OFF(T_W1S), w));
	CORE_WRITE(self->dev, T_OFF(T_W1S), w, ~0ULL);
	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_W1S), w));
}

TEST_F(types, w1c_other_changes_target)
{
	u32 w = variant->width;

	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, T_STATUS, ~0ULL, NULL));
	CORE_WRITE(self->dev, T_OFF(T_W1C_OTHER), w, 0x11);
	EXPECT_EQ(~0x11ULL, CORE_RAW(self->dev, T_STATUS));
	/* The W1C register itself holds nothing of the target. */
	EXPECT_EQ(0ULL, CORE_READ(self->dev, T_OFF(T_W1C_OTHER), w));
	/* Only bits of the W1C register's width reach the target. */
	CORE_WRITE(self->dev, T_OFF(T_W1C_OTHER), w, ~0ULL);
	EXPECT_EQ(~self->all, CORE_RAW(self->dev, T_STATUS));
}

TEST_F(types, cor_clears_on_read)
{
	u32 w = variant->width;

	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_COR), w));
	EXPECT_EQ(0ULL, CORE_READ(self->dev, T_OFF(T_COR), w));
	CORE_WRITE(self->dev, T_OFF(T_COR), w, 0x42);
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, T_COR));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, T_COR, 0x42, NULL));
	/* The VMM's view does not clear. */
	EXPECT_EQ(0x42ULL, CORE_RAW(self->dev, T_COR));
	EXPECT_EQ(0x42ULL, CORE_READ(self->dev, T_OFF(T_COR), w));
	EXPECT_EQ(0ULL, CORE_READ(self->dev, T_OFF(T_COR), w));
}

TEST_F(types, const_reads_reset)
{
	u32 w = variant->width;

	CORE_WRITE(self->dev, T_OFF(T_CONST), w, ~self->pat);
	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_CONST), w));
	EXPECT_EQ(self->pat, CORE_RAW(self->dev, T_CONST));
	EXPECT_EQ(-EINVAL, vmdev_rdev_reg_write(self->dev, T_CONST, 0, NULL));
}

TEST_F(types, fifo_in_pushes_masked_to_width)
{
	u32 w = variant->width;
	u8 buf[3 * 8];
	u64 n;

	CORE_WRITE(self->dev, T_OFF(T_FIN), w, 0x1122334455667788ULL);
	CORE_WRITE(self->dev, T_OFF(T_FIN), w, ~0ULL);
	EXPECT_EQ(2ULL, CORE_RAW(self->dev, T_FIN));
	/* Full: dropped and counted. */
	CORE_WRITE(self->dev, T_OFF(T_FIN), w, 0);
	EXPECT_EQ(2ULL, CORE_RAW(self->dev, T_FIN));
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev, T_FIN, &n));
	EXPECT_EQ(1ULL, n);
	ASSERT_EQ(2, vmdev_rdev_fifo_drain(self->dev, T_FIN, buf, 3, NULL));
	EXPECT_EQ(0x1122334455667788ULL & self->all, core_load(buf, w));
	EXPECT_EQ(self->all, core_load(buf + w, w));
	EXPECT_EQ(-EINVAL, vmdev_rdev_reg_write(self->dev, T_FIN, 1, NULL));
}

TEST_F(types, readable_fifo_in_reads_reset)
{
	u32 w = variant->width;

	CORE_WRITE(self->dev, T_OFF(T_FIN_RD), w, 7);
	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_FIN_RD), w));
	EXPECT_EQ(1ULL, CORE_RAW(self->dev, T_FIN_RD));
}

TEST_F(types, fifo_out_pops_then_reset)
{
	u32 w = variant->width;
	u64 in[2] = { 0x0102030405060708ULL & self->all, self->all };
	u8 buf[16];

	core_store(buf, w, in[0]);
	core_store(buf + w, w, in[1]);
	ASSERT_EQ(2, vmdev_rdev_fifo_fill(self->dev, T_FOUT, buf, 2, NULL));
	EXPECT_EQ(2ULL, CORE_RAW(self->dev, T_FOUT));
	/* FIFO_OUT shares its offset with the write-only FIFO_IN. */
	EXPECT_EQ(in[0], CORE_READ(self->dev, T_OFF(T_FIN), w));
	EXPECT_EQ(in[1], CORE_READ(self->dev, T_OFF(T_FIN), w));
	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_FIN), w));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, T_FOUT));
	/* Guest writes to the read side go nowhere: it is NOWRITE. */
	EXPECT_EQ(-EINVAL, vmdev_rdev_reg_write(self->dev, T_FOUT, 1, NULL));
}

TEST_F(types, counter_counts_and_wraps)
{
	u32 w = variant->width;
	u64 a, b;

	a = CORE_READ(self->dev, T_OFF(T_CNT), w);
	b = CORE_READ(self->dev, T_OFF(T_CNT), w);
	EXPECT_EQ(0ULL, a & ~self->all);
	if (w == 8)
		EXPECT_LE(a, b);
	CORE_WRITE(self->dev, T_OFF(T_CNT), w, self->all);
	/* Counting from all ones wraps within the width. */
	a = CORE_READ(self->dev, T_OFF(T_CNT), w);
	EXPECT_EQ(0ULL, a & ~self->all);
}

TEST_F(types, doorbell_latches_and_rings)
{
	struct vmdev_rdev_events ev;
	u32 w = variant->width;
	u64 v = 0x8877665544332211ULL;

	ASSERT_EQ(0, vmdev_rdev_access(self->dev, T_OFF(T_DB), w, true, &v,
				       &ev));
	EXPECT_EQ(1U << vmdev_rdev_doorbell_slot(self->dev, T_DB),
		  ev.doorbells);
	EXPECT_EQ(v & self->all, CORE_READ(self->dev, T_OFF(T_DB), w));
	EXPECT_EQ(v & self->all, CORE_RAW(self->dev, T_DB));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, T_DB, 5, &ev));
	EXPECT_EQ(0U, ev.doorbells);
	EXPECT_EQ(5ULL, CORE_READ(self->dev, T_OFF(T_DB), w));
}

TEST_F(types, trap_goes_slow)
{
	struct vmdev_rdev_events ev;
	u32 w = variant->width;
	u64 v = 0x1234;

	EXPECT_EQ(VMDEV_RDEV_SLOW,
		  vmdev_rdev_access(self->dev, T_OFF(T_TRAP), w, false, &v,
				    &ev));
	EXPECT_EQ(0x1234ULL, v);
	EXPECT_EQ(VMDEV_RDEV_SLOW,
		  vmdev_rdev_access(self->dev, T_OFF(T_TRAP), w, true, &v,
				    NULL));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, T_TRAP));
	EXPECT_EQ(-EINVAL, vmdev_rdev_reg_write(self->dev, T_TRAP, 1, NULL));
}

TEST_F(types, irq_id_encodes_highest_priority)
{
	u32 w = variant->width;
	u64 base = self->pat & ~0x7ULL;

	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_ID), w));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, T_STATUS, 0x1, NULL));
	EXPECT_EQ(base | 0x5, CORE_READ(self->dev, T_OFF(T_ID), w));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, T_STATUS, 0x81, NULL));
	EXPECT_EQ(base | 0x3, CORE_READ(self->dev, T_OFF(T_ID), w));
	EXPECT_EQ(base | 0x3, CORE_RAW(self->dev, T_ID));
	/* Pending bits not in prio[] do not count. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, T_STATUS, 0x7e, NULL));
	EXPECT_EQ(self->pat, CORE_READ(self->dev, T_OFF(T_ID), w));
	CORE_WRITE(self->dev, T_OFF(T_ID), w, 0);
	EXPECT_EQ(-EINVAL, vmdev_rdev_reg_write(self->dev, T_ID, 0, NULL));
}

TEST_F(types, misfit_is_hole)
{
	u32 w = variant->width;
	u64 v = 0;

	/* Wider than the register, or a narrower part without PARTIAL. */
	if (w < 8)
		EXPECT_EQ(0ULL, CORE_READ(self->dev, T_OFF(T_RO), w * 2));
	if (w > 1) {
		EXPECT_EQ(0ULL, CORE_READ(self->dev, T_OFF(T_RO), 1));
		EXPECT_EQ(0ULL, CORE_READ(self->dev, T_OFF(T_RO) + 1, 1));
		CORE_WRITE(self->dev, T_OFF(T_RW), 1, 0xff);
		EXPECT_EQ(self->pat, CORE_RAW(self->dev, T_RW));
	}
	/* Past the register: the rest of its 8-byte slot is a hole. */
	if (w < 8)
		EXPECT_EQ(0ULL, CORE_READ(self->dev, T_OFF(T_RO) + w, w));
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, T_OFF(T_RO), 3, false, &v,
				       NULL));
	EXPECT_EQ(0ULL, v);
}

TEST_F(types, write_ignores_bytes_past_len)
{
	u32 w = variant->width;

	/* Ones only past the access (none at all for 8 bytes). */
	CORE_WRITE(self->dev, T_OFF(T_W1S), w, ~self->all);
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, T_W1S));
}

/* A W1S wider than its target sets only bits the target has. */
TEST(w1s_into_narrower_target)
{
	struct core_map m;
	struct vmdev_rdev *dev;
	struct vmdev_reg r;

	core_map_init(&m, 0, 8);
	core_add_reg(&m, core_reg(0, 1, VMDEV_REG_RO));
	r = core_reg(4, 4, VMDEV_REG_W1S);
	r.wmask = 0xffffffff;
	r.arg.target.flags = VMDEV_TARGET_F_OTHER;
	r.arg.target.target = 0;
	core_add_reg(&m, r);
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &dev));
	CORE_WRITE(dev, 4, 4, 0x12345681);
	EXPECT_EQ(0x81ULL, CORE_RAW(dev, 0));
	EXPECT_EQ(0x81ULL, CORE_READ(dev, 0, 1));
	vmdev_rdev_destroy(dev);
}

/* ---- holes ---------------------------------------------------------- */

FIXTURE(holes) {
	struct core_map m;
	struct vmdev_rdev *dev;
};

FIXTURE_VARIANT(holes) {
	u32 flags;
	int result;
};

FIXTURE_VARIANT_ADD(holes, zeros) { .flags = 0 };
FIXTURE_VARIANT_ADD(holes, ones) { .flags = VMDEV_DEV_F_HOLE_ONES };
FIXTURE_VARIANT_ADD(holes, trap) {
	.flags = VMDEV_DEV_F_HOLE_TRAP, .result = VMDEV_RDEV_SLOW,
};

FIXTURE_VARIANT_ADD(holes, trap_over_ones) {
	.flags = VMDEV_DEV_F_HOLE_TRAP | VMDEV_DEV_F_HOLE_ONES,
	.result = VMDEV_RDEV_SLOW,
};

FIXTURE_SETUP(holes)
{
	struct vmdev_reg r;

	core_map_init(&self->m, variant->flags, 32);
	r = core_reg(8, 4, VMDEV_REG_RW);
	r.wmask = 0xffffffff;
	r.flags = VMDEV_REG_F_NOREAD;
	core_add_reg(&self->m, r);
	r = core_reg(16, 4, VMDEV_REG_RO);
	r.flags = VMDEV_REG_F_NOWRITE;
	r.reset = 0x77;
	core_add_reg(&self->m, r);
	r = core_reg(0, 4, VMDEV_REG_RW);
	r.flags = VMDEV_REG_F_HIDDEN;
	r.wmask = 0xffffffff;
	core_add_reg(&self->m, r);
	ASSERT_EQ(0, vmdev_rdev_create(&self->m.desc, &self->dev));
}

FIXTURE_TEARDOWN(holes)
{
	vmdev_rdev_destroy(self->dev);
}

/* What a hole read of len bytes leaves in its data (0x5a: untouched). */
static u64 hole_value(const FIXTURE_VARIANT(holes) *variant, u32 len)
{
	if (variant->result)
		return 0x5a5a5a5a5a5a5a5aULL;
	return variant->flags & VMDEV_DEV_F_HOLE_ONES ? wmask_of(len) : 0;
}

static int hole_read(struct vmdev_rdev *dev, u64 off, u32 len, u64 *v)
{
	*v = 0x5a5a5a5a5a5a5a5aULL;
	return vmdev_rdev_access(dev, off, len, false, v, NULL);
}

TEST_F(holes, unmapped_offset)
{
	u64 v;

	EXPECT_EQ(variant->result, hole_read(self->dev, 24, 4, &v));
	EXPECT_EQ(hole_value(variant, 4), v);
}

TEST_F(holes, hidden_register_is_not_mapped)
{
	u64 v = 0x99;

	EXPECT_EQ(variant->result, hole_read(self->dev, 0, 4, &v));
	EXPECT_EQ(hole_value(variant, 4), v);
	v = 0x99;
	EXPECT_EQ(variant->result,
		  vmdev_rdev_access(self->dev, 0, 4, true, &v, NULL));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, 2));
}

TEST_F(holes, wrong_direction)
{
	u64 v = 0x99;

	/* Reads skip the NOREAD register, writes the NOWRITE one. */
	EXPECT_EQ(variant->result, hole_read(self->dev, 8, 4, &v));
	EXPECT_EQ(hole_value(variant, 4), v);
	EXPECT_EQ(variant->result,
		  vmdev_rdev_access(self->dev, 16, 4, true, &v, NULL));
	EXPECT_EQ(0x77ULL, CORE_RAW(self->dev, 1));
	/* The right directions complete. */
	CORE_WRITE(self->dev, 8, 4, 0x1234);
	EXPECT_EQ(0x1234ULL, CORE_RAW(self->dev, 0));
	EXPECT_EQ(0x77ULL, CORE_READ(self->dev, 16, 4));
}

TEST_F(holes, past_window)
{
	u64 v;
	u32 len;

	for (len = 1; len <= 8; len++) {
		EXPECT_EQ(variant->result, hole_read(self->dev, 32, len, &v));
		EXPECT_EQ(hole_value(variant, len), v);
	}
	/* Starts inside, runs past the end. */
	EXPECT_EQ(variant->result, hole_read(self->dev, 28, 8, &v));
	EXPECT_EQ(variant->result, hole_read(self->dev, ~0ULL, 8, &v));
	EXPECT_EQ(variant->result, hole_read(self->dev, ~0ULL - 3, 4, &v));
	EXPECT_EQ(variant->result, hole_read(self->dev, 1ULL << 32, 1, &v));
}

TEST_F(holes, hole_read_lengths)
{
	u64 v;
	u32 len;

	for (len = 1; len <= 8; len++) {
		EXPECT_EQ(variant->result, hole_read(self->dev, 24, len, &v));
		EXPECT_EQ(hole_value(variant, len), v);
	}
}

TEST_F(holes, bad_len)
{
	struct vmdev_rdev_events ev;
	u64 v = 3;

	memset(&ev, 0xff, sizeof(ev));
	EXPECT_EQ(-EINVAL, vmdev_rdev_access(self->dev, 8, 0, true, &v, &ev));
	EXPECT_EQ(0U, ev.irq_level | ev.irq_rose | ev.irq_fell | ev.doorbells);
	EXPECT_EQ(-EINVAL, vmdev_rdev_access(self->dev, 8, 9, false, &v, NULL));
	EXPECT_EQ(3ULL, v);
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, 0));
}

/* ---- partial accesses ------------------------------------------------ */

FIXTURE(partial) {
	struct core_map m;
	struct vmdev_rdev *dev;
};

enum { P_RW, P_W1C, P_COR, P_DB, P_CNT, P_RO, P_NR };

FIXTURE_SETUP(partial)
{
	static const u8 types[P_NR] = {
		VMDEV_REG_RW, VMDEV_REG_W1C, VMDEV_REG_COR,
		VMDEV_REG_DOORBELL, VMDEV_REG_COUNTER, VMDEV_REG_RO,
	};
	u32 i;

	core_map_init(&self->m, 0, P_NR * 8);
	for (i = 0; i < P_NR; i++) {
		struct vmdev_reg r = core_reg(i * 8, 8, types[i]);

		r.flags = i == P_RO ? 0 : VMDEV_REG_F_PARTIAL;
		r.reset = 0x8877665544332211ULL;
		r.wmask = 0x00ff00ff00ff00ffULL;
		if (types[i] == VMDEV_REG_COUNTER) {
			r.reset = 0;
			r.arg.counter.mult = 1;
			r.arg.counter.shift = 40;	/* stands still */
		}
		core_add_reg(&self->m, r);
	}
	ASSERT_EQ(0, vmdev_rdev_create(&self->m.desc, &self->dev));
}

FIXTURE_TEARDOWN(partial)
{
	vmdev_rdev_destroy(self->dev);
}

TEST_F(partial, reads_extract_bytes)
{
	u32 off, len;

	for (len = 1; len < 8; len++) {
		for (off = 0; off + len <= 8; off += len) {
			u64 want = (0x8877665544332211ULL >> (8 * off)) &
				   wmask_of(len);

			EXPECT_EQ(want, CORE_READ(self->dev, 8 * P_RW + off, len));
		}
	}
}

TEST_F(partial, unaligned_part_is_hole)
{
	EXPECT_EQ(0ULL, CORE_READ(self->dev, 8 * P_RW + 1, 2));
	EXPECT_EQ(0ULL, CORE_READ(self->dev, 8 * P_RW + 2, 4));
	EXPECT_EQ(0ULL, CORE_READ(self->dev, 8 * P_RW + 4, 3));
	/* A register without PARTIAL takes only its full width. */
	EXPECT_EQ(0ULL, CORE_READ(self->dev, 8 * P_RO, 4));
	EXPECT_EQ(0x8877665544332211ULL, CORE_READ(self->dev, 8 * P_RO, 8));
}

TEST_F(partial, rw_write_touches_only_its_bytes)
{
	CORE_WRITE(self->dev, 8 * P_RW + 2, 2, 0xaaaa);
	/* Byte 2 is writable (0xff), byte 3 is not (0x00). */
	EXPECT_EQ(0x8877665544aa2211ULL, CORE_RAW(self->dev, P_RW));
}

TEST_F(partial, w1c_sees_zeros_elsewhere)
{
	CORE_WRITE(self->dev, 8 * P_W1C + 4, 4, 0xffffffff);
	/* Bits 32..63 written as 1, of those only wmask bytes 4 and 6. */
	EXPECT_EQ(0x8800660044332211ULL, CORE_RAW(self->dev, P_W1C));
}

TEST_F(partial, cor_part_read_clears_all)
{
	EXPECT_EQ(0x44ULL, CORE_READ(self->dev, 8 * P_COR + 3, 1));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, P_COR));
}

TEST_F(partial, doorbell_merges_and_rings)
{
	struct vmdev_rdev_events ev;
	u64 v = 0xbeef;

	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 8 * P_DB + 6, 2, true, &v,
				       &ev));
	EXPECT_EQ(1U, ev.doorbells);
	EXPECT_EQ(0xbeef665544332211ULL, CORE_RAW(self->dev, P_DB));
}

TEST_F(partial, counter_write_merges_writable_bytes)
{
	CORE_WRITE(self->dev, 8 * P_CNT + 4, 4, 0x12345678);
	/* shift 40: the count does not move during the test. */
	EXPECT_EQ(0x0034007800000000ULL, CORE_RAW(self->dev, P_CNT));
	EXPECT_EQ(0x00340078ULL, CORE_READ(self->dev, 8 * P_CNT + 4, 4));
}

/* ---- selectors -------------------------------------------------------- */

TEST(selector_banks)
{
	struct core_map m;
	struct vmdev_rdev *dev;
	struct vmdev_reg r;
	u32 sel, b0, b1, b2;

	core_map_init(&m, 0, 8);
	r = core_reg(0, 1, VMDEV_REG_RW);
	r.wmask = 0xff;
	sel = core_add_reg(&m, r);
	r = core_reg(4, 4, VMDEV_REG_RW);
	r.wmask = ~0U;
	b0 = core_add_reg(&m, core_bank(r, sel, 0x3, 0));
	b1 = core_add_reg(&m, core_bank(r, sel, 0x3, 1));
	r.reset = 0xc0ffee;
	r.flags = VMDEV_REG_F_NOWRITE;
	b2 = core_add_reg(&m, core_bank(r, sel, 0x2, 2));
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &dev));

	CORE_WRITE(dev, 4, 4, 0xb0);
	CORE_WRITE(dev, 0, 1, 0x81);	/* bank 1; bits outside mask ignored */
	CORE_WRITE(dev, 4, 4, 0xb1);
	EXPECT_EQ(0xb1ULL, CORE_READ(dev, 4, 4));
	CORE_WRITE(dev, 0, 1, 0x00);
	EXPECT_EQ(0xb0ULL, CORE_READ(dev, 4, 4));
	EXPECT_EQ(0xb0ULL, CORE_RAW(dev, b0));
	EXPECT_EQ(0xb1ULL, CORE_RAW(dev, b1));
	/* Bank 2 (sel & 2): read-only view; writes fall in a hole. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(dev, sel, 0x2, NULL));
	EXPECT_EQ(0xc0ffeeULL, CORE_READ(dev, 4, 4));
	CORE_WRITE(dev, 4, 4, 0x55);
	EXPECT_EQ(0xc0ffeeULL, CORE_RAW(dev, b2));
	EXPECT_EQ(0xb0ULL, CORE_RAW(dev, b0));
	vmdev_rdev_destroy(dev);
}

/* ---- counter against the clock ---------------------------------------- */

TEST(counter_follows_clock)
{
	struct core_map m;
	struct vmdev_rdev *dev;
	struct vmdev_reg r;
	u64 t0, t1, v, prev = 0;
	int i;

	core_map_init(&m, 0, 16);
	r = core_reg(0, 8, VMDEV_REG_COUNTER);
	r.reset = 1000;
	r.wmask = ~0ULL;
	r.arg.counter.mult = 3;
	r.arg.counter.shift = 1;	/* 1.5 ticks per ns */
	core_add_reg(&m, r);
	r.wmask = 0;
	r.offset = 8;
	core_add_reg(&m, r);
	t0 = vmdev_now_ns();
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &dev));
	for (i = 0; i < 1000; i++) {
		v = CORE_READ(dev, 0, 8);
		ASSERT_LE(prev, v);
		prev = v;
	}
	t1 = vmdev_now_ns();
	EXPECT_LE(1000ULL, v);
	EXPECT_GE(1000 + (t1 - t0) * 3 / 2 + 1, v);

	/* A write sets the base: it reads the written value then. */
	t0 = vmdev_now_ns();
	CORE_WRITE(dev, 0, 8, 1ULL << 50);
	v = CORE_READ(dev, 0, 8);
	t1 = vmdev_now_ns();
	EXPECT_LE(1ULL << 50, v);
	EXPECT_GE((1ULL << 50) + (t1 - t0) * 3 / 2 + 1, v);

	/* No writable bit: the write is ignored. */
	CORE_WRITE(dev, 8, 8, 0);
	EXPECT_LE(1000ULL, CORE_READ(dev, 8, 8));

	/* The VMM sets the count. */
	t0 = vmdev_now_ns();
	ASSERT_EQ(0, vmdev_rdev_reg_write(dev, 1, 7, NULL));
	v = CORE_RAW(dev, 1);
	t1 = vmdev_now_ns();
	EXPECT_LE(7ULL, v);
	EXPECT_GE(7 + (t1 - t0) * 3 / 2 + 1, v);

	/* Reset restarts it from its reset value. */
	vmdev_rdev_reset(dev, NULL);
	EXPECT_GT(1ULL << 40, CORE_READ(dev, 0, 8));
	vmdev_rdev_destroy(dev);
}

/* The scaling keeps a 96-bit product: no overflow before the shift. */
TEST(counter_scaling_is_wide)
{
	EXPECT_EQ((1ULL << 60) - (1ULL << 28),
		  vmdev_mul_u64_u32_shr(1ULL << 60, 0xffffffff, 32));
	EXPECT_EQ(~0ULL, vmdev_mul_u64_u32_shr(~0ULL, 1, 0));
	EXPECT_EQ(5ULL, vmdev_mul_u64_u32_shr(~0ULL, 3, 63));
}

/* ---- doorbell slots ------------------------------------------------- */

TEST(doorbell_slots_follow_register_order)
{
	struct core_map m;
	struct vmdev_rdev *dev;
	struct vmdev_rdev_events ev;
	u64 v = 1;
	u32 i;

	core_map_init(&m, 0, 64);
	for (i = 0; i < 8; i++)
		core_add_reg(&m, core_reg(i * 4, 4, i % 2 ? VMDEV_REG_DOORBELL :
							    VMDEV_REG_RW));
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &dev));
	for (i = 0; i < 8; i++) {
		if (i % 2 == 0) {
			EXPECT_EQ(-EINVAL, vmdev_rdev_doorbell_slot(dev, i));
			continue;
		}
		EXPECT_EQ((int)i / 2, vmdev_rdev_doorbell_slot(dev, i));
		ASSERT_EQ(0, vmdev_rdev_access(dev, i * 4, 4, true, &v, &ev));
		EXPECT_EQ(1U << (i / 2), ev.doorbells);
	}
	EXPECT_EQ(-ENOENT, vmdev_rdev_doorbell_slot(dev, 8));
	/* Reads do not ring. */
	ASSERT_EQ(0, vmdev_rdev_access(dev, 4, 4, false, &v, &ev));
	EXPECT_EQ(0U, ev.doorbells);
	vmdev_rdev_destroy(dev);
}

/* ---- the VMM side ------------------------------------------------------ */

TEST(reg_io_errors)
{
	struct core_map m;
	struct vmdev_rdev *dev;
	struct vmdev_rdev_events ev;
	u64 v = 5;

	core_map_init(&m, 0, 8);
	core_add_reg(&m, core_reg(0, 2, VMDEV_REG_RW));
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &dev));
	EXPECT_EQ(-ENOENT, vmdev_rdev_reg_read(dev, 1, &v));
	EXPECT_EQ(5ULL, v);
	memset(&ev, 0xff, sizeof(ev));
	EXPECT_EQ(-ENOENT, vmdev_rdev_reg_write(dev, 1, 0, &ev));
	EXPECT_EQ(0U, ev.irq_level | ev.doorbells | ev.irq_rose);
	EXPECT_EQ(-ENOENT, vmdev_rdev_reg_write(dev, ~0U, 0, NULL));
	/* The raw write ignores wmask (0 here) and masks to the width. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(dev, 0, 0x123456, NULL));
	EXPECT_EQ(0x3456ULL, CORE_RAW(dev, 0));
	EXPECT_EQ(0x3456ULL, CORE_READ(dev, 0, 2));
	vmdev_rdev_destroy(dev);
}

/* ---- the lookup index against a linear reference ------------------- */

/*
 * A random map of non-overlapping registers, some sharing an offset by
 * direction, scattered over a large window.
 */
TEST(lookup_matches_reference)
{
	static struct vmdev_reg regs[VMDEV_MAX_REGS];
	struct vmdev_rdev_desc desc = {
		.flags = VMDEV_DEV_F_HOLE_ONES, .dev_size = 1 << 16,
		.regs = regs,
	};
	struct vmdev_rdev *dev;
	u32 i, off = 0, n = 0;
	int round;

	srand(42);
	while (n < VMDEV_MAX_REGS) {
		u8 w = 1 << (rand() % 4);

		off = (off + w - 1) & ~(u32)(w - 1);
		off += w * (rand() % 3);
		regs[n] = core_reg(off, w, VMDEV_REG_RW);
		regs[n].wmask = wmask_of(w);
		regs[n].reset = n % 255;	/* never all ones: a hole */
		regs[n].flags = VMDEV_REG_F_NOWRITE;
		n++;
		if (n < VMDEV_MAX_REGS && rand() % 2) {
			regs[n] = regs[n - 1];
			regs[n].flags = VMDEV_REG_F_NOREAD;
			n++;
		}
		off += w;
	}
	/* Map order is not offset order: the index must sort. */
	for (i = n - 1; i > 0; i--) {
		u32 j = rand() % (i + 1);
		struct vmdev_reg t = regs[i];

		regs[i] = regs[j];
		regs[j] = t;
	}
	desc.nr_regs = n;
	ASSERT_GT(desc.dev_size, off);
	ASSERT_EQ(0, vmdev_rdev_create(&desc, &dev));
	for (round = 0; round < 20000; round++) {
		u32 a = rand() % (off + 8), len = 1 << (rand() % 4);
		u64 want = wmask_of(len), got;
		bool hit = false;

		for (i = 0; i < n; i++) {
			if (regs[i].flags & VMDEV_REG_F_NOREAD)
				continue;
			if (regs[i].offset == a && regs[i].width == len) {
				want = regs[i].reset;
				hit = true;
			}
		}
		got = CORE_READ(dev, a, len);
		ASSERT_EQ(want, got) {
			TH_LOG("read %u bytes at %#x: hit %d", len, a, hit);
		}
		/* Writes find the write-side twin, or nothing. */
		CORE_WRITE(dev, a, len, 0);
	}
	vmdev_rdev_destroy(dev);
}

TEST_HARNESS_MAIN
