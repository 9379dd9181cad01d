// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot blobs of the register-device core (Documentation/snapshot.rst):
 * a save restored into a twin device reproduces every kind of state
 * (values, FIFO contents across a wrapped ring, drops, counters, line
 * levels) and saves to the same bytes; every malformed, corrupted, foreign
 * or inconsistent blob is refused with its errno and leaves the device as
 * it was (its save before and after are equal); context blobs.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "core_test.h"
#include "snapshot.h"

enum { S_TX, S_RX, S_STATUS, S_ENABLE, S_ACK, S_COR, S_ID, S_CNT, S_DB,
       S_CONST, S_RO, S_NR };

#define TX_DEPTH	4
#define RX_DEPTH	5
#define ST_TX_EMPTY	0x01
#define ST_RX_NONEMPTY	0x04

/* Header offsets (see the format) used to forge blobs. */
#define H_VERSION	4
#define H_SIZE		8
#define H_FLAGS		12
#define H_KIND		16
#define H_PAD		18
#define H_NR_SEC	20
#define MAP_SEC		32
#define REGS_SEC	(MAP_SEC + 16 + 32)
#define REC_LEN		24

static void build_map(struct core_map *m, u8 w, u32 rx_depth, u64 ro_reset)
{
	struct vmdev_reg r;

	core_map_init(m, 0, 128);
	core_add_reg(m, core_fifo(0, w, VMDEV_REG_FIFO_IN, TX_DEPTH));
	core_add_reg(m, core_fifo(8, w, VMDEV_REG_FIFO_OUT, rx_depth));
	r = core_reg(16, 1, VMDEV_REG_RW);
	r.wmask = 0xff;
	core_add_reg(m, r);
	r = core_reg(17, 1, VMDEV_REG_RW);
	r.wmask = 0xff;
	core_add_reg(m, r);
	r = core_reg(18, 1, VMDEV_REG_W1C);
	r.flags = VMDEV_REG_F_NOREAD;
	r.wmask = 0xf0;
	r.arg.target.flags = VMDEV_TARGET_F_OTHER;
	r.arg.target.target = S_STATUS;
	core_add_reg(m, r);
	core_add_reg(m, core_reg(19, 1, VMDEV_REG_COR));
	r = core_reg(20, 1, VMDEV_REG_IRQ_ID);
	r.reset = 0x01;
	r.arg.irq_id.id_mask = 0x0f;
	r.arg.irq_id.nr_prio = 2;
	r.arg.irq_id.prio[0] = 2;
	r.arg.irq_id.prio[1] = 0;
	r.arg.irq_id.code[0] = 0x4;
	r.arg.irq_id.code[1] = 0x2;
	core_add_reg(m, r);
	/* A counter that never ticks ((ns * 1) >> 63): its count is stable. */
	r = core_reg(24, 4, VMDEV_REG_COUNTER);
	r.arg.counter.mult = 1;
	r.arg.counter.shift = 63;
	core_add_reg(m, r);
	r = core_reg(32, 4, VMDEV_REG_DOORBELL);
	r.wmask = 0xffffffff;
	core_add_reg(m, r);
	r = core_reg(40, 2, VMDEV_REG_CONST);
	r.reset = 0x1af4;
	core_add_reg(m, r);
	r = core_reg(48, 8, VMDEV_REG_RO);
	r.reset = ro_reset;
	core_add_reg(m, r);
	core_add_link(m, S_TX, S_STATUS, VMDEV_LINK_EMPTY, ST_TX_EMPTY);
	core_add_link(m, S_RX, S_STATUS, VMDEV_LINK_NONEMPTY, ST_RX_NONEMPTY);
	core_add_irq(m, S_STATUS, S_ENABLE, 0, VMDEV_IRQ_F_LEVEL);
	core_add_irq(m, S_COR, VMDEV_SEL_NONE, 0x3, 0);
}

static u64 entry(u32 i, u32 w)
{
	u64 v = 0x1122334455667788ULL * (i + 3);

	return w == 8 ? v : v & ((1ULL << (8 * w)) - 1);
}

