// SPDX-License-Identifier: GPL-2.0
/*
 * Dispatch of guest accesses and lookups, on each bus: what the callbacks
 * receive, every length, every way an access can miss or straddle, and
 * every error.
 */
#include "kselftest_harness.h"
#include "io_common.h"

FIXTURE(io) {
	struct vmdev_io_manager *mgr;
	struct vmdev_device *dev;
	struct rec rec;
};

FIXTURE_VARIANT(io) {
	enum vmdev_space space;
	uint64_t base;		/* 0x10 bytes there, 0x10 more right after */
	uint64_t last;		/* highest address of the bus */
	size_t max_len;
};

FIXTURE_VARIANT_ADD(io, pio) {
	.space = VMDEV_PIO, .base = 0x3f0, .last = 0xffff,
	.max_len = VMDEV_PIO_MAX_LEN,
};

FIXTURE_VARIANT_ADD(io, mmio) {
	.space = VMDEV_MMIO, .base = 0xfed00000, .last = UINT64_MAX,
	.max_len = VMDEV_MMIO_MAX_LEN,
};

FIXTURE_SETUP(io)
{
	uint32_t t = io_type(variant->space);
	struct vmdev_resources *res;

	memset(&self->rec, 0, sizeof(self->rec));
	self->rec.tag = 0x40;
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &self->mgr));
	self->dev = rec_device(&self->rec, VMDEV_DEVICE_SERIALIZED);
	ASSERT_NE(NULL, self->dev);
	ASSERT_EQ(0, RES(&res, RANGE(t, variant->base, 0x10),
			 RANGE(t, variant->base + 0x10, 0x10)));
	ASSERT_EQ(2, vmdev_io_register(self->mgr, self->dev, res));
	vmdev_resources_free(res);
}

FIXTURE_TEARDOWN(io)
{
	vmdev_io_manager_free(self->mgr);
	vmdev_device_put(self->dev);
}

/* Every length, at the start and the end of a range. */
TEST_F(io, read_every_len)
{
	uint8_t buf[8];
	size_t len, i;

	for (len = 1; len <= variant->max_len; len++) {
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(0, vmdev_io_read(self->mgr, variant->space,
					   variant->base + 0x20 - len, buf,
					   len));
		EXPECT_EQ(variant->space, self->rec.space);
		EXPECT_EQ(variant->base + 0x10, self->rec.base);
		EXPECT_EQ(0x10 - len, self->rec.offset);
		EXPECT_EQ(len, self->rec.len);
		for (i = 0; i < len; i++)
			EXPECT_EQ(0x40 + 0x10 - len + i, buf[i]);
		for (; i < sizeof(buf); i++)
			EXPECT_EQ(0, buf[i]);
	}
	EXPECT_EQ((int)variant->max_len, atomic_load(&self->rec.reads));
	EXPECT_EQ(0, atomic_load(&self->rec.writes));
}

TEST_F(io, write_every_len)
{
	const uint8_t v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t len;

	for (len = 1; len <= variant->max_len; len++) {
		memset(self->rec.data, 0, sizeof(self->rec.data));
		ASSERT_EQ(0, vmdev_io_write(self->mgr, variant->space,
					    variant->base + len, v, len));
		EXPECT_EQ(variant->base, self->rec.base);
		EXPECT_EQ(len, self->rec.offset);
		EXPECT_EQ(len, self->rec.len);
		EXPECT_EQ(0, memcmp(v, self->rec.data, len));
	}
	EXPECT_EQ((int)variant->max_len, atomic_load(&self->rec.writes));
	EXPECT_EQ(0, atomic_load(&self->rec.reads));
}

/* One device, two ranges on each bus: each call names its own range. */
TEST(ranges_on_both_buses)
{
	static const struct { enum vmdev_space space; uint64_t base; } r[] = {
		{ VMDEV_PIO, 0x60 }, { VMDEV_PIO, 0x3f8 },
		{ VMDEV_MMIO, 0x1000 }, { VMDEV_MMIO, 0xfee00000 },
	};
	struct vmdev_io_manager *mgr;
	struct vmdev_resources *res;
	struct vmdev_device *dev;
	struct rec rec = { 0 };
	uint8_t b = 0x5a;
	size_t i;

	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &mgr));
	dev = rec_device(&rec, VMDEV_DEVICE_THREAD_SAFE);
	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, RES(&res, PIO(0x3f8, 8), MMIO(0xfee00000, 0x1000),
			 PIO(0x60, 1), MMIO(0x1000, 0x100)));
	ASSERT_EQ(4, vmdev_io_register(mgr, dev, res));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, vmdev_io_write(mgr, r[i].space, r[i].base, &b, 1));
		EXPECT_EQ(r[i].space, rec.space);
		EXPECT_EQ(r[i].base, rec.base);
		EXPECT_EQ(0ULL, rec.offset);
		EXPECT_EQ(0x5a, rec.data[0]);
	}
	ASSERT_EQ(0, vmdev_io_read(mgr, VMDEV_MMIO, 0xfee00ffc, &b, 1));
	EXPECT_EQ(0xfee00000ULL, rec.base);
	EXPECT_EQ(0xffcULL, rec.offset);
	vmdev_resources_free(res);
	vmdev_io_manager_free(mgr);
	vmdev_device_put(dev);
}

