// SPDX-License-Identifier: GPL-2.0
/*
 * FIFOs (VMM drain/fill, guest push/pop, full, empty, overflow, ring
 * wrap), status links, interrupt lines with their edge/level events, the
 * interrupt-ID encoder, and reset, as the VMM observes them through the
 * events every operation reports.
 */
#include "kselftest_harness.h"
#include "core_test.h"

/*
 * A device with a transmit FIFO (guest writes, VMM drains), a receive
 * FIFO (VMM fills, guest reads), a status register fed by links, an
 * enable register, a W1C acknowledge, a COR status, two lines (level on
 * status & enable, edge on the COR status with a constant enable) and
 * an interrupt-ID register.
 */
enum { F_TX, F_RX, F_STATUS, F_ENABLE, F_ACK, F_COR, F_ID, F_FLAGS, F_NR };
enum { L_MAIN, L_COR, L_NR };

#define TX_DEPTH	4
#define RX_DEPTH	3

/* F_STATUS bits driven by links; bits 4.. are free for the VMM. */
#define S_TX_EMPTY	0x01
#define S_TX_FULL	0x02
#define S_RX_NONEMPTY	0x04
#define S_RX_NOTFULL	0x08

FIXTURE(fifo) {
	struct core_map m;
	struct vmdev_rdev *dev;
	struct vmdev_rdev_events ev;
};

FIXTURE_VARIANT(fifo) {
	u8 width;
};

FIXTURE_VARIANT_ADD(fifo, w1) { .width = 1 };
FIXTURE_VARIANT_ADD(fifo, w2) { .width = 2 };
FIXTURE_VARIANT_ADD(fifo, w4) { .width = 4 };
FIXTURE_VARIANT_ADD(fifo, w8) { .width = 8 };

FIXTURE_SETUP(fifo)
{
	struct core_map *m = &self->m;
	u8 w = variant->width;
	struct vmdev_reg r;

	core_map_init(m, 0, 64);
	core_add_reg(m, core_fifo(0, w, VMDEV_REG_FIFO_IN, TX_DEPTH));
	core_add_reg(m, core_fifo(8, w, VMDEV_REG_FIFO_OUT, RX_DEPTH));
	r = core_reg(16, 1, VMDEV_REG_RW);
	r.wmask = 0xff;		/* link bits stay link-driven anyway */
	core_add_reg(m, r);
	r = core_reg(17, 1, VMDEV_REG_RW);
	r.wmask = 0xff;
	core_add_reg(m, r);
	r = core_reg(18, 1, VMDEV_REG_W1C);
	r.flags = VMDEV_REG_F_NOREAD;
	r.wmask = 0xf0;
	r.arg.target.flags = VMDEV_TARGET_F_OTHER;
	r.arg.target.target = F_STATUS;
	core_add_reg(m, r);
	core_add_reg(m, core_reg(19, 1, VMDEV_REG_COR));
	r = core_reg(20, 1, VMDEV_REG_IRQ_ID);
	r.reset = 0x01;
	r.arg.irq_id.id_mask = 0x0f;
	r.arg.irq_id.nr_prio = 3;
	r.arg.irq_id.prio[0] = 4;	/* VMM bit 4 first */
	r.arg.irq_id.prio[1] = 2;	/* then RX data */
	r.arg.irq_id.prio[2] = 0;	/* then TX empty */
	r.arg.irq_id.code[0] = 0x6;
	r.arg.irq_id.code[1] = 0x4;
	r.arg.irq_id.code[2] = 0x2;
	core_add_reg(m, r);
	core_add_reg(m, core_reg(21, 1, VMDEV_REG_RO));
	core_add_link(m, F_TX, F_STATUS, VMDEV_LINK_EMPTY, S_TX_EMPTY);
	core_add_link(m, F_TX, F_STATUS, VMDEV_LINK_FULL, S_TX_FULL);
	core_add_link(m, F_RX, F_STATUS, VMDEV_LINK_NONEMPTY, S_RX_NONEMPTY);
	core_add_link(m, F_RX, F_STATUS, VMDEV_LINK_NOTFULL, S_RX_NOTFULL);
	core_add_irq(m, F_STATUS, F_ENABLE, 0, VMDEV_IRQ_F_LEVEL);
	core_add_irq(m, F_COR, VMDEV_SEL_NONE, 0x3, 0);
	ASSERT_EQ(0, vmdev_rdev_create(&m->desc, &self->dev));
}

