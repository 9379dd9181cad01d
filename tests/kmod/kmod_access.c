// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_ACCESS and VMDEV_ACCESS_BATCH: completed and slow-path accesses,
 * every malformed access (length, direction, space, padding, outside the
 * space, crossing a range's start or end) alone and inside a batch,
 * batch ordering, stop-at-first-not-done, write-back and faults.
 */
#include "kselftest_harness.h"
#include "kmod_util.h"

KMOD_DEVS_FIXTURE(access);

static int raw_access(int fd, struct vmdev_access *a)
{
	return (int)kmod_ioctl(fd, VMDEV_ACCESS, a);
}

TEST_F(access, done_and_slow)
{
	struct vmdev_access a = {
		.addr = 0xfee00008, .data = 0x1122334455667788ULL,
		.space = MMIO, .len = 8, .dir = VMDEV_DIR_WRITE,
		.result = 0xee,	/* an output: ignored on input */
	};
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, raw_access(self->fd, &a));
	EXPECT_EQ(DONE, a.result);
	ASSERT_EQ(0, kmod_reg_read(self->fd, self->mmio, KMOD_REG_RW64, &v));
	EXPECT_EQ(0x1122334455667788ULL, v);
	a.dir = VMDEV_DIR_READ;
	a.data = 0;
	ASSERT_EQ(0, raw_access(self->fd, &a));
	EXPECT_EQ(DONE, a.result);
	EXPECT_EQ(0x1122334455667788ULL, a.data);
	/* Nothing there: slow, data untouched. */
	a.addr = 0xfee00010;
	a.len = 4;
	a.data = 0xabcdef;
	ASSERT_EQ(0, raw_access(self->fd, &a));
	EXPECT_EQ(SLOW, a.result);
	EXPECT_EQ(0xabcdefU, a.data);
	a.space = PIO;
	a.addr = 0x3ef;
	a.len = 1;
	ASSERT_EQ(0, raw_access(self->fd, &a));
	EXPECT_EQ(SLOW, a.result);
	/* Partial register access: byte 1 of the RW register. */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, 0x3f1, 1, 0xab));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0xab00U, v);
	/* Writes take only the low len bytes. */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, 0x3f0, 2,
				   0xffffffffffff1234ULL));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0x1234U, v);
}

KMOD_DEVS_FIXTURE(bad_access);

FIXTURE_VARIANT(bad_access) {
	uint64_t addr;
	uint8_t space, len, dir;
	uint32_t pad;
	int err;
	uint8_t result;
};

/* Device ranges: PIO [0x3f0, 0x400), MMIO [0xfee00000, 0xfee00010). */
FIXTURE_VARIANT_ADD(bad_access, len_0) {
	.addr = 0x3f0, .space = PIO, .len = 0, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, len_0_nowhere) {
	.addr = 0x10, .space = PIO, .len = 0, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, len_9) {
	.addr = 0xfee00000, .space = MMIO, .len = 9, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, len_255) {
	.addr = 0x10, .space = MMIO, .len = 255, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, dir_2) {
	.addr = 0x3f0, .space = PIO, .len = 1, .dir = 2, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, space_2) {
	.addr = 0x3f0, .space = 2, .len = 1, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, pad) {
	.addr = 0x3f0, .space = PIO, .len = 1, .pad = 1, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, pad_high) {
	.addr = 0x10, .space = PIO, .len = 1, .pad = 0x80000000,
	.err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, pio_past_ffff) {
	.addr = 0xffff, .space = PIO, .len = 2, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, pio_above_ffff) {
	.addr = 0x103f0, .space = PIO, .len = 1, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, mmio_wrap) {
	.addr = 0xfffffffffffffffcULL, .space = MMIO, .len = 8,
	.err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, crosses_end) {
	.addr = 0xfee0000c, .space = MMIO, .len = 8, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, crosses_end_by_one) {
	.addr = 0x3ff, .space = PIO, .len = 2, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, runs_into_start) {
	.addr = 0xfedffffc, .space = MMIO, .len = 8, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, runs_into_start_by_one) {
	.addr = 0x3ef, .space = PIO, .len = 2, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_access, ends_at_start) {
	.addr = 0x3ee, .space = PIO, .len = 2, .err = 0, .result = SLOW,
};