TEST_F(io, bad_len)
{
	uint8_t buf[16];

	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_io_read(self->mgr, variant->space,
					 variant->base, buf, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, vmdev_io_write(self->mgr, variant->space,
					  variant->base, buf, 0));
	errno = 0;
	EXPECT_EQ(-E2BIG, vmdev_io_read(self->mgr, variant->space,
					variant->base, buf,
					variant->max_len + 1));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-E2BIG, vmdev_io_write(self->mgr, variant->space,
					 variant->base, buf, 16));
	EXPECT_EQ(0, atomic_load(&self->rec.reads) +
		     atomic_load(&self->rec.writes));
}

TEST_F(io, bad_args)
{
	uint8_t b = 0;

	EXPECT_EQ(-EINVAL, vmdev_io_read(NULL, variant->space,
					 variant->base, &b, 1));
	EXPECT_EQ(-EINVAL, vmdev_io_read(self->mgr, variant->space,
					 variant->base, NULL, 1));
	EXPECT_EQ(-EINVAL, vmdev_io_write(self->mgr, variant->space,
					  variant->base, NULL, 1));
	EXPECT_EQ(-EINVAL, vmdev_io_read(self->mgr, 2, variant->base, &b, 1));
	EXPECT_EQ(-EINVAL, vmdev_io_write(self->mgr, -1, variant->base, &b,
					  1));
	EXPECT_EQ(0, atomic_load(&self->rec.reads) +
		     atomic_load(&self->rec.writes));
}

/* Addresses the bus does not have: ports above 0xFFFF, wrapping. */
TEST_F(io, beyond_space)
{
	uint16_t w = 0;

	if (variant->space == VMDEV_PIO) {
		EXPECT_EQ(-EINVAL, vmdev_io_read(self->mgr, VMDEV_PIO,
						 0x10000, &w, 1));
		EXPECT_EQ(-EINVAL, vmdev_io_write(self->mgr, VMDEV_PIO,
						  UINT64_MAX, &w, 1));
		/* A valid port whose access runs off the space. */
		EXPECT_EQ(-ENOENT, vmdev_io_read(self->mgr, VMDEV_PIO,
						 0xffff, &w, 2));
	} else {
		EXPECT_EQ(-EINVAL, vmdev_io_read(self->mgr, VMDEV_MMIO,
						 UINT64_MAX, &w, 2));
		EXPECT_EQ(-ENOENT, vmdev_io_read(self->mgr, VMDEV_MMIO,
						 UINT64_MAX, &w, 1));
	}
}

/*
 * Around the two adjacent ranges [base, base + 0x1f] and a hole on each
 * side: -ENOENT only when nothing is touched, -ERANGE when a range is
 * touched without holding the whole access.
 */
TEST_F(io, misses_and_straddles)
{
	uint64_t b = variant->base;
	uint16_t w;

	errno = 0;
	EXPECT_EQ(-ENOENT, vmdev_io_read(self->mgr, variant->space, b - 2, &w,
					 2));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-ENOENT, vmdev_io_write(self->mgr, variant->space, b + 0x20,
					  &w, 2));
	errno = 0;
	/* From the hole below into the first range. */
	EXPECT_EQ(-ERANGE, vmdev_io_read(self->mgr, variant->space, b - 1, &w,
					 2));
	EXPECT_EQ(ERANGE, errno);
	/* From the first range into the second. */
	EXPECT_EQ(-ERANGE, vmdev_io_read(self->mgr, variant->space, b + 0xf,
					 &w, 2));
	EXPECT_EQ(-ERANGE, vmdev_io_write(self->mgr, variant->space, b + 0xf,
					  &w, 2));
	/* From the second range into the hole above. */
	EXPECT_EQ(-ERANGE, vmdev_io_write(self->mgr, variant->space, b + 0x1f,
					  &w, 2));
	EXPECT_EQ(0, atomic_load(&self->rec.reads) +
		     atomic_load(&self->rec.writes));
	/* The bytes on each side are fine. */
	EXPECT_EQ(0, vmdev_io_read(self->mgr, variant->space, b + 0xe, &w, 2));
	EXPECT_EQ(0, vmdev_io_read(self->mgr, variant->space, b + 0x10, &w, 2));
}

TEST(empty_bus)
{
	struct vmdev_io_manager *mgr;
	uint32_t v;

	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &mgr));
	EXPECT_EQ(-ENOENT, vmdev_io_read(mgr, VMDEV_PIO, 0, &v, 4));
	EXPECT_EQ(-ENOENT, vmdev_io_write(mgr, VMDEV_MMIO, 0, &v, 4));
	vmdev_io_manager_free(mgr);
}