FIXTURE_TEARDOWN(fifo)
{
	vmdev_rdev_destroy(self->dev);
}

static u64 entry(u32 i, u32 width)
{
	u64 v = 0x0807060504030201ULL * (i + 1) + 0xf0f0f0f000000000ULL;

	return width == 8 ? v : v & ((1ULL << (8 * width)) - 1);
}

static int push(struct vmdev_rdev *dev, u32 width, u64 v,
		struct vmdev_rdev_events *ev)
{
	return vmdev_rdev_access(dev, 0, width, true, &v, ev);
}

TEST_F(fifo, drain_in_guest_order)
{
	u32 w = variant->width, i;
	u8 buf[TX_DEPTH * 8 + 8];
	u64 n;

	for (i = 0; i < TX_DEPTH; i++)
		ASSERT_EQ(0, push(self->dev, w, entry(i, w), NULL));
	EXPECT_EQ((u64)TX_DEPTH, CORE_RAW(self->dev, F_TX));
	/* Drain in two goes: partial, then the rest with room to spare. */
	memset(buf, 0xee, sizeof(buf));
	ASSERT_EQ(1, vmdev_rdev_fifo_drain(self->dev, F_TX, buf, 1, NULL));
	EXPECT_EQ(entry(0, w), core_load(buf, w));
	EXPECT_EQ(0xeeU, buf[w]);
	ASSERT_EQ(TX_DEPTH - 1, vmdev_rdev_fifo_drain(self->dev, F_TX, buf,
						      TX_DEPTH + 1, NULL));
	for (i = 1; i < TX_DEPTH; i++)
		EXPECT_EQ(entry(i, w), core_load(buf + (i - 1) * w, w));
	EXPECT_EQ(0xeeU, buf[(TX_DEPTH - 1) * w]);
	/* Empty: nothing moves. */
	EXPECT_EQ(0, vmdev_rdev_fifo_drain(self->dev, F_TX, buf, 1, NULL));
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev, F_TX, &n));
	EXPECT_EQ(0ULL, n);
}

TEST_F(fifo, guest_push_overflow_counts)
{
	u32 w = variant->width, i;
	u8 buf[TX_DEPTH * 8];
	u64 n;

	for (i = 0; i < TX_DEPTH + 5; i++)
		ASSERT_EQ(0, push(self->dev, w, entry(i, w), NULL));
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev, F_TX, &n));
	EXPECT_EQ(5ULL, n);
	/* The oldest entries stay; the late ones were dropped. */
	ASSERT_EQ(TX_DEPTH, vmdev_rdev_fifo_drain(self->dev, F_TX, buf,
						  TX_DEPTH, NULL));
	EXPECT_EQ(entry(TX_DEPTH - 1, w),
		  core_load(buf + (TX_DEPTH - 1) * w, w));
	vmdev_rdev_reset(self->dev, NULL);
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev, F_TX, &n));
	EXPECT_EQ(0ULL, n);
}

TEST_F(fifo, fill_until_full_then_pop)
{
	u32 w = variant->width, i;
	u8 buf[(RX_DEPTH + 2) * 8];

	for (i = 0; i < RX_DEPTH + 2; i++)
		core_store(buf + i * w, w, entry(i, w));
	ASSERT_EQ(RX_DEPTH, vmdev_rdev_fifo_fill(self->dev, F_RX, buf,
						 RX_DEPTH + 2, NULL));
	EXPECT_EQ(0, vmdev_rdev_fifo_fill(self->dev, F_RX, buf, 1, NULL));
	EXPECT_EQ((u64)RX_DEPTH, CORE_RAW(self->dev, F_RX));
	for (i = 0; i < RX_DEPTH; i++)
		EXPECT_EQ(entry(i, w), CORE_READ(self->dev, 8, w));
	/* Empty: the reset value. */
	EXPECT_EQ(0ULL, CORE_READ(self->dev, 8, w));
}

