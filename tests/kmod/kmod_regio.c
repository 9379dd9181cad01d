// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM side of devices: VMDEV_REG_READ / VMDEV_REG_WRITE,
 * VMDEV_RESET_DEVICE and VMDEV_FIFO_IO (drain and fill, entry widths,
 * full and empty FIFOs, buffer bounds, every error).
 */
#include "kselftest_harness.h"
#include "kmod_util.h"

KMOD_DEVS_FIXTURE(devs);

TEST_F(devs, reg_read_write)
{
	struct vmdev_reg_io io = { .size = sizeof(io), .id = self->pio };
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->pio, KMOD_REG_RW,
				    0xdeadbeef));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0xdeadbeef, v);
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->pio, KMOD_REG_RW, &v));
	EXPECT_EQ(0xdeadbeef, v);
	/* Values are cut to the register's width. */
	ASSERT_EQ(0, kmod_reg_write(self->fd, self->pio, KMOD_REG_RW,
				    0x1ffffffffULL));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->pio, KMOD_REG_RW, &v));
	EXPECT_EQ(0xffffffff, v);
	/* The other device is another device. */
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->mmio, KMOD_REG_RW, &v));
	EXPECT_EQ(0U, v);
	/* Unknown register, register without VMM-writable state, padding. */
	EXPECT_EQ(-ENOENT, kmod_reg_read(self->fd, self->pio, KMOD_NR_REGS,
					 &v));
	EXPECT_EQ(-ENOENT, kmod_reg_write(self->fd, self->pio, 0xffffffff,
					  0));
	EXPECT_EQ(-EINVAL, kmod_reg_write(self->fd, self->pio,
					  KMOD_REG_CONST, 0));
	io.reg = KMOD_REG_RW;
	io.pad = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_REG_READ, &io));
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_REG_WRITE, &io));
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->pio, KMOD_REG_RW, &v));
	EXPECT_EQ(0xffffffff, v);
}

TEST_F(devs, reset)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, 0x3f0, 4, 0x77));
	ASSERT_EQ(DONE, kmod_write(self->fd, MMIO, 0xfee00000, 4, 0x66));
	ASSERT_EQ(0, kmod_reset(self->fd, self->pio));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0U, v);
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0xfee00000, 4, &v));
	EXPECT_EQ(0x66U, v);
}

/* A device with FIFOs of several widths. */
enum { F_IN1, F_OUT1, F_IN4, F_OUT8, F_RW, F_NR };

static const struct vmdev_reg fifo_regs[F_NR] = {
	[F_IN1] = { .offset = 0, .width = 1, .type = VMDEV_REG_FIFO_IN,
		    .sel_reg = VMDEV_SEL_NONE, .flags = VMDEV_REG_F_NOREAD,
		    .arg.fifo.depth = 8 },
	[F_OUT1] = { .offset = 0, .width = 1, .type = VMDEV_REG_FIFO_OUT,
		     .sel_reg = VMDEV_SEL_NONE, .flags = VMDEV_REG_F_NOWRITE,
		     .arg.fifo.depth = 8 },
	[F_IN4] = { .offset = 4, .width = 4, .type = VMDEV_REG_FIFO_IN,
		    .sel_reg = VMDEV_SEL_NONE,
		    .arg.fifo.depth = VMDEV_MAX_FIFO },
	[F_OUT8] = { .offset = 8, .width = 8, .type = VMDEV_REG_FIFO_OUT,
		     .sel_reg = VMDEV_SEL_NONE, .arg.fifo.depth = 4 },
	[F_RW] = { .offset = 16, .width = 4, .type = VMDEV_REG_RW,
		   .sel_reg = VMDEV_SEL_NONE, .wmask = 0xff },
};

static const struct vmdev_rdev_desc fifo_map = {
	.dev_size = 32, .nr_regs = F_NR, .regs = fifo_regs,
};

FIXTURE(fifo) {
	int fd;
	uint32_t id;
};

FIXTURE_SETUP(fifo)
{
	struct vmdev_range r = kmod_range(MMIO, 0x2000, 32);

	self->fd = -1;
	KMOD_OPEN_OR_SKIP(self->fd);
	ASSERT_EQ(0, kmod_create(self->fd, &fifo_map, &r, 1, &self->id));
}

FIXTURE_TEARDOWN(fifo)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(fifo, drain_bytes)
{
	uint8_t buf[16];
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, F_IN1, VMDEV_FIFO_DRAIN,
			       buf, 16));
	for (i = 0; i < 10; i++)	/* depth 8: the last two are lost */
		ASSERT_EQ(DONE, kmod_write(self->fd, MMIO, 0x2000, 1, 'a' + i));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(3, kmod_fifo(self->fd, self->id, F_IN1, VMDEV_FIFO_DRAIN,
			       buf, 3));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	EXPECT_EQ(0, buf[3]);
	ASSERT_EQ(5, kmod_fifo(self->fd, self->id, F_IN1, VMDEV_FIFO_DRAIN,
			       buf, 16));
	EXPECT_EQ(0, memcmp(buf, "defgh", 5));
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, F_IN1, VMDEV_FIFO_DRAIN,
			       buf, 16));
}