static u64 le(const u8 *p, u32 n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static void put_le(u8 *p, u32 n, u64 v)
{
	u32 i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (u8)v;
}

FIXTURE(snap) {
	struct core_map m;
	struct vmdev_rdev *src, *dst;
	u8 *blob, *before, *after, *scratch;
	size_t max;
	long len;
};

FIXTURE_VARIANT(snap) {
	u8 width;
};

FIXTURE_VARIANT_ADD(snap, w1) { .width = 1 };
FIXTURE_VARIANT_ADD(snap, w2) { .width = 2 };
FIXTURE_VARIANT_ADD(snap, w4) { .width = 4 };
FIXTURE_VARIANT_ADD(snap, w8) { .width = 8 };

/* Every kind of state away from reset, the receive ring wrapped. */
static int dirty(struct vmdev_rdev *dev, u32 w)
{
	u8 buf[RX_DEPTH * 8];
	u64 v;
	u32 i;
	int ret = 0;

	for (i = 0; i < TX_DEPTH + 2; i++) {	/* full, two dropped */
		v = entry(i, w);
		ret |= vmdev_rdev_access(dev, 0, w, true, &v, NULL);
	}
	for (i = 0; i < RX_DEPTH; i++)
		core_store(buf + i * w, w, entry(10 + i, w));
	ret |= vmdev_rdev_fifo_fill(dev, S_RX, buf, RX_DEPTH, NULL) !=
	       RX_DEPTH;
	for (i = 0; i < 3; i++)			/* head moves to 3 */
		ret |= vmdev_rdev_access(dev, 8, w, false, &v, NULL);
	ret |= vmdev_rdev_fifo_fill(dev, S_RX, buf, 2, NULL) != 2;
	ret |= vmdev_rdev_reg_write(dev, S_ENABLE, 0x04, NULL);
	ret |= vmdev_rdev_reg_write(dev, S_STATUS, 0x30 | ST_RX_NONEMPTY, NULL);
	ret |= vmdev_rdev_reg_write(dev, S_COR, 0x2, NULL);
	ret |= vmdev_rdev_reg_write(dev, S_CNT, 0x12345678, NULL);
	v = 0xcafe;
	ret |= vmdev_rdev_access(dev, 32, 4, true, &v, NULL);
	ret |= vmdev_rdev_reg_write(dev, S_RO, 0x0102030405060708ULL, NULL);
	return ret;
}

FIXTURE_SETUP(snap)
{
	build_map(&self->m, variant->width, RX_DEPTH, 0);
	ASSERT_EQ(0, vmdev_rdev_create(&self->m.desc, &self->src));
	ASSERT_EQ(0, vmdev_rdev_create(&self->m.desc, &self->dst));
	self->max = vmdev_rdev_save_size(self->src);
	/* Room for forged blobs a little larger than any save. */
	self->blob = calloc(1, self->max + 64);
	self->before = calloc(1, self->max);
	self->after = calloc(1, self->max);
	self->scratch = calloc(1, vmdev_rdev_restore_scratch_size(self->dst));
	ASSERT_NE(NULL, self->blob);
	ASSERT_NE(NULL, self->before);
	ASSERT_NE(NULL, self->after);
	ASSERT_NE(NULL, self->scratch);
	ASSERT_EQ(0, dirty(self->src, variant->width));
	self->len = vmdev_rdev_save(self->src, self->blob, self->max);
	ASSERT_GT(self->len, 0);
	ASSERT_EQ(0, self->len % 8);
	/* The twin is in a state of its own, which errors must not touch. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dst, S_RO, 0x77, NULL));
}

FIXTURE_TEARDOWN(snap)
{
	vmdev_rdev_destroy(self->src);
	vmdev_rdev_destroy(self->dst);
	free(self->blob);
	free(self->before);
	free(self->after);
	free(self->scratch);
}

/* The record of register reg in the blob. */
static u8 *record(u8 *blob, const struct core_map *m, u32 reg)
{
	u8 *p = blob + REGS_SEC + 16;
	u32 i;

	for (i = 0; i < reg; i++)
		p += REC_LEN + ((le(p + 4, 4) * m->regs[i].width + 7) & ~7ULL);
	return p;
}

TEST_F(snap, round_trip_same_bytes)
{
	struct vmdev_rdev_events ev;
	u32 w = variant->width, i;
	u8 buf[8 * 8];
	long n;
	u64 v;

	ASSERT_EQ(0, vmdev_rdev_restore(self->dst, self->blob, self->len,
					self->scratch, &ev));
	/* Line 0 rose (status & enable), line 1 too (COR & 0x3). */
	EXPECT_EQ(0x3U, ev.irq_rose);
	EXPECT_EQ(0x3U, ev.irq_level);
	n = vmdev_rdev_save(self->dst, self->after, self->max);
	ASSERT_EQ(self->len, n);
	EXPECT_EQ(0, memcmp(self->blob, self->after, n));
	/* What the restored device does, not just what it saves. */
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dst, S_TX, &v));
	EXPECT_EQ(2ULL, v);
	ASSERT_EQ(TX_DEPTH, vmdev_rdev_fifo_drain(self->dst, S_TX, buf, 8,
						  NULL));
	for (i = 0; i < TX_DEPTH; i++)
		EXPECT_EQ(entry(i, w), core_load(buf + i * w, w));
	/* RX: 13, 14 then the refill 10, 11 (the ring had wrapped). */
	EXPECT_EQ(entry(13, w), CORE_READ(self->dst, 8, w));
	EXPECT_EQ(entry(14, w), CORE_READ(self->dst, 8, w));
	EXPECT_EQ(entry(10, w), CORE_READ(self->dst, 8, w));
	EXPECT_EQ(entry(11, w), CORE_READ(self->dst, 8, w));
	EXPECT_EQ(0ULL, CORE_RAW(self->dst, S_RX));
	EXPECT_EQ(0x12345678ULL, CORE_RAW(self->dst, S_CNT));
	EXPECT_EQ(0xcafeULL, CORE_RAW(self->dst, S_DB));
	EXPECT_EQ(0x0102030405060708ULL, CORE_RAW(self->dst, S_RO));
	EXPECT_EQ(0x2ULL, CORE_READ(self->dst, 19, 1));	/* COR: read clears */
	EXPECT_EQ(0ULL, CORE_RAW(self->dst, S_COR));
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dst, 1));
	/* RX drained: the link cleared RX_NONEMPTY, so line 0 fell. */
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dst, 0));
}