FIXTURE_VARIANT_ADD(bad_access, starts_at_end) {
	.addr = 0xfee00010, .space = MMIO, .len = 8, .err = 0,
	.result = SLOW,
};

FIXTURE_VARIANT_ADD(bad_access, last_bytes) {
	.addr = 0x3fe, .space = PIO, .len = 2, .err = 0, .result = DONE,
};

FIXTURE_VARIANT_ADD(bad_access, pio_top) {
	.addr = 0xfffe, .space = PIO, .len = 2, .err = 0, .result = SLOW,
};

FIXTURE_VARIANT_ADD(bad_access, mmio_top) {
	.addr = 0xfffffffffffffff8ULL, .space = MMIO, .len = 7, .err = 0,
	.result = SLOW,
};

TEST_F(bad_access, single)
{
	struct vmdev_access a = {
		.addr = variant->addr, .space = variant->space,
		.len = variant->len, .dir = variant->dir, .pad = variant->pad,
		.data = 0x5555, .result = 0x77,
	};

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(variant->err, raw_access(self->fd, &a));
	if (variant->err) {
		/* Nothing written back on error. */
		EXPECT_EQ(0x77, a.result);
		EXPECT_EQ(0x5555U, a.data);
	} else {
		EXPECT_EQ(variant->result, a.result);
	}
}

/* As the second entry of a batch: the first one runs, then it stops. */
TEST_F(bad_access, in_batch)
{
	struct vmdev_access e[3] = {
		{ .addr = 0x3f0, .space = PIO, .len = 4,
		  .dir = VMDEV_DIR_WRITE, .data = 0x42 },
		{ .addr = variant->addr, .space = variant->space,
		  .len = variant->len, .dir = variant->dir,
		  .pad = variant->pad, .result = 0x77 },
		{ .addr = 0x3f0, .space = PIO, .len = 4,
		  .dir = VMDEV_DIR_WRITE, .data = 0x43, .result = 0x77 },
	};
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = 3, .entries = (uintptr_t)e,
		.done = 0x99,
	};
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(variant->err, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	if (variant->err) {
		EXPECT_EQ(1U, b.done);
		EXPECT_EQ(DONE, e[0].result);
		EXPECT_EQ(0x77, e[1].result);
		EXPECT_EQ(0x42U, v);
	} else if (variant->result == SLOW) {
		EXPECT_EQ(1U, b.done);
		EXPECT_EQ(SLOW, e[1].result);
		EXPECT_EQ(0x77, e[2].result);
		EXPECT_EQ(0x42U, v);
	} else {
		EXPECT_EQ(3U, b.done);
		EXPECT_EQ(DONE, e[2].result);
		EXPECT_EQ(0x43U, v);
	}
}

/* ---- batches ------------------------------------------------------- */

TEST_F(access, batch_all_done)
{
	struct vmdev_access e[VMDEV_MAX_BATCH];
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = VMDEV_MAX_BATCH,
		.entries = (uintptr_t)e,
	};
	uint32_t i;

	KMOD_SKIP_IF_NO_MODULE();
	memset(e, 0, sizeof(e));
	/* Alternate: write i, read it back; all in order. */
	for (i = 0; i < VMDEV_MAX_BATCH; i++) {
		e[i].space = i & 2 ? MMIO : PIO;
		e[i].addr = i & 2 ? 0xfee00000 : 0x3f0;
		e[i].len = 4;
		e[i].dir = i & 1 ? VMDEV_DIR_READ : VMDEV_DIR_WRITE;
		e[i].data = i & 1 ? 0 : i;
		e[i].result = 0x77;
	}
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	EXPECT_EQ((uint32_t)VMDEV_MAX_BATCH, b.done);
	for (i = 0; i < VMDEV_MAX_BATCH; i++) {
		EXPECT_EQ(DONE, e[i].result);
		if (i & 1)
			EXPECT_EQ(i - 1, e[i].data);
	}
}

