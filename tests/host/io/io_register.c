// SPDX-License-Identifier: GPL-2.0
/*
 * Registration and unregistration by resource set, on each bus: counts,
 * all-or-nothing, every overlap, every unregistration error, and the
 * references the manager holds.
 */
#include "kselftest_harness.h"
#include "io_common.h"

FIXTURE(reg) {
	struct vmdev_io_manager *mgr;
	struct vmdev_device *dev;
	struct rec rec;
};

FIXTURE_VARIANT(reg) {
	enum vmdev_space space;
	enum vmdev_space other;
	uint64_t base;		/* a free area of 0x100 */
};

FIXTURE_VARIANT_ADD(reg, pio) {
	.space = VMDEV_PIO, .other = VMDEV_MMIO, .base = 0x300,
};

FIXTURE_VARIANT_ADD(reg, mmio) {
	.space = VMDEV_MMIO, .other = VMDEV_PIO, .base = 0xfe000000,
};

FIXTURE_SETUP(reg)
{
	memset(&self->rec, 0, sizeof(self->rec));
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &self->mgr));
	self->dev = rec_device(&self->rec, VMDEV_DEVICE_THREAD_SAFE);
	ASSERT_NE(NULL, self->dev);
}

FIXTURE_TEARDOWN(reg)
{
	vmdev_io_manager_free(self->mgr);
	vmdev_device_put(self->dev);
}

/* Register or unregister one range of size at the variant's base + off. */
#define REG_AT(off, size)						\
	io_one(self->mgr, NULL, self->dev, variant->space,		\
	       variant->base + (off), size)
#define UNREG_AT(off, size)						\
	io_one(self->mgr, NULL, NULL, variant->space, variant->base + (off), \
	       size)

TEST_F(reg, one_range)
{
	struct vmdev_io_range r;

	ASSERT_EQ(1, REG_AT(0x10, 8));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, variant->space));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, variant->other));
	ASSERT_EQ(0, vmdev_io_lookup(self->mgr, variant->space,
				     variant->base + 0x17, &r));
	EXPECT_EQ(variant->base + 0x10, r.base);
	EXPECT_EQ(8ULL, r.size);
	EXPECT_EQ(self->dev, r.dev);
	vmdev_device_put(r.dev);
	EXPECT_EQ(-ENOENT, vmdev_io_lookup(self->mgr, variant->other,
					   variant->base & 0xffff, &r));
}

/* Out of order in the set; all land, sorted, in one call. */
TEST_F(reg, several_ranges)
{
	uint32_t t = io_type(variant->space);
	uint64_t b = variant->base;
	struct vmdev_resources *res;
	struct vmdev_io_range r;
	int i;

	ASSERT_EQ(0, RES(&res, RANGE(t, b + 0x40, 4), RANGE(t, b, 1),
			 RANGE(t, b + 0x20, 0x20)));
	ASSERT_EQ(3, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(3, vmdev_io_nr_ranges(self->mgr, variant->space));
	for (i = 0; i < 3; i++) {
		uint64_t base = vmdev_resources_get(res, i)->range.base;
		uint64_t size = vmdev_resources_get(res, i)->range.size;

		ASSERT_EQ(0, vmdev_io_lookup(self->mgr, variant->space,
					     base + size - 1, &r));
		EXPECT_EQ(base, r.base);
		EXPECT_EQ(size, r.size);
		vmdev_device_put(r.dev);
	}
	EXPECT_EQ(-ENOENT, probe(self->mgr, variant->space, b + 1));
	EXPECT_EQ(-ENOENT, probe(self->mgr, variant->space, b + 0x44));
	EXPECT_EQ(3, vmdev_io_unregister(self->mgr, res));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, variant->space));
	vmdev_resources_free(res);
}

/* Interrupts, memory and the like are not the buses' business. */
TEST_F(reg, other_kinds_ignored)
{
	struct vmdev_resources *res;

	ASSERT_EQ(0, RES(&res, IRQ(5),
			 RANGE(VMDEV_RES_MEM, variant->base, 0x1000)));
	EXPECT_EQ(0, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	EXPECT_EQ(0, vmdev_io_unregister(self->mgr, res));
	vmdev_resources_free(res);
}

/* Each existing range is [0x10, 0x1f]; every way of touching it. */
TEST_F(reg, overlaps)
{
	static const struct { uint64_t off, size; } clash[] = {
		{ 0x10, 0x10 },		/* same range */
		{ 0x10, 1 },		/* same base, smaller */
		{ 0x10, 0x20 },		/* same base, larger */
		{ 0x08, 0x09 },		/* partial, from below */
		{ 0x1f, 0x08 },		/* partial, from above */
		{ 0x14, 0x04 },		/* inside */
		{ 0x00, 0x40 },		/* around */
	};
	size_t i;

	ASSERT_EQ(1, REG_AT(0x10, 0x10));
	for (i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		errno = 0;
		EXPECT_EQ(-EEXIST, REG_AT(clash[i].off,
					  clash[i].size)) {
			TH_LOG("clash %zu", i);
		}
		EXPECT_EQ(EEXIST, errno);
	}
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, variant->space));
	/* Touching is not overlapping. */
	EXPECT_EQ(1, REG_AT(0x08, 0x08));
	EXPECT_EQ(1, REG_AT(0x20, 0x08));
	EXPECT_EQ(3, vmdev_io_nr_ranges(self->mgr, variant->space));
}