/* Many times around the ring, checking order across the wrap. */
TEST_F(fifo, ring_wraps)
{
	u32 w = variant->width, i, next_in = 0, next_out = 0;
	u8 buf[8];

	for (i = 0; i < 50; i++) {
		u32 k, burst = 1 + i % RX_DEPTH;

		for (k = 0; k < burst; k++) {
			core_store(buf, w, entry(next_in, w));
			if (vmdev_rdev_fifo_fill(self->dev, F_RX, buf, 1,
						 NULL) == 1)
				next_in++;
		}
		while (next_out < next_in)
			ASSERT_EQ(entry(next_out++, w),
				  CORE_READ(self->dev, 8, w));
	}
	EXPECT_LT(40U, next_out);
}

TEST_F(fifo, io_errors)
{
	struct vmdev_rdev_events ev;
	u8 buf[8] = { 0 };
	u64 n = 9;

	memset(&ev, 0xff, sizeof(ev));
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_drain(self->dev, F_RX, buf, 1, &ev));
	EXPECT_EQ(0U, ev.irq_level | ev.irq_rose | ev.irq_fell | ev.doorbells);
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_fill(self->dev, F_TX, buf, 1, NULL));
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_drain(self->dev, F_TX, buf, 0, NULL));
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_fill(self->dev, F_RX, buf, 0, NULL));
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_drain(self->dev, F_STATUS, buf, 1,
						 NULL));
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_fill(self->dev, F_ENABLE, buf, 1,
						NULL));
	EXPECT_EQ(-ENOENT, vmdev_rdev_fifo_drain(self->dev, F_NR, buf, 1, NULL));
	EXPECT_EQ(-ENOENT, vmdev_rdev_fifo_fill(self->dev, F_NR, buf, 1, NULL));
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_overflow(self->dev, F_RX, &n));
	EXPECT_EQ(-EINVAL, vmdev_rdev_fifo_overflow(self->dev, F_COR, &n));
	EXPECT_EQ(-ENOENT, vmdev_rdev_fifo_overflow(self->dev, F_NR, &n));
	EXPECT_EQ(9ULL, n);
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, F_RX));
}

TEST_F(fifo, links_follow_fifo_state)
{
	u32 w = variant->width, i;
	u8 buf[8 * TX_DEPTH];

	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NOTFULL),
		  CORE_RAW(self->dev, F_STATUS));
	ASSERT_EQ(0, push(self->dev, w, 1, NULL));
	EXPECT_EQ((u64)S_RX_NOTFULL, CORE_RAW(self->dev, F_STATUS));
	for (i = 1; i < TX_DEPTH; i++)
		ASSERT_EQ(0, push(self->dev, w, 1, NULL));
	EXPECT_EQ((u64)(S_TX_FULL | S_RX_NOTFULL),
		  CORE_RAW(self->dev, F_STATUS));
	ASSERT_EQ(TX_DEPTH, vmdev_rdev_fifo_drain(self->dev, F_TX, buf,
						  TX_DEPTH, NULL));
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NOTFULL),
		  CORE_RAW(self->dev, F_STATUS));
	for (i = 0; i < RX_DEPTH; i++)
		core_store(buf + i * w, w, i);
	ASSERT_EQ(1, vmdev_rdev_fifo_fill(self->dev, F_RX, buf, 1, NULL));
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NONEMPTY | S_RX_NOTFULL),
		  CORE_RAW(self->dev, F_STATUS));
	ASSERT_EQ(RX_DEPTH - 1, vmdev_rdev_fifo_fill(self->dev, F_RX, buf,
						     RX_DEPTH, NULL));
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NONEMPTY),
		  CORE_RAW(self->dev, F_STATUS));
	for (i = 0; i < RX_DEPTH; i++)
		CORE_READ(self->dev, 8, w);
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NOTFULL),
		  CORE_RAW(self->dev, F_STATUS));
}

TEST_F(fifo, link_bits_cannot_be_overridden)
{
	/* The guest writes the opposite of every link bit, and sets 0x30. */
	CORE_WRITE(self->dev, 16, 1, S_TX_FULL | S_RX_NONEMPTY | 0x30);
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NOTFULL | 0x30),
		  CORE_READ(self->dev, 16, 1));
	/* So does the VMM. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_STATUS, 0x40, NULL));
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NOTFULL | 0x40),
		  CORE_RAW(self->dev, F_STATUS));
	/* W1C acknowledges only its wmask (0xf0): link bits stay. */
	CORE_WRITE(self->dev, 18, 1, 0xff);
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NOTFULL),
		  CORE_RAW(self->dev, F_STATUS));
}

