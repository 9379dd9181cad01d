// SPDX-License-Identifier: GPL-2.0
/*
 * Several threads on one register device at once, as vCPU threads and a
 * VMM backend use it: guest pushes against VMM drains (no entry lost,
 * duplicated or reordered per producer; every drop counted), and
 * read-modify-write registers updated bit by bit from every thread (no
 * lost update).
 */
#include <pthread.h>
#include "kselftest_harness.h"
#include "core_test.h"

#define PRODUCERS	4
#define PER_PRODUCER	20000
#define DEPTH		64

enum { C_TX, C_SET, C_CLR, C_BITS, C_STATUS, C_NR };

struct shared {
	struct vmdev_rdev *dev;
	int id;
	int done;		/* producers finished */
	int errors;
	pthread_mutex_t mu;
};

static int build(struct vmdev_rdev **dev)
{
	struct core_map m;
	struct vmdev_reg r;

	core_map_init(&m, 0, 64);
	core_add_reg(&m, core_fifo(0, 8, VMDEV_REG_FIFO_IN, DEPTH));
	r = core_reg(8, 8, VMDEV_REG_W1S);
	r.wmask = ~0ULL;
	r.arg.target.flags = VMDEV_TARGET_F_OTHER;
	r.arg.target.target = C_BITS;
	core_add_reg(&m, r);
	r.type = VMDEV_REG_W1C;
	r.offset = 16;
	core_add_reg(&m, r);
	core_add_reg(&m, core_reg(24, 8, VMDEV_REG_RO));
	core_add_reg(&m, core_reg(32, 1, VMDEV_REG_RO));
	core_add_link(&m, C_TX, C_STATUS, VMDEV_LINK_NONEMPTY, 1);
	core_add_irq(&m, C_STATUS, VMDEV_SEL_NONE, 1, VMDEV_IRQ_F_LEVEL);
	return vmdev_rdev_create(&m.desc, dev);
}

static void *producer(void *arg)
{
	struct shared *sh = arg;
	u64 id, seq;

	pthread_mutex_lock(&sh->mu);
	id = sh->id++;
	pthread_mutex_unlock(&sh->mu);
	for (seq = 0; seq < PER_PRODUCER; seq++) {
		u64 v = id << 32 | seq;

		if (vmdev_rdev_access(sh->dev, 0, 8, true, &v, NULL))
			__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&sh->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(push_against_drain)
{
	struct shared sh = { .mu = PTHREAD_MUTEX_INITIALIZER };
	pthread_t th[PRODUCERS];
	u64 next[PRODUCERS] = { 0 };
	u64 buf[4], drained = 0, dropped = 0, missing = 0;
	bool finished = false;
	int i, n;

	ASSERT_EQ(0, build(&sh.dev));
	for (i = 0; i < PRODUCERS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, producer, &sh));
	while (!finished) {
		finished = __atomic_load_n(&sh.done, __ATOMIC_ACQUIRE) ==
			   PRODUCERS;
		/* Small, varying drains interleave most with the pushes. */
		n = vmdev_rdev_fifo_drain(sh.dev, C_TX, buf, 1 + drained % 4,
					  NULL);
		ASSERT_LE(0, n);
		for (i = 0; i < n; i++) {
			u64 id = buf[i] >> 32, seq = (u32)buf[i];

			ASSERT_GT((u64)PRODUCERS, id);
			/* Order per producer; gaps are drops. */
			ASSERT_LE(next[id], seq);
			missing += seq - next[id];
			next[id] = seq + 1;
		}
		drained += n;
		if (finished && n)
			finished = false;	/* drain to empty */
	}
	for (i = 0; i < PRODUCERS; i++) {
		pthread_join(th[i], NULL);
		missing += PER_PRODUCER - next[i];
	}
	ASSERT_EQ(0, vmdev_rdev_fifo_overflow(sh.dev, C_TX, &dropped));
	EXPECT_EQ(0, sh.errors);
	EXPECT_EQ((u64)PRODUCERS * PER_PRODUCER, drained + dropped);
	EXPECT_EQ(dropped, missing);
	EXPECT_EQ(0ULL, CORE_RAW(sh.dev, C_STATUS));
	EXPECT_FALSE(vmdev_rdev_irq_asserted(sh.dev, 0));
	vmdev_rdev_destroy(sh.dev);
}

/* Each thread owns one bit of C_BITS and flips it through W1S/W1C. */
static void *bit_flipper(void *arg)
{
	struct shared *sh = arg;
	u64 bit, v;
	int i;

	pthread_mutex_lock(&sh->mu);
	bit = 1ULL << sh->id++;
	pthread_mutex_unlock(&sh->mu);
	for (i = 0; i < 20000; i++) {
		v = bit;
		vmdev_rdev_access(sh->dev, 8, 8, true, &v, NULL);
		vmdev_rdev_access(sh->dev, 24, 8, false, &v, NULL);
		if (!(v & bit))
			__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
		v = bit;
		vmdev_rdev_access(sh->dev, 16, 8, true, &v, NULL);
		if (vmdev_rdev_reg_read(sh->dev, C_BITS, &v) || (v & bit))
			__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(no_lost_updates)
{
	struct shared sh = { .mu = PTHREAD_MUTEX_INITIALIZER };
	pthread_t th[8];
	int i;

	ASSERT_EQ(0, build(&sh.dev));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, bit_flipper, &sh));
	/* Meanwhile another register of the device is busy too. */
	for (i = 0; i < 1000; i++) {
		u64 v = i;

		vmdev_rdev_access(sh.dev, 0, 8, true, &v, NULL);
		ASSERT_EQ(0, vmdev_rdev_reg_read(sh.dev, C_TX, &v));
	}
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, sh.errors);
	EXPECT_EQ(0ULL, CORE_RAW(sh.dev, C_BITS));
	vmdev_rdev_destroy(sh.dev);
}

TEST_HARNESS_MAIN
