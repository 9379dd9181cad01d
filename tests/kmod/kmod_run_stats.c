// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_GET_STATS: each device's counters of accesses completed in the
 * kernel and sent to the slow path, interrupt line assertions, doorbell
 * rings and ioeventfd writes, per device and per context, and the
 * command's errors. Accesses come through VMDEV_ACCESS here, which
 * counts like the run loop (kmod_run tests the loop's counts); no KVM
 * is needed.
 */
#include <errno.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

#define BASE		0x6200

/* RW at 0, TRAP at 4, a doorbell at 8, an edge line on STATUS & ENABLE. */
enum { SRW, STRAP, SDB, SSTATUS, SENABLE, NR_STAT_REGS };

#define R(off, t, wm) {							\
	.offset = (off), .width = 4, .type = (t), .wmask = (wm),	\
	.sel_reg = VMDEV_SEL_NONE }

static const struct vmdev_reg stat_regs[NR_STAT_REGS] = {
	[SRW] = R(0, VMDEV_REG_RW, ~0U),
	[STRAP] = R(4, VMDEV_REG_TRAP, 0),
	[SDB] = R(8, VMDEV_REG_DOORBELL, ~0U),
	[SSTATUS] = R(12, VMDEV_REG_RW, ~0U),
	[SENABLE] = R(16, VMDEV_REG_RW, ~0U),
};

static const struct vmdev_irq stat_irq = {
	.status_reg = SSTATUS, .enable_reg = SENABLE,
};

static const struct vmdev_rdev_desc stat_map = {
	.dev_size = 20, .nr_regs = NR_STAT_REGS, .nr_irqs = 1,
	.regs = stat_regs, .irqs = &stat_irq,
};

static int get_stats(int fd, uint32_t id, struct vmdev_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->id = id;
	return (int)kmod_ioctl(fd, VMDEV_GET_STATS, st);
}

FIXTURE(stats) {
	int fd;
	uint32_t a, b;
};

FIXTURE_SETUP(stats)
{
	struct vmdev_range r = { .base = BASE, .len = 20, .space = PIO };

	self->fd = -1;
	KMOD_OPEN_OR_SKIP(self->fd);
	ASSERT_EQ(0, kmod_create(self->fd, &stat_map, &r, 1, &self->a));
	r.base += 0x100;
	ASSERT_EQ(0, kmod_create(self->fd, &stat_map, &r, 1, &self->b));
}

FIXTURE_TEARDOWN(stats)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(stats, fresh_device_is_zero)
{
	struct vmdev_stats st;

	KMOD_SKIP_IF_NO_MODULE();
	memset(&st, 0xff, sizeof(st));
	st.size = sizeof(st);
	st.id = self->a;
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_GET_STATS, &st));
	EXPECT_EQ(sizeof(st), st.size);
	EXPECT_EQ(self->a, st.id);
	EXPECT_EQ(0U, st.fast);
	EXPECT_EQ(0U, st.slow);
	EXPECT_EQ(0U, st.irqs);
	EXPECT_EQ(0U, st.doorbells);
	EXPECT_EQ(0U, st.ioeventfds);
}

/* Each kind of access lands in its own counter, on its own device. */
TEST_F(stats, counts_per_device)
{
	struct vmdev_stats st;
	uint64_t v;
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(DONE, kmod_write(self->fd, PIO, BASE, 4, i));
		ASSERT_EQ(DONE, kmod_read(self->fd, PIO, BASE, 4, &v));
	}
	ASSERT_EQ(SLOW, kmod_write(self->fd, PIO, BASE + 4, 4, 1));
	ASSERT_EQ(SLOW, kmod_read(self->fd, PIO, BASE + 4, 4, &v));
	ASSERT_EQ(SLOW, kmod_read(self->fd, PIO, BASE + 4, 4, &v));
	/* Two rings, one rising edge (STATUS first, then ENABLE). */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, BASE + 8, 4, 7));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, BASE + 8, 4, 8));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, BASE + 12, 4, 1));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, BASE + 16, 4, 1));
	/* Nothing mapped here: no device counts it. */
	ASSERT_EQ(SLOW, kmod_read(self->fd, PIO, BASE + 0x80, 4, &v));

	ASSERT_EQ(0, get_stats(self->fd, self->a, &st));
	EXPECT_EQ(14U, st.fast);
	EXPECT_EQ(3U, st.slow);
	EXPECT_EQ(1U, st.irqs);
	EXPECT_EQ(2U, st.doorbells);
	EXPECT_EQ(0U, st.ioeventfds);

	ASSERT_EQ(0, get_stats(self->fd, self->b, &st));
	EXPECT_EQ(0U, st.fast + st.slow + st.irqs + st.doorbells);
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, BASE + 0x100, 4, &v));
	ASSERT_EQ(0, get_stats(self->fd, self->b, &st));
	EXPECT_EQ(1U, st.fast);
}

/* The VMM's own register writes are no guest accesses. */
TEST_F(stats, vmm_side_not_counted_as_access)
{
	struct vmdev_stats st;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->a, SRW, 5));
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->a, SENABLE, 1));
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->a, SSTATUS, 1));
	ASSERT_EQ(0, get_stats(self->fd, self->a, &st));
	EXPECT_EQ(0U, st.fast + st.slow);
	/* A line raised by the VMM is an assertion all the same. */
	EXPECT_EQ(1U, st.irqs);
}

TEST_F(stats, errors)
{
	struct {
		struct vmdev_stats st;
		uint64_t tail;
	} big;
	struct vmdev_stats st;
	int other;

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(-ENOENT, get_stats(self->fd, 0, &st));
	EXPECT_EQ(-ENOENT, get_stats(self->fd, self->b + 1000, &st));
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_GET_STATS, NULL));

	memset(&st, 0, sizeof(st));
	st.id = self->a;
	st.size = offsetof(struct vmdev_stats, ioeventfds);
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_GET_STATS, &st));

	memset(&big, 0, sizeof(big));
	big.st.size = sizeof(big);
	big.st.id = self->a;
	big.tail = 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_GET_STATS, &big));
	big.tail = 0;
	EXPECT_EQ(0, kmod_ioctl(self->fd, VMDEV_GET_STATS, &big));
	EXPECT_EQ(0U, big.tail);

	/* A destroyed device, and another context's ids. */
	ASSERT_EQ(0, kmod_destroy(self->fd, self->b));
	EXPECT_EQ(-ENOENT, get_stats(self->fd, self->b, &st));
	other = kmod_open();
	ASSERT_LE(0, other);
	EXPECT_EQ(-ENOENT, get_stats(other, self->a, &st));
	close(other);
}

TEST_HARNESS_MAIN