TEST_F(fifo, level_line_events)
{
	struct vmdev_rdev_events *ev = &self->ev;
	u32 w = variant->width;
	u8 buf[8] = { 1 };
	u64 v;

	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dev, L_MAIN));
	/* Enabling RX-data: nothing pending yet. */
	v = S_RX_NONEMPTY;
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 17, 1, true, &v, ev));
	EXPECT_EQ(0U, ev->irq_rose | ev->irq_level);
	/* Data arrives: the line rises. */
	ASSERT_EQ(1, vmdev_rdev_fifo_fill(self->dev, F_RX, buf, 1, ev));
	EXPECT_EQ(1U << L_MAIN, ev->irq_rose);
	EXPECT_EQ(1U << L_MAIN, ev->irq_level);
	EXPECT_EQ(0U, ev->irq_fell);
	EXPECT_TRUE(vmdev_rdev_irq_asserted(self->dev, L_MAIN));
	/* More data: still up, no new rise. */
	ASSERT_EQ(1, vmdev_rdev_fifo_fill(self->dev, F_RX, buf, 1, ev));
	EXPECT_EQ(0U, ev->irq_rose);
	EXPECT_EQ(1U << L_MAIN, ev->irq_level);
	/* Reads that change nothing report the level. */
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 16, 1, false, &v, ev));
	EXPECT_EQ(1U << L_MAIN, ev->irq_level);
	/* The guest pops both: it falls on the last one. */
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 8, w, false, &v, ev));
	EXPECT_EQ(0U, ev->irq_fell);
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 8, w, false, &v, ev));
	EXPECT_EQ(1U << L_MAIN, ev->irq_fell);
	EXPECT_EQ(0U, ev->irq_level);
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dev, L_MAIN));
	/* Enable TX-empty: pending already, so enabling raises it. */
	v = S_RX_NONEMPTY | S_TX_EMPTY;
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 17, 1, true, &v, ev));
	EXPECT_EQ(1U << L_MAIN, ev->irq_rose);
	/* Disabling lowers it. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_ENABLE, 0, ev));
	EXPECT_EQ(1U << L_MAIN, ev->irq_fell);
	EXPECT_EQ(VMDEV_IRQ_F_LEVEL, vmdev_rdev_irq_flags(self->dev, L_MAIN));
}

TEST_F(fifo, vmm_source_and_w1c_ack)
{
	struct vmdev_rdev_events *ev = &self->ev;
	u64 v = 0x10;

	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_ENABLE, 0x10, ev));
	EXPECT_EQ(0U, ev->irq_level);
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_STATUS, 0x10, ev));
	EXPECT_EQ(1U << L_MAIN, ev->irq_rose);
	/* The guest acknowledges through the W1C register. */
	CORE_WRITE(self->dev, 18, 1, 0x20);
	EXPECT_TRUE(vmdev_rdev_irq_asserted(self->dev, L_MAIN));
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 18, 1, true, &v, ev));
	EXPECT_EQ(1U << L_MAIN, ev->irq_fell);
	EXPECT_EQ(0U, ev->irq_level);
}

TEST_F(fifo, edge_line_on_cor_status)
{
	struct vmdev_rdev_events *ev = &self->ev;
	u64 v;

	EXPECT_EQ(0U, vmdev_rdev_irq_flags(self->dev, L_COR));
	EXPECT_EQ(0U, vmdev_rdev_irq_flags(self->dev, L_NR));
	EXPECT_FALSE(vmdev_rdev_irq_asserted(self->dev, L_NR));
	/* Bit 2 is outside the constant enable 0x3. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_COR, 0x4, ev));
	EXPECT_EQ(0U, ev->irq_rose);
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_COR, 0x6, ev));
	EXPECT_EQ(1U << L_COR, ev->irq_rose);
	/* Reading clears it: the line falls in the same access. */
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 19, 1, false, &v, ev));
	EXPECT_EQ(0x6ULL, v);
	EXPECT_EQ(1U << L_COR, ev->irq_fell);
	ASSERT_EQ(0, vmdev_rdev_access(self->dev, 19, 1, false, &v, ev));
	EXPECT_EQ(0ULL, v);
	EXPECT_EQ(0U, ev->irq_fell | ev->irq_rose);
}