TEST_F(snap, save_size_and_enospc)
{
	EXPECT_LE((size_t)self->len, self->max);
	EXPECT_EQ(-ENOSPC, vmdev_rdev_save(self->src, self->after,
					   self->max - 1));
	EXPECT_EQ((u64)self->len, le(self->blob + H_SIZE, 4));
}

/*
 * Restore a forged blob and return the result; on error, the device
 * must save to the same bytes after as before.
 */
static int refused(struct __test_metadata *_metadata,
		   FIXTURE_DATA(snap) *self, size_t len, bool reseal)
{
	long a, b;
	int ret;

	if (reseal)
		vmdev_snap_seal(self->blob, len);
	a = vmdev_rdev_save(self->dst, self->before, self->max);
	ret = vmdev_rdev_restore(self->dst, self->blob, len, self->scratch,
				 NULL);
	b = vmdev_rdev_save(self->dst, self->after, self->max);
	if (ret) {
		EXPECT_EQ(a, b);
		EXPECT_EQ(0, memcmp(self->before, self->after, a));
	}
	return ret;
}

TEST_F(snap, truncated_oversized_corrupted)
{
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, 0, false));
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, 31, false));
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len - 8, false));
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len + 8, false));
	self->blob[self->len - 1] ^= 0x40;	/* checksum catches it */
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, false));
	self->blob[self->len - 1] ^= 0x40;
	self->blob[0] ^= 1;			/* magic */
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	self->blob[0] ^= 1;
	EXPECT_EQ(0, refused(_metadata, self, self->len, true));
}

