// SPDX-License-Identifier: GPL-2.0
/*
 * The bus: range validation (empty, wrapping, outside the space, bad
 * space, padding), overlaps of every shape within one request and
 * against devices already there, several ranges per device and both
 * address spaces. A refused request maps nothing.
 */
#include "kselftest_harness.h"
#include "kmod_util.h"

KMOD_CTX_FIXTURE(ctx);

TEST_F(ctx, several_ranges)
{
	struct vmdev_range r[] = {
		kmod_range(MMIO, 0x3000, 16),
		kmod_range(PIO, 0x200, 16),
		kmod_range(MMIO, 0x1000, 16),
		kmod_range(PIO, 0x100, 8),
	};
	uint32_t id;
	uint64_t v;
	size_t i;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, r, 4, &id));
	/* One device behind every range: a write shows through all. */
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, 0x100, 4, 0x12345678));
	for (i = 0; i < KMOD_ARRAY_SIZE(r); i++) {
		ASSERT_EQ(DONE, kmod_read(self->fd, r[i].space, r[i].base, 4,
					  &v));
		EXPECT_EQ(0x12345678U, v);
	}
	/* The 8-byte PIO range ends before the constant's second half. */
	EXPECT_EQ(-EINVAL, kmod_read(self->fd, PIO, 0x106, 4, &v));
	EXPECT_EQ(0, kmod_destroy(self->fd, id));
	for (i = 0; i < KMOD_ARRAY_SIZE(r); i++)
		EXPECT_EQ(SLOW, kmod_read(self->fd, r[i].space, r[i].base, 4,
					  &v));
}

/* A range longer than the window: the rest reads as a hole. */
TEST_F(ctx, range_beyond_window)
{
	uint32_t id;
	uint64_t v = 0xdead;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->fd, MMIO, 0x10000, 0x1000, &id));
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x10800, 4, &v));
	EXPECT_EQ(0U, v);
	EXPECT_EQ(DONE, kmod_write(self->fd, MMIO, 0x10ffc, 4, 1));
}

/* ---- range validation ------------------------------------------------ */

FIXTURE(bad_range) {
	int fd;
};

FIXTURE_VARIANT(bad_range) {
	uint64_t base;
	uint64_t len;
	uint32_t space;
	uint32_t pad;
	int err;
};

FIXTURE_VARIANT_ADD(bad_range, zero_len) {
	.base = 0x1000, .len = 0, .space = MMIO, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, zero_len_pio) {
	.base = 0x60, .len = 0, .space = PIO, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, wrap) {
	.base = 0xfffffffffffff000ULL, .len = 0x2000, .space = MMIO,
	.err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, end_at_2_64) {
	.base = 0xfffffffffffff000ULL, .len = 0x1000, .space = MMIO,
	.err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, huge_len) {
	.base = 1, .len = ~0ULL, .space = MMIO, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, pio_past_ffff) {
	.base = 0xffff, .len = 2, .space = PIO, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, pio_above_ffff) {
	.base = 0x10000, .len = 1, .space = PIO, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, pio_wrap) {
	.base = 0xffffffffffffff00ULL, .len = 0x200, .space = PIO,
	.err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, bad_space) {
	.base = 0x1000, .len = 16, .space = 2, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, bad_space_high) {
	.base = 0x1000, .len = 16, .space = 0x80000001, .err = -EINVAL,
};

FIXTURE_VARIANT_ADD(bad_range, pad) {
	.base = 0x1000, .len = 16, .space = MMIO, .pad = 1, .err = -EINVAL,
};

/* Two good variants: the edges are inside the spaces. */
FIXTURE_VARIANT_ADD(bad_range, good_pio_top) {
	.base = 0xfff0, .len = 0x10, .space = PIO, .err = 0,
};

FIXTURE_VARIANT_ADD(bad_range, good_mmio_top) {
	.base = 0xfffffffffffff000ULL, .len = 0xfff, .space = MMIO, .err = 0,
};

KMOD_FD_FIXTURE_FNS(bad_range)

/*
 * The bad range comes second, after a good one: a failed create leaves
 * neither mapped, and the context keeps working.
 */
TEST_F(bad_range, create)
{
	struct vmdev_range r[2] = { kmod_range(MMIO, 0x100, 16) };
	uint32_t id;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	r[1] = kmod_range(variant->space, variant->base, variant->len);
	r[1].pad = variant->pad;
	ASSERT_EQ(variant->err, kmod_create(self->fd, &kmod_map, r, 2, &id));
	if (variant->err) {
		EXPECT_EQ(SLOW, kmod_read(self->fd, MMIO, 0x104, 4, &v));
		ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, r, 1, &id));
	} else {
		ASSERT_EQ(DONE, kmod_read(self->fd, variant->space,
					  variant->base + 4, 4, &v));
		EXPECT_EQ(KMOD_CONST, v);
	}
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x104, 4, &v));
	EXPECT_EQ(KMOD_CONST, v);
}