TEST_F(fifo, fill_bytes)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(8, kmod_fifo(self->fd, self->id, F_OUT1, VMDEV_FIFO_FILL,
			       "0123456789", 10));
	EXPECT_EQ(0, kmod_fifo(self->fd, self->id, F_OUT1, VMDEV_FIFO_FILL,
			       "x", 1));
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x2000, 1, &v));
	EXPECT_EQ((uint64_t)'0', v);
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x2000, 1, &v));
	EXPECT_EQ((uint64_t)'1', v);
	ASSERT_EQ(1, kmod_fifo(self->fd, self->id, F_OUT1, VMDEV_FIFO_FILL,
			       "x", 1));
}

TEST_F(fifo, wide_entries)
{
	static uint32_t in[VMDEV_MAX_FIFO], out[VMDEV_MAX_FIFO];
	uint64_t q[5] = { 1, 0x8000000000000000ULL, 3, 4, 5 }, v;
	uint32_t i;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(4, kmod_fifo(self->fd, self->id, F_OUT8, VMDEV_FIFO_FILL,
			       q, 5));
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x2008, 8, &v));
	EXPECT_EQ(1U, v);
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x2008, 8, &v));
	EXPECT_EQ(0x8000000000000000ULL, v);
	/* A full FIFO of 4096 4-byte entries in one call. */
	for (i = 0; i < VMDEV_MAX_FIFO; i++) {
		in[i] = i * 0x01010101u;
		ASSERT_EQ(DONE, kmod_write(self->fd, MMIO, 0x2004, 4, in[i]));
	}
	ASSERT_EQ(VMDEV_MAX_FIFO, kmod_fifo(self->fd, self->id, F_IN4,
					    VMDEV_FIFO_DRAIN, out,
					    VMDEV_MAX_FIFO));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
}

TEST_F(fifo, errors)
{
	struct vmdev_fifo_io io = {
		.size = sizeof(io), .id = self->id, .reg = F_IN1,
		.op = VMDEV_FIFO_DRAIN, .count = 1,
	};
	uint8_t buf[8];
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	io.buf = (uintptr_t)buf;
	io.op = 2;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_FIFO_IO, &io));
	io.op = VMDEV_FIFO_DRAIN;
	io.count = 0;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_FIFO_IO, &io));
	io.count = VMDEV_MAX_FIFO + 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_FIFO_IO, &io));
	io.count = 0xffffffff;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_FIFO_IO, &io));
	/* Wrong direction for the FIFO, or no FIFO at all. */
	EXPECT_EQ(-EINVAL, kmod_fifo(self->fd, self->id, F_IN1,
				     VMDEV_FIFO_FILL, buf, 1));
	EXPECT_EQ(-EINVAL, kmod_fifo(self->fd, self->id, F_OUT1,
				     VMDEV_FIFO_DRAIN, buf, 1));
	EXPECT_EQ(-EINVAL, kmod_fifo(self->fd, self->id, F_RW,
				     VMDEV_FIFO_DRAIN, buf, 1));
	EXPECT_EQ(-ENOENT, kmod_fifo(self->fd, self->id, F_NR,
				     VMDEV_FIFO_DRAIN, buf, 1));
	EXPECT_EQ(-ENOENT, kmod_fifo(self->fd, self->id, 0xffffffff,
				     VMDEV_FIFO_FILL, buf, 1));
	/* Unreadable fill buffer: nothing queued. */
	EXPECT_EQ(-EFAULT, kmod_fifo(self->fd, self->id, F_OUT1,
				     VMDEV_FIFO_FILL, NULL, 1));
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x2000, 1, &v));
	EXPECT_EQ(0U, v);
	/* Unwritable drain buffer: -EFAULT (the entry is consumed). */
	ASSERT_EQ(DONE, kmod_write(self->fd, MMIO, 0x2000, 1, 'z'));
	EXPECT_EQ(-EFAULT, kmod_fifo(self->fd, self->id, F_IN1,
				     VMDEV_FIFO_DRAIN, NULL, 1));
	/* Padding-free struct: an unknown op bit is an unknown op. */
	io.count = 1;
	io.op = 0x80000000;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_FIFO_IO, &io));
}

/* The buffer is count entries of the register's width, no more. */
TEST_F(fifo, buffer_bounds)
{
	uint8_t *edge;

	KMOD_SKIP_IF_NO_MODULE();
	edge = kmod_edge_buf(3);
	ASSERT_NE(NULL, edge);
	memcpy(edge, "xyz", 3);
	EXPECT_EQ(3, kmod_fifo(self->fd, self->id, F_OUT1, VMDEV_FIFO_FILL,
			       edge, 3));
	EXPECT_EQ(-EFAULT, kmod_fifo(self->fd, self->id, F_OUT1,
				     VMDEV_FIFO_FILL, edge, 4));
	kmod_edge_free(edge);
}

TEST_HARNESS_MAIN