/* A failing range anywhere in the set leaves nothing behind. */
TEST_F(reg, all_or_nothing)
{
	uint32_t t = io_type(variant->space);
	uint64_t b = variant->base;
	struct vmdev_resources *res;
	struct vmdev_io_range r;

	ASSERT_EQ(1, REG_AT(0x80, 0x10));
	ASSERT_EQ(0, RES(&res, RANGE(t, b, 4),
			 RANGE(io_type(variant->other), 0x1000, 4),
			 RANGE(t, b + 0x88, 4)));
	EXPECT_EQ(-EEXIST, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, variant->space));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, variant->other));
	EXPECT_EQ(-ENOENT, vmdev_io_lookup(self->mgr, variant->space, b, &r));
	vmdev_resources_free(res);
}

/* Two ranges of one set that overlap each other. */
TEST_F(reg, overlap_within_set)
{
	uint32_t t = io_type(variant->space);
	uint64_t b = variant->base;
	struct vmdev_resources *res;

	ASSERT_EQ(0, RES(&res, RANGE(t, b, 8), RANGE(t, b + 4, 8)));
	EXPECT_EQ(-EEXIST, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, variant->space));
	vmdev_resources_free(res);
}

/* The same numbers on the other bus are other addresses. */
TEST_F(reg, buses_are_separate)
{
	struct vmdev_resources *a = res_one(variant->space, 0x300, 0x10);
	struct vmdev_resources *b = res_one(variant->other, 0x300, 0x10);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(1, vmdev_io_register(self->mgr, self->dev, a));
	EXPECT_EQ(1, vmdev_io_register(self->mgr, self->dev, b));
	EXPECT_EQ(0, probe(self->mgr, variant->other, 0x305));
	EXPECT_EQ(variant->other, self->rec.space);
	EXPECT_EQ(0, probe(self->mgr, variant->space, 0x305));
	EXPECT_EQ(variant->space, self->rec.space);
	vmdev_resources_free(a);
	vmdev_resources_free(b);
}

/* The last address of each bus can be registered and reached. */
TEST_F(reg, end_of_space)
{
	uint64_t last = variant->space == VMDEV_PIO ? 0xffff : UINT64_MAX;
	struct vmdev_resources *res = res_one(variant->space, last - 3, 4);
	uint32_t v;

	ASSERT_NE(NULL, res);
	ASSERT_EQ(1, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(0, vmdev_io_read(self->mgr, variant->space, last - 3, &v, 4));
	EXPECT_EQ(0ULL, self->rec.offset);
	EXPECT_EQ(0, vmdev_io_read(self->mgr, variant->space, last, &v, 1));
	EXPECT_EQ(3ULL, self->rec.offset);
	vmdev_resources_free(res);
}

/*
 * Zero-size, wrapping and out-of-space ranges never reach the buses: a
 * resource set refuses them, so a set can only hold valid ranges.
 */
TEST_F(reg, invalid_ranges_refused)
{
	struct vmdev_resource bad[] = {
		RANGE(variant->space == VMDEV_PIO ? VMDEV_RES_PIO :
		      VMDEV_RES_MMIO, variant->base, 0),
		PIO(0xfff0, 0x11),
		PIO(0x10000, 1),
		MMIO(UINT64_MAX - 3, 5),
		MMIO(2, UINT64_MAX),
	};
	struct vmdev_resources *res;
	size_t i;

	ASSERT_EQ(0, vmdev_resources_new(&res));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, vmdev_resources_append(res, &bad[i])) {
			TH_LOG("range %zu", i);
		}
	EXPECT_EQ(0, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, variant->space));
	vmdev_resources_free(res);
}

TEST_F(reg, register_null_args)
{
	struct vmdev_resources *res = res_one(variant->space, variant->base, 1);

	ASSERT_NE(NULL, res);
	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_io_register(NULL, self->dev, res));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, vmdev_io_register(self->mgr, NULL, res));
	EXPECT_EQ(-EINVAL, vmdev_io_register(self->mgr, self->dev, NULL));
	EXPECT_EQ(-EINVAL, vmdev_io_unregister(NULL, res));
	EXPECT_EQ(-EINVAL, vmdev_io_unregister(self->mgr, NULL));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, variant->space));
	vmdev_resources_free(res);
}

