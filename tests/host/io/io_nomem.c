// SPDX-License-Identifier: GPL-2.0
/*
 * Out of memory, at every allocation of every I/O manager call that
 * allocates: each failure returns -ENOMEM with errno set and changes
 * nothing (a retry must not trip over a leftover), and the call succeeds
 * once allocations do.
 */
#include "kselftest_harness.h"
#include "io_common.h"
#include "../failmalloc.h"

/*
 * Run prepare then op with op's nth allocation failing, n = 0, 1, ...
 * until op allocates no more than it can; check after each failure.
 */
#define UNTIL_IT_WORKS(ret, prepare, op, check_unchanged)		\
	do {								\
		long __n, __ret;					\
		for (__n = 0; ; __n++) {				\
			prepare;					\
			failmalloc_arm(__n);				\
			errno = 0;					\
			__ret = (op);					\
			failmalloc_disarm();				\
			if (!failmalloc_failed)				\
				break;					\
			ASSERT_EQ(-ENOMEM, __ret);			\
			ASSERT_EQ(ENOMEM, errno);			\
			check_unchanged;				\
		}							\
		TH_LOG("%s: %ld failures", #op, __n);		\
		ASSERT_LT(0, __n);					\
		ret = __ret;						\
	} while (0)

FIXTURE(nomem) {
	struct vmdev_io_manager *mgr;
	struct vmdev_device *dev;
	struct rec rec;
	struct vmdev_resources *old;	/* registered: PIO 0x60, MMIO 0x1000 */
	struct vmdev_resources *new;	/* not: 3 ranges */
};

FIXTURE_SETUP(nomem)
{
	memset(&self->rec, 0, sizeof(self->rec));
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &self->mgr));
	self->dev = rec_device(&self->rec, VMDEV_DEVICE_SERIALIZED);
	ASSERT_NE(NULL, self->dev);
	ASSERT_EQ(0, RES(&self->old, PIO(0x60, 1), MMIO(0x1000, 0x100)));
	ASSERT_EQ(0, RES(&self->new, PIO(0x70, 2), MMIO(0x2000, 0x10),
			 MMIO(0x3000, 0x10)));
	ASSERT_EQ(2, vmdev_io_register(self->mgr, self->dev, self->old));
	/* Register this thread with RCU before allocations can fail. */
	ASSERT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO) +
		     vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
}

FIXTURE_TEARDOWN(nomem)
{
	vmdev_io_manager_free(self->mgr);
	vmdev_device_put(self->dev);
	vmdev_resources_free(self->old);
	vmdev_resources_free(self->new);
}

/* The state the fixture starts with: the old ranges only. */
#define UNCHANGED()							\
	do {								\
		ASSERT_EQ(1, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));	\
		ASSERT_EQ(1, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO)); \
		ASSERT_EQ(0, probe(self->mgr, VMDEV_PIO, 0x60));	\
		ASSERT_EQ(-ENOENT, probe(self->mgr, VMDEV_PIO, 0x70));	\
	} while (0)

TEST_F(nomem, device_new)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .read = rec_read);
	struct vmdev_device *dev = NULL;
	int ret;

	UNTIL_IT_WORKS(ret, (void)0, vmdev_device_new(&opts, &dev),
		       ASSERT_EQ(NULL, dev));
	ASSERT_EQ(0, ret);
	vmdev_device_put(dev);
}

TEST_F(nomem, manager_new)
{
	struct vmdev_io_manager *mgr = NULL;
	int ret;

	UNTIL_IT_WORKS(ret, (void)0, vmdev_io_manager_new(NULL, &mgr),
		       ASSERT_EQ(NULL, mgr));
	ASSERT_EQ(0, ret);
	vmdev_io_manager_free(mgr);
}

TEST_F(nomem, txn_begin)
{
	struct vmdev_io_txn *txn = NULL;
	int ret;

	UNTIL_IT_WORKS(ret, (void)0, vmdev_io_txn_begin(self->mgr, &txn),
		       ASSERT_EQ(NULL, txn));
	ASSERT_EQ(0, ret);
	vmdev_io_txn_cancel(txn);
}