TEST_F(fifo, irq_id_priority)
{
	u8 buf[8] = { 1 };

	/* Nothing enabled: the reset value. */
	EXPECT_EQ(0x01ULL, CORE_READ(self->dev, 20, 1));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_ENABLE, 0xff, NULL));
	/* TX empty is pending (links): lowest priority. */
	EXPECT_EQ(0x02ULL, CORE_READ(self->dev, 20, 1));
	ASSERT_EQ(1, vmdev_rdev_fifo_fill(self->dev, F_RX, buf, 1, NULL));
	EXPECT_EQ(0x04ULL, CORE_READ(self->dev, 20, 1));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_STATUS, 0x10, NULL));
	EXPECT_EQ(0x06ULL, CORE_READ(self->dev, 20, 1));
	/* Masking the top source by enable uncovers the next. */
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_ENABLE, 0x05, NULL));
	EXPECT_EQ(0x04ULL, CORE_READ(self->dev, 20, 1));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_ENABLE, 0x08, NULL));
	EXPECT_EQ(0x01ULL, CORE_READ(self->dev, 20, 1));
}

TEST_F(fifo, reset_restores_everything)
{
	struct vmdev_rdev_events *ev = &self->ev;
	u32 w = variant->width, i;
	u8 buf[8 * RX_DEPTH] = { 0 };
	u64 n;

	for (i = 0; i < TX_DEPTH + 1; i++)
		ASSERT_EQ(0, push(self->dev, w, i, NULL));
	ASSERT_EQ(RX_DEPTH, vmdev_rdev_fifo_fill(self->dev, F_RX, buf,
						 RX_DEPTH, NULL));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_ENABLE, 0xff, NULL));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_COR, 0x1, NULL));
	ASSERT_EQ(0, vmdev_rdev_reg_write(self->dev, F_FLAGS, 0x5a, NULL));
	EXPECT_TRUE(vmdev_rdev_irq_asserted(self->dev, L_MAIN));
	memset(ev, 0xff, sizeof(*ev));
	vmdev_rdev_reset(self->dev, ev);
	EXPECT_EQ((1U << L_MAIN) | (1U << L_COR), ev->irq_fell);
	EXPECT_EQ(0U, ev->irq_level | ev->irq_rose | ev->doorbells);
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, F_TX));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, F_RX));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, F_ENABLE));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, F_COR));
	EXPECT_EQ(0ULL, CORE_RAW(self->dev, F_FLAGS));
	EXPECT_EQ((u64)(S_TX_EMPTY | S_RX_NOTFULL),
		  CORE_RAW(self->dev, F_STATUS));
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(self->dev, F_TX, &n));
	EXPECT_EQ(0ULL, n);
	/* And everything still works from there. */
	ASSERT_EQ(0, push(self->dev, w, 0x3c, NULL));
	ASSERT_EQ(1, vmdev_rdev_fifo_drain(self->dev, F_TX, buf, 1, NULL));
	EXPECT_EQ(0x3cU, buf[0]);
}

/* Eight lines at once: each bit of the events is its own line. */
TEST(eight_lines)
{
	struct core_map m;
	struct vmdev_rdev *dev;
	struct vmdev_rdev_events ev;
	struct vmdev_reg r;
	u32 i;

	core_map_init(&m, 0, 8);
	r = core_reg(0, 1, VMDEV_REG_RW);
	r.wmask = 0xff;
	core_add_reg(&m, r);
	for (i = 0; i < VMDEV_MAX_IRQS; i++)
		core_add_irq(&m, 0, VMDEV_SEL_NONE, 1ULL << i,
			     i % 2 ? VMDEV_IRQ_F_LEVEL : 0);
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &dev));
	for (i = 0; i < VMDEV_MAX_IRQS; i++) {
		u64 v = 1ULL << i;

		ASSERT_EQ(0, vmdev_rdev_access(dev, 0, 1, true, &v, &ev));
		EXPECT_EQ(1U << i, ev.irq_level);
		EXPECT_EQ(1U << i, ev.irq_rose);
		EXPECT_EQ(i ? 1U << (i - 1) : 0U, ev.irq_fell);
		EXPECT_EQ(i % 2 ? VMDEV_IRQ_F_LEVEL : 0U,
			  vmdev_rdev_irq_flags(dev, i));
	}
	EXPECT_EQ((u32)VMDEV_MAX_IRQS, vmdev_rdev_nr_irqs(dev));
	vmdev_rdev_destroy(dev);
}

TEST_HARNESS_MAIN