TEST_F(reg, unregister_unknown)
{
	uint32_t t = io_type(variant->space);
	uint64_t b = variant->base;
	struct vmdev_resources *res;

	ASSERT_EQ(1, REG_AT(0x10, 0x10));
	errno = 0;
	EXPECT_EQ(-ENOENT, UNREG_AT(0x40, 0x10));
	EXPECT_EQ(ENOENT, errno);
	/* Inside the range but not its base. */
	EXPECT_EQ(-ENOENT, UNREG_AT(0x11, 0x0f));
	/* The known range goes only if every range of the set is known. */
	ASSERT_EQ(0, RES(&res, RANGE(t, b + 0x10, 0x10),
			 RANGE(t, b + 0x40, 1)));
	EXPECT_EQ(-ENOENT, vmdev_io_unregister(self->mgr, res));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, variant->space));
	EXPECT_EQ(0, probe(self->mgr, variant->space, b + 0x10));
	vmdev_resources_free(res);
}

TEST_F(reg, unregister_wrong_size)
{
	ASSERT_EQ(1, REG_AT(0x10, 0x10));
	errno = 0;
	EXPECT_EQ(-EINVAL, UNREG_AT(0x10, 0x08));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, UNREG_AT(0x10, 0x20));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, variant->space));
	EXPECT_EQ(1, UNREG_AT(0x10, 0x10));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, variant->space));
}

/* A range given twice: the second finds nothing, so nothing goes. */
TEST_F(reg, unregister_twice_in_set)
{
	uint32_t t = io_type(variant->space);
	uint64_t b = variant->base;
	struct vmdev_resources *res;

	ASSERT_EQ(1, REG_AT(0, 4));
	ASSERT_EQ(0, RES(&res, RANGE(t, b, 4), RANGE(t, b, 4)));
	EXPECT_EQ(-ENOENT, vmdev_io_unregister(self->mgr, res));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, variant->space));
	vmdev_resources_free(res);
}

/* Both buses in one set, registered and removed together. */
TEST_F(reg, both_buses)
{
	struct vmdev_resources *res;

	ASSERT_EQ(0, RES(&res, PIO(0x3f8, 8), MMIO(0xd0000000, 0x1000),
			 PIO(0x2f8, 8), MMIO(0xd0002000, 0x1000)));
	ASSERT_EQ(4, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	EXPECT_EQ(4, vmdev_io_unregister(self->mgr, res));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	vmdev_resources_free(res);
}

/* Each range holds a reference; the last one to go releases. */
TEST_F(reg, references)
{
	struct vmdev_resources *res;

	ASSERT_EQ(0, RES(&res, PIO(0x60, 1), PIO(0x64, 1), MMIO(0x1000, 4)));
	ASSERT_EQ(3, vmdev_io_register(self->mgr, self->dev, res));
	vmdev_device_put(self->dev);
	self->dev = NULL;
	EXPECT_EQ(0, atomic_load(&self->rec.released));
	EXPECT_EQ(3, vmdev_io_unregister(self->mgr, res));
	/* Synchronous: released by the time unregister returns. */
	EXPECT_EQ(1, atomic_load(&self->rec.released));
	vmdev_resources_free(res);
}

TEST_F(reg, free_releases)
{
	ASSERT_EQ(1, REG_AT(0, 4));
	vmdev_device_put(self->dev);
	self->dev = NULL;
	vmdev_io_manager_free(self->mgr);
	self->mgr = NULL;
	EXPECT_EQ(1, atomic_load(&self->rec.released));
}

TEST_F(reg, reregister)
{
	ASSERT_EQ(1, REG_AT(0, 4));
	ASSERT_EQ(1, UNREG_AT(0, 4));
	EXPECT_EQ(-ENOENT, probe(self->mgr, variant->space, variant->base));
	ASSERT_EQ(1, REG_AT(0, 4));
	EXPECT_EQ(0, probe(self->mgr, variant->space, variant->base));
}

/* One device on two managers (two VMs' views, or a test double). */
TEST_F(reg, two_managers)
{
	struct vmdev_resources *res = res_one(variant->space, variant->base, 4);
	struct vmdev_io_manager *mgr2;

	ASSERT_NE(NULL, res);
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &mgr2));
	EXPECT_EQ(1, vmdev_io_register(self->mgr, self->dev, res));
	EXPECT_EQ(1, vmdev_io_register(mgr2, self->dev, res));
	vmdev_io_manager_free(mgr2);
	EXPECT_EQ(0, probe(self->mgr, variant->space, variant->base));
	vmdev_resources_free(res);
}

TEST(manager_opts)
{
	VMDEV_OPTS(vmdev_io_manager_opts, opts);
	struct {
		struct vmdev_io_manager_opts opts;
		uint32_t future;
	} big = { .opts = { .sz = sizeof(big) } };
	struct vmdev_io_manager *mgr = NULL;

	ASSERT_EQ(0, vmdev_io_manager_new(&opts, &mgr));
	vmdev_io_manager_free(mgr);
	ASSERT_EQ(0, vmdev_io_manager_new(&big.opts, &mgr));
	vmdev_io_manager_free(mgr);
	vmdev_io_manager_free(NULL);

	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_io_manager_new(NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	big.future = 1;
	EXPECT_EQ(-EINVAL, vmdev_io_manager_new(&big.opts, &mgr));
	opts.sz = 1;
	EXPECT_EQ(-EINVAL, vmdev_io_manager_new(&opts, &mgr));
}

TEST_HARNESS_MAIN