TEST_F(snap, version_flags_kind)
{
	put_le(self->blob + H_VERSION, 2, 2);
	EXPECT_EQ(-EPROTONOSUPPORT, refused(_metadata, self, self->len, true));
	put_le(self->blob + H_VERSION, 2, 1);
	put_le(self->blob + H_FLAGS, 4, 1);
	EXPECT_EQ(-EPROTONOSUPPORT, refused(_metadata, self, self->len, true));
	put_le(self->blob + H_FLAGS, 4, 0);
	put_le(self->blob + H_KIND, 2, 2);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(self->blob + H_KIND, 2, 1);
	put_le(self->blob + H_PAD, 2, 1);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(self->blob + H_PAD, 2, 0);
	put_le(self->blob + H_NR_SEC, 4, 4);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
}

/* Append a section (tag, flags) of 5 bytes, then 3 bytes of padding. */
static size_t append(FIXTURE_DATA(snap) *self, u32 tag, u32 flags)
{
	u8 *p = self->blob + self->len;
	size_t len = self->len + 16 + 8;

	memset(p, 0, 24);
	put_le(p, 2, tag);
	put_le(p + 2, 2, flags);
	put_le(p + 4, 4, 5);
	memcpy(p + 16, "extra", 5);
	put_le(self->blob + H_SIZE, 4, len);
	put_le(self->blob + H_NR_SEC, 4, 4);
	return len;
}

TEST_F(snap, unknown_sections)
{
	size_t len = append(self, 200, VMDEV_SNAP_SEC_F_OPTIONAL);

	/* An optional section a newer writer added is skipped. */
	EXPECT_EQ(0, refused(_metadata, self, len, true));
	len = append(self, 200, 0);
	EXPECT_EQ(-EPROTONOSUPPORT, refused(_metadata, self, len, true));
	len = append(self, 200, 0x8000);	/* unknown section flag */
	EXPECT_EQ(-EPROTONOSUPPORT, refused(_metadata, self, len, true));
	len = append(self, VMDEV_SNAP_TAG_IRQ, 0);	/* twice */
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, len, true));
	len = append(self, 200, VMDEV_SNAP_SEC_F_OPTIONAL);
	self->blob[len - 1] = 1;		/* non-zero section padding */
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, len, true));
}

TEST_F(snap, values_out_of_range)
{
	u8 *rec;

	rec = record(self->blob, &self->m, S_ENABLE);	/* 1 byte wide */
	put_le(rec + 8, 8, 0x104);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(rec + 8, 8, 0x04);
	rec = record(self->blob, &self->m, S_CONST);	/* carries no value */
	put_le(rec + 8, 8, 1);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(rec + 8, 8, 0);
	put_le(rec + 16, 8, 1);			/* drops: FIFO_IN only */
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(rec + 16, 8, 0);
	put_le(rec, 1, VMDEV_REG_RO);		/* not the map's type */
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(rec, 1, VMDEV_REG_CONST);
	put_le(rec + 2, 2, 1);			/* record padding */
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(rec + 2, 2, 0);
	EXPECT_EQ(0, refused(_metadata, self, self->len, true));
}

TEST_F(snap, fifo_count_over_depth)
{
	u8 *rec = record(self->blob, &self->m, S_TX);

	EXPECT_EQ((u64)TX_DEPTH, le(rec + 4, 4));
	put_le(rec + 4, 4, TX_DEPTH + 1);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(rec + 4, 4, 0xffffffff);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
}

TEST_F(snap, inconsistent_state)
{
	u8 *rec = record(self->blob, &self->m, S_STATUS);
	u8 *irq = self->blob + self->len - 8;

	/* A link bit that contradicts its FIFO (TX is full, not empty). */
	put_le(rec + 8, 8, le(rec + 8, 8) | ST_TX_EMPTY);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(rec + 8, 8, le(rec + 8, 8) & ~(u64)ST_TX_EMPTY);
	/* A line level the registers do not imply, or no such line. */
	EXPECT_EQ(0x3ULL, le(irq + 4, 4));
	put_le(irq + 4, 4, 0x1);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(irq + 4, 4, 0x7);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
	put_le(irq + 4, 4, 0x3);
	put_le(irq, 4, 3);
	EXPECT_EQ(-EBADMSG, refused(_metadata, self, self->len, true));
}