/* A leftover of a failed staging would make the retry fail -EEXIST. */
TEST_F(nomem, txn_register)
{
	struct vmdev_io_txn *txn;
	ssize_t ret;

	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &txn));
	ASSERT_EQ(1, io_one(NULL, txn, self->dev, VMDEV_MMIO, 0x4000, 1));
	UNTIL_IT_WORKS(ret, (void)0,
		       vmdev_io_txn_register(txn, self->dev, self->new),
		       UNCHANGED());
	ASSERT_EQ(3, ret);
	ASSERT_EQ(0, vmdev_io_txn_commit(txn));
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(4, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	/* One reference per range, none left over by the failures. */
	EXPECT_EQ(6, vmdev_io_unregister(self->mgr, self->old) +
		     vmdev_io_unregister(self->mgr, self->new) +
		     io_one(self->mgr, NULL, NULL, VMDEV_MMIO, 0x4000, 1));
	vmdev_device_put(self->dev);
	self->dev = NULL;
	EXPECT_EQ(1, atomic_load(&self->rec.released));
}

/* A leftover would make the retry fail -ENOENT (or undo a cancel). */
TEST_F(nomem, txn_unregister)
{
	struct vmdev_resources *mixed;
	struct vmdev_io_txn *txn;
	ssize_t ret;

	/* A staged registration to take back, and a registered range. */
	ASSERT_EQ(0, RES(&mixed, MMIO(0x4000, 1), PIO(0x60, 1)));
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &txn));
	ASSERT_EQ(1, io_one(NULL, txn, self->dev, VMDEV_MMIO, 0x4000, 1));
	UNTIL_IT_WORKS(ret, (void)0, vmdev_io_txn_unregister(txn, mixed),
		       UNCHANGED());
	ASSERT_EQ(2, ret);
	ASSERT_EQ(0, vmdev_io_txn_commit(txn));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	EXPECT_EQ(-ENOENT, probe(self->mgr, VMDEV_MMIO, 0x4000));
	vmdev_resources_free(mixed);
}

/* Old out, new in: after the one commit that works, and only then. */
#define SWAPPED()							\
	do {								\
		EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));	\
		EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO)); \
		EXPECT_EQ(-ENOENT, probe(self->mgr, VMDEV_PIO, 0x60));	\
		EXPECT_EQ(0, probe(self->mgr, VMDEV_PIO, 0x70));	\
	} while (0)

/* A failed commit ends the transaction: stage it again each time. */
TEST_F(nomem, txn_commit)
{
	struct vmdev_io_txn *txn;
	int ret;

	UNTIL_IT_WORKS(ret,
		       ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &txn));
		       ASSERT_EQ(2, vmdev_io_txn_unregister(txn, self->old));
		       ASSERT_EQ(3, vmdev_io_txn_register(txn, self->dev,
							  self->new)),
		       vmdev_io_txn_commit(txn), UNCHANGED());
	ASSERT_EQ(0, ret);
	SWAPPED();
	/* The failed commits dropped the references they had staged. */
	EXPECT_EQ(3, vmdev_io_unregister(self->mgr, self->new));
	vmdev_device_put(self->dev);
	self->dev = NULL;
	EXPECT_EQ(1, atomic_load(&self->rec.released));
}

TEST_F(nomem, register)
{
	ssize_t ret;

	UNTIL_IT_WORKS(ret, (void)0,
		       vmdev_io_register(self->mgr, self->dev, self->new),
		       UNCHANGED());
	ASSERT_EQ(3, ret);
	EXPECT_EQ(0, probe(self->mgr, VMDEV_MMIO, 0x3000));
}

TEST_F(nomem, unregister)
{
	ssize_t ret;

	UNTIL_IT_WORKS(ret, (void)0,
		       vmdev_io_unregister(self->mgr, self->old),
		       UNCHANGED());
	ASSERT_EQ(2, ret);
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
}

TEST_HARNESS_MAIN