/* What a callback returns comes back to the caller, errno set. */
TEST_F(io, callback_errors)
{
	uint32_t v = 0;

	self->rec.ret = -EIO;
	errno = 0;
	EXPECT_EQ(-EIO, vmdev_io_read(self->mgr, variant->space,
				      variant->base, &v, 4));
	EXPECT_EQ(EIO, errno);
	self->rec.ret = -EAGAIN;
	EXPECT_EQ(-EAGAIN, vmdev_io_write(self->mgr, variant->space,
					  variant->base, &v, 4));
	EXPECT_EQ(EAGAIN, errno);
	self->rec.ret = 0;
	EXPECT_EQ(0, vmdev_io_write(self->mgr, variant->space, variant->base,
				    &v, 4));
}

/* A direction the device did not provide. */
TEST(one_way_devices)
{
	VMDEV_OPTS(vmdev_device_opts, ro, .read = rec_read);
	VMDEV_OPTS(vmdev_device_opts, wo, .write = rec_write,
		   .kind = VMDEV_DEVICE_THREAD_SAFE);
	struct vmdev_device *rdev, *wdev;
	struct vmdev_io_manager *mgr;
	struct vmdev_resources *res;
	struct rec rec = { 0 };
	uint8_t b = 0;

	ro.opaque = &rec;
	wo.opaque = &rec;
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &mgr));
	ASSERT_EQ(0, vmdev_device_new(&ro, &rdev));
	ASSERT_EQ(0, vmdev_device_new(&wo, &wdev));
	ASSERT_EQ(0, RES(&res, PIO(0x70, 1)));
	ASSERT_EQ(1, vmdev_io_register(mgr, rdev, res));
	vmdev_resources_free(res);
	ASSERT_EQ(0, RES(&res, PIO(0x80, 1)));
	ASSERT_EQ(1, vmdev_io_register(mgr, wdev, res));
	vmdev_resources_free(res);

	EXPECT_EQ(0, vmdev_io_read(mgr, VMDEV_PIO, 0x70, &b, 1));
	errno = 0;
	EXPECT_EQ(-EOPNOTSUPP, vmdev_io_write(mgr, VMDEV_PIO, 0x70, &b, 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(0, vmdev_io_write(mgr, VMDEV_PIO, 0x80, &b, 1));
	EXPECT_EQ(-EOPNOTSUPP, vmdev_io_read(mgr, VMDEV_PIO, 0x80, &b, 1));
	EXPECT_EQ(1, atomic_load(&rec.reads));
	EXPECT_EQ(1, atomic_load(&rec.writes));
	vmdev_io_manager_free(mgr);
	vmdev_device_put(rdev);
	vmdev_device_put(wdev);
}

TEST_F(io, lookup)
{
	struct vmdev_io_range r = { 0 };

	ASSERT_EQ(0, vmdev_io_lookup(self->mgr, variant->space,
				     variant->base + 0x1f, &r));
	EXPECT_EQ(variant->base + 0x10, r.base);
	EXPECT_EQ(0x10ULL, r.size);
	EXPECT_EQ(self->dev, r.dev);
	vmdev_device_put(r.dev);
	errno = 0;
	EXPECT_EQ(-ENOENT, vmdev_io_lookup(self->mgr, variant->space,
					   variant->base + 0x20, &r));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-ENOENT, vmdev_io_lookup(self->mgr, variant->space,
					   variant->base - 1, &r));
	EXPECT_EQ(-EINVAL, vmdev_io_lookup(NULL, variant->space,
					   variant->base, &r));
	EXPECT_EQ(-EINVAL, vmdev_io_lookup(self->mgr, variant->space,
					   variant->base, NULL));
	EXPECT_EQ(-EINVAL, vmdev_io_lookup(self->mgr, 7, variant->base, &r));
	if (variant->space == VMDEV_PIO)
		EXPECT_EQ(-EINVAL, vmdev_io_lookup(self->mgr, VMDEV_PIO,
						   0x10000, &r));
}

/* A looked-up device outlives its unregistration until put. */
TEST_F(io, lookup_holds_reference)
{
	uint32_t t = io_type(variant->space);
	struct vmdev_resources *res;
	struct vmdev_io_range r;

	ASSERT_EQ(0, RES(&res, RANGE(t, variant->base, 0x10),
			 RANGE(t, variant->base + 0x10, 0x10)));
	ASSERT_EQ(0, vmdev_io_lookup(self->mgr, variant->space, variant->base,
				     &r));
	ASSERT_EQ(2, vmdev_io_unregister(self->mgr, res));
	vmdev_device_put(self->dev);
	self->dev = NULL;
	EXPECT_EQ(0, atomic_load(&self->rec.released));
	EXPECT_EQ(&self->rec, vmdev_device_opaque(r.dev));
	vmdev_device_put(r.dev);
	EXPECT_EQ(1, atomic_load(&self->rec.released));
	vmdev_resources_free(res);
}

TEST_F(io, nr_ranges)
{
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, variant->space));
	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_io_nr_ranges(NULL, variant->space));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, vmdev_io_nr_ranges(self->mgr, 2));
}

TEST_HARNESS_MAIN