/* ---- overlaps ---------------------------------------------------------- */

FIXTURE(overlap) {
	int fd;
};

/* Ranges a and b, in the same space, against each other. */
FIXTURE_VARIANT(overlap) {
	uint32_t space;
	uint64_t a_base, a_len, b_base, b_len;
	int err;
};

FIXTURE_VARIANT_ADD(overlap, partial_tail) {
	.space = MMIO, .a_base = 0x1000, .a_len = 0x100,
	.b_base = 0x10ff, .b_len = 0x100, .err = -EEXIST,
};

FIXTURE_VARIANT_ADD(overlap, partial_head) {
	.space = PIO, .a_base = 0x3f8, .a_len = 8,
	.b_base = 0x3f0, .b_len = 9, .err = -EEXIST,
};

FIXTURE_VARIANT_ADD(overlap, same_base) {
	.space = PIO, .a_base = 0x3f8, .a_len = 8,
	.b_base = 0x3f8, .b_len = 1, .err = -EEXIST,
};

FIXTURE_VARIANT_ADD(overlap, same_range) {
	.space = MMIO, .a_base = 0x1000, .a_len = 0x10,
	.b_base = 0x1000, .b_len = 0x10, .err = -EEXIST,
};

FIXTURE_VARIANT_ADD(overlap, contains) {
	.space = MMIO, .a_base = 0x1000, .a_len = 0x1000,
	.b_base = 0x1800, .b_len = 0x10, .err = -EEXIST,
};

FIXTURE_VARIANT_ADD(overlap, contained) {
	.space = MMIO, .a_base = 0x1800, .a_len = 0x10,
	.b_base = 0x1000, .b_len = 0x1000, .err = -EEXIST,
};

FIXTURE_VARIANT_ADD(overlap, adjacent_after) {
	.space = MMIO, .a_base = 0x1000, .a_len = 0x10,
	.b_base = 0x1010, .b_len = 0x10, .err = 0,
};

FIXTURE_VARIANT_ADD(overlap, adjacent_before) {
	.space = PIO, .a_base = 0x3f8, .a_len = 8,
	.b_base = 0x3f0, .b_len = 8, .err = 0,
};

KMOD_FD_FIXTURE_FNS(overlap)

/* Both ranges in one request. */
TEST_F(overlap, within_request)
{
	struct vmdev_range r[3] = {
		kmod_range(variant->space, variant->a_base, variant->a_len),
		kmod_range(variant->space ^ 1, variant->b_base, variant->b_len),
		kmod_range(variant->space, variant->b_base, variant->b_len),
	};
	uint32_t id;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(variant->err, kmod_create(self->fd, &kmod_map, r, 3, &id));
	EXPECT_EQ(variant->err ? SLOW : DONE,
		  kmod_read(self->fd, variant->space ^ 1, variant->b_base, 1,
			    &v));
}

/* The second range against a device that already holds the first. */
TEST_F(overlap, against_existing)
{
	struct vmdev_range ok = kmod_range(MMIO, 0x80000, 16);
	struct vmdev_range r[2];
	uint32_t a, b;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->fd, variant->space, variant->a_base,
				  variant->a_len, &a));
	ASSERT_EQ(DONE, kmod_write(self->fd, variant->space, variant->a_base,
				   1, 0x5a));
	r[0] = ok;
	r[1] = kmod_range(variant->space, variant->b_base, variant->b_len);
	ASSERT_EQ(variant->err, kmod_create(self->fd, &kmod_map, r, 2, &b));
	/* All or nothing: the good range of a failed request is not mapped. */
	EXPECT_EQ(variant->err ? SLOW : DONE,
		  kmod_read(self->fd, MMIO, ok.base, 4, &v));
	/* The first device is untouched. */
	ASSERT_EQ(DONE, kmod_read(self->fd, variant->space, variant->a_base,
				  1, &v));
	EXPECT_EQ(0x5aU, v);
	if (variant->err)
		return;
	/* Removing one leaves the neighbour in place. */
	ASSERT_EQ(0, kmod_destroy(self->fd, a));
	EXPECT_EQ(SLOW, kmod_read(self->fd, variant->space, variant->a_base,
				  1, &v));
	EXPECT_EQ(DONE, kmod_read(self->fd, variant->space, variant->b_base,
				  1, &v));
}

/* The same addresses in the other space do not conflict. */
TEST_F(ctx, spaces_are_separate)
{
	uint32_t a, b;
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->fd, PIO, 0x1000, 16, &a));
	ASSERT_EQ(0, kmod_create1(self->fd, MMIO, 0x1000, 16, &b));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO, 0x1000, 4, 1));
	ASSERT_EQ(DONE, kmod_write(self->fd, MMIO, 0x1000, 4, 2));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x1000, 4, &v));
	EXPECT_EQ(1U, v);
	ASSERT_EQ(DONE, kmod_read(self->fd, MMIO, 0x1000, 4, &v));
	EXPECT_EQ(2U, v);
}

TEST_HARNESS_MAIN