TEST_F(access, batch_stops_at_slow)
{
	struct vmdev_access e[4] = {
		{ .addr = 0x3f4, .space = PIO, .len = 4 },
		{ .addr = 0x3f0, .space = PIO, .len = 4,
		  .dir = VMDEV_DIR_WRITE, .data = 7 },
		{ .addr = 0x80, .space = PIO, .len = 1, .data = 0x31,
		  .result = 0x77 },
		{ .addr = 0x3f0, .space = PIO, .len = 4,
		  .dir = VMDEV_DIR_WRITE, .data = 8, .result = 0x77 },
	};
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = 4, .entries = (uintptr_t)e,
	};
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	EXPECT_EQ(2U, b.done);
	EXPECT_EQ(DONE, e[0].result);
	EXPECT_EQ(KMOD_CONST, e[0].data);
	EXPECT_EQ(DONE, e[1].result);
	EXPECT_EQ(SLOW, e[2].result);
	EXPECT_EQ(0x31U, e[2].data);
	EXPECT_EQ(0x77, e[3].result);
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(7U, v);
	/* The VMM handles entry 2 and resubmits the rest. */
	b.count = 1;
	b.entries = (uintptr_t)&e[3];
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	EXPECT_EQ(1U, b.done);
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(8U, v);
}

TEST_F(access, batch_first_slow)
{
	struct vmdev_access e = { .addr = 0x80, .space = PIO, .len = 1 };
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = 1, .entries = (uintptr_t)&e,
		.done = 5,
	};

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	EXPECT_EQ(0U, b.done);
	EXPECT_EQ(SLOW, e.result);
}

TEST_F(access, batch_header_errors)
{
	struct vmdev_access e[2] = {
		{ .addr = 0x3f0, .space = PIO, .len = 4,
		  .dir = VMDEV_DIR_WRITE, .data = 1 },
	};
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = 0, .entries = (uintptr_t)e,
	};
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	b.count = VMDEV_MAX_BATCH + 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	b.count = 0xffffffff;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	b.count = 1;
	b.pad = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	b.pad = 0;
	b.entries = 0;
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	/* Entries that end in an unmapped page: nothing runs. */
	b.entries = (uintptr_t)kmod_edge_buf(sizeof(e[0]));
	ASSERT_NE(0U, b.entries);
	memcpy((void *)(uintptr_t)b.entries, e, sizeof(e[0]));
	b.count = 2;
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(0U, v);
	/* ... while one entry there is fine. */
	b.count = 1;
	EXPECT_EQ(0, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	EXPECT_EQ(1U, b.done);
	kmod_edge_free((void *)(uintptr_t)b.entries);
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(1U, v);
}

/* Entries that cannot be written back: the accesses still happened. */
TEST_F(access, batch_write_back_fault)
{
	struct vmdev_access *e;
	struct vmdev_access_batch b = { .size = sizeof(b), .count = 1 };
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	e = mmap(NULL, sizeof(*e), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, e);
	e->addr = 0x3f0;
	e->space = PIO;
	e->len = 4;
	e->dir = VMDEV_DIR_WRITE;
	e->data = 9;
	ASSERT_EQ(0, mprotect(e, sizeof(*e), PROT_READ));
	b.entries = (uintptr_t)e;
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_ACCESS_BATCH, &b));
	munmap(e, sizeof(*e));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x3f0, 4, &v));
	EXPECT_EQ(9U, v);
}

TEST_F(access, single_faults)
{
	struct vmdev_access *a;

	KMOD_SKIP_IF_NO_MODULE();
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_ACCESS, NULL));
	a = kmod_edge_buf(sizeof(*a) - 1);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->fd, VMDEV_ACCESS, a));
	kmod_edge_free(a);
	/* Exactly 24 bytes are read and written, no more. */
	a = kmod_edge_buf(sizeof(*a));
	ASSERT_NE(NULL, a);
	memset(a, 0, sizeof(*a));
	a->addr = 0x3f4;
	a->space = PIO;
	a->len = 4;
	ASSERT_EQ(0, kmod_ioctl(self->fd, VMDEV_ACCESS, a));
	EXPECT_EQ(KMOD_CONST, a->data);
	kmod_edge_free(a);
}

TEST_HARNESS_MAIN
