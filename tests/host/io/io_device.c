// SPDX-License-Identifier: GPL-2.0
/* Device objects: creation, options, references and release. */
#include "kselftest_harness.h"
#include "io_common.h"

TEST(new_both_kinds)
{
	enum vmdev_device_kind kinds[] = {
		VMDEV_DEVICE_SERIALIZED, VMDEV_DEVICE_THREAD_SAFE,
	};
	struct vmdev_device *dev;
	struct rec rec = { 0 };
	size_t i;

	for (i = 0; i < 2; i++) {
		dev = rec_device(&rec, kinds[i]);
		ASSERT_NE(NULL, dev);
		EXPECT_EQ(&rec, vmdev_device_opaque(dev));
		EXPECT_EQ((int)i, atomic_load(&rec.released));
		vmdev_device_put(dev);
		EXPECT_EQ((int)i + 1, atomic_load(&rec.released));
	}
}

TEST(references)
{
	struct rec rec = { 0 };
	struct vmdev_device *dev = rec_device(&rec, VMDEV_DEVICE_SERIALIZED);

	ASSERT_NE(NULL, dev);
	EXPECT_EQ(dev, vmdev_device_get(dev));
	EXPECT_EQ(dev, vmdev_device_get(dev));
	vmdev_device_put(dev);
	vmdev_device_put(dev);
	EXPECT_EQ(0, atomic_load(&rec.released));
	vmdev_device_put(dev);
	EXPECT_EQ(1, atomic_load(&rec.released));
}

TEST(null_handles)
{
	EXPECT_EQ(NULL, vmdev_device_get(NULL));
	EXPECT_EQ(NULL, vmdev_device_opaque(NULL));
	vmdev_device_put(NULL);
}

/* release is optional; one callback direction is enough. */
TEST(minimal_opts)
{
	VMDEV_OPTS(vmdev_device_opts, ro, .read = rec_read);
	VMDEV_OPTS(vmdev_device_opts, wo, .write = rec_write);
	struct vmdev_device *dev;

	ASSERT_EQ(0, vmdev_device_new(&ro, &dev));
	EXPECT_EQ(NULL, vmdev_device_opaque(dev));
	vmdev_device_put(dev);
	ASSERT_EQ(0, vmdev_device_new(&wo, &dev));
	vmdev_device_put(dev);
}

static void expect_einval(struct __test_metadata *_metadata,
			  const struct vmdev_device_opts *opts)
{
	struct vmdev_device *dev = (void *)1;

	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_device_new(opts, &dev));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)1, dev);
}

TEST(errors)
{
	VMDEV_OPTS(vmdev_device_opts, ok, .read = rec_read);
	VMDEV_OPTS(vmdev_device_opts, none, .kind = VMDEV_DEVICE_THREAD_SAFE);
	VMDEV_OPTS(vmdev_device_opts, kind, .read = rec_read, .kind = 2);
	struct vmdev_device_opts small = ok;

	expect_einval(_metadata, NULL);
	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_device_new(&ok, NULL));
	EXPECT_EQ(EINVAL, errno);
	expect_einval(_metadata, &none);
	expect_einval(_metadata, &kind);
	small.sz = sizeof(size_t) - 1;
	expect_einval(_metadata, &small);
}

/* A caller built against a newer, larger struct. */
struct newer_opts {
	struct vmdev_device_opts opts;
	uint64_t future;
};

TEST(newer_opts)
{
	struct newer_opts big = {
		.opts = { .sz = sizeof(big), .read = rec_read },
	};
	struct vmdev_device *dev;

	ASSERT_EQ(0, vmdev_device_new(&big.opts, &dev));
	vmdev_device_put(dev);
	big.future = 1;
	expect_einval(_metadata, &big.opts);
}

/* A caller built against an older struct that ended at write. */
TEST(older_opts)
{
	struct rec rec = { 0 };
	struct vmdev_device_opts old = {
		.sz = offsetof(struct vmdev_device_opts, write) +
		      sizeof(old.write),
		.read = rec_read,
		/* Past sz: must not be read. */
		.release = rec_release,
		.opaque = &rec,
	};
	struct vmdev_device *dev;

	ASSERT_EQ(0, vmdev_device_new(&old, &dev));
	EXPECT_EQ(NULL, vmdev_device_opaque(dev));
	vmdev_device_put(dev);
	EXPECT_EQ(0, atomic_load(&rec.released));
}

TEST_HARNESS_MAIN