/* A device of another map: -EMEDIUMTYPE, and it is left alone. */
static void mismatch(struct __test_metadata *_metadata,
		     FIXTURE_DATA(snap) *self, u32 rx_depth, u64 ro_reset)
{
	struct core_map other;
	struct vmdev_rdev *dev;
	u8 *scratch;
	long a, b;

	build_map(&other, self->m.regs[0].width, rx_depth, ro_reset);
	ASSERT_EQ(0, vmdev_rdev_create(&other.desc, &dev));
	scratch = calloc(1, vmdev_rdev_restore_scratch_size(dev));
	ASSERT_NE(NULL, scratch);
	a = vmdev_rdev_save(dev, self->before, self->max);
	ASSERT_GT(a, 0);
	EXPECT_EQ(-EMEDIUMTYPE, vmdev_rdev_restore(dev, self->blob, self->len,
						   scratch, NULL));
	b = vmdev_rdev_save(dev, self->after, self->max);
	EXPECT_EQ(a, b);
	EXPECT_EQ(0, memcmp(self->before, self->after, a));
	free(scratch);
	vmdev_rdev_destroy(dev);
}

TEST_F(snap, map_mismatch)
{
	mismatch(_metadata, self, RX_DEPTH - 1, 0);	/* another depth */
	mismatch(_metadata, self, RX_DEPTH, 1);		/* another reset */
}

TEST_F(snap, context_blob)
{
	size_t cap = 32 + 2 * (16 + self->max);
	u8 *ctx = calloc(1, cap);
	const void *dev_blob;
	size_t pos, dev_len;
	long end;
	u32 nr, id;

	ASSERT_NE(NULL, ctx);
	end = vmdev_snap_ctx_add(ctx, cap, 32, 3, self->src);
	ASSERT_GT(end, 0);
	end = vmdev_snap_ctx_add(ctx, cap, end, 7, self->dst);
	ASSERT_GT(end, 0);
	EXPECT_EQ(-ENOSPC, vmdev_snap_ctx_add(ctx, end + 16, end, 9,
					      self->dst));
	vmdev_snap_ctx_finish(ctx, end, 2);
	ASSERT_EQ(0, vmdev_snap_ctx_check(ctx, end, &nr));
	EXPECT_EQ(2U, nr);
	pos = 32;
	ASSERT_EQ(1, vmdev_snap_ctx_next(ctx, end, &pos, &id, &dev_blob,
					 &dev_len));
	EXPECT_EQ(3U, id);
	EXPECT_EQ((size_t)self->len, dev_len);
	EXPECT_EQ(0, memcmp(dev_blob, self->blob, dev_len));
	ASSERT_EQ(1, vmdev_snap_ctx_next(ctx, end, &pos, &id, &dev_blob,
					 &dev_len));
	EXPECT_EQ(7U, id);
	EXPECT_EQ(0, vmdev_rdev_restore(self->src, dev_blob, dev_len,
					self->scratch, NULL));
	EXPECT_EQ(0, vmdev_snap_ctx_next(ctx, end, &pos, &id, &dev_blob,
					 &dev_len));
	/* Ids must ascend: a device cannot appear twice. */
	put_le(ctx + 32 + 16 + self->len + 8, 4, 3);
	vmdev_snap_seal(ctx, end);
	EXPECT_EQ(-EBADMSG, vmdev_snap_ctx_check(ctx, end, &nr));
	/* A device blob is not a context blob, and the other way round. */
	EXPECT_EQ(-EBADMSG, vmdev_snap_ctx_check(self->blob, self->len, &nr));
	EXPECT_EQ(-EBADMSG, vmdev_rdev_restore(self->dst, ctx, end,
					       self->scratch, NULL));
	free(ctx);
}

TEST_HARNESS_MAIN
