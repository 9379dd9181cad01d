// SPDX-License-Identifier: GPL-2.0
/*
 * Edge-triggered vectors (legacy edge lines and MSI) on the eventfd
 * backend, read back the way a consumer does: exactly one event per
 * trigger, nothing while disabled, masking holds one pending event that
 * unmask delivers, state across disable/enable, and the lockless trigger
 * against concurrent triggers and a racing unmask.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <vmdev/interrupt.h>
#include "kselftest_harness.h"
#include "irq_test.h"

#define NR_VECTORS	4

FIXTURE(edge) {
	int fds;
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *grp;
};

FIXTURE_VARIANT(edge) {
	enum vmdev_irq_type type;
	uint32_t base;
};

FIXTURE_VARIANT_ADD(edge, legacy) {
	.type = VMDEV_IRQ_LEGACY,
	.base = 4,
};

FIXTURE_VARIANT_ADD(edge, msi) {
	.type = VMDEV_IRQ_MSI,
	.base = 64,
};

FIXTURE_SETUP(edge)
{
	self->fds = open_fds();
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &self->mgr));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, variant->type,
					 variant->base, NR_VECTORS, NULL,
					 &self->grp));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
}

FIXTURE_TEARDOWN(edge)
{
	vmdev_irq_group_free(self->grp);
	vmdev_irq_manager_free(self->mgr);
	EXPECT_EQ(self->fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

/* The events each vector's consumer finds, all vectors at once. */
static void take_all(struct vmdev_irq_group *grp, uint64_t *got)
{
	uint32_t v;

	for (v = 0; v < NR_VECTORS; v++)
		got[v] = vec_take(grp, v);
}

TEST_F(edge, one_event_per_trigger)
{
	uint64_t got[NR_VECTORS];
	uint32_t v, w;

	for (v = 0; v < NR_VECTORS; v++) {
		ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, v));
		take_all(self->grp, got);
		for (w = 0; w < NR_VECTORS; w++)
			EXPECT_EQ((uint64_t)(v == w), got[w]);
	}
	/* Not coalesced while unmasked: each trigger is an event. */
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 2));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 2));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 2));
	EXPECT_EQ(3U, vec_take(self->grp, 2));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 2));
}

TEST_F(edge, bad_vector)
{
	ASSERT_ERR(ENOENT, vmdev_irq_group_trigger(self->grp, NR_VECTORS));
	ASSERT_ERR(ENOENT, vmdev_irq_group_trigger(self->grp, UINT32_MAX));
	ASSERT_ERR(ENOENT, vmdev_irq_group_mask(self->grp, NR_VECTORS));
	ASSERT_ERR(ENOENT, vmdev_irq_group_unmask(self->grp, NR_VECTORS));
	ASSERT_ERR(ENOENT, vmdev_irq_group_pending(self->grp, NR_VECTORS));
	ASSERT_ERR(EINVAL, vmdev_irq_group_trigger(NULL, 0));
	ASSERT_ERR(EINVAL, vmdev_irq_group_mask(NULL, 0));
	ASSERT_ERR(EINVAL, vmdev_irq_group_unmask(NULL, 0));
	ASSERT_ERR(EINVAL, vmdev_irq_group_pending(NULL, 0));
}

/* Levels belong to level groups. */
TEST_F(edge, no_level_operations)
{
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_assert(self->grp, 0));
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_clear(self->grp, 0));
	ASSERT_ERR(ENOENT, vmdev_irq_group_assert(self->grp, NR_VECTORS));
	ASSERT_ERR(EINVAL, vmdev_irq_group_assert(NULL, 0));
	ASSERT_ERR(EINVAL, vmdev_irq_group_clear(NULL, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 0));
}

TEST_F(edge, disabled_group)
{
	ASSERT_EQ(0, vmdev_irq_group_disable(self->grp));
	ASSERT_ERR(EBADFD, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
}

TEST_F(edge, mask_holds_one_pending_event)
{
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 1));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 1));
	EXPECT_EQ(0U, vec_take(self->grp, 1));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 1));
	/* Masking again changes nothing; other vectors are not masked. */
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 1));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));

	/* Unmask delivers the pending event, once. */
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 1));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 1));
	EXPECT_EQ(0U, vec_take(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 1));
}

TEST_F(edge, unmask_without_pending_is_quiet)
{
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 3));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 3));
	EXPECT_EQ(0U, vec_take(self->grp, 3));
}

/*
 * A disable drops what was pending or left unread; masks stay (they are
 * the device's mask registers), and nothing is pending while disabled.
 */
TEST_F(edge, disable_forgets_events_keeps_masks)
{
	int fd = vmdev_irq_group_trigger_fd(self->grp, 2);

	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	ASSERT_EQ(1, vmdev_irq_group_pending(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 2));
	ASSERT_EQ(0, vmdev_irq_group_disable(self->grp));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));
	EXPECT_FALSE(efd_readable(fd));

	/* Masking and unmasking a disabled group's vectors is allowed. */
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 3));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 3));
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 1));
	/* A direct signaller's event while disabled does not survive. */
	ASSERT_EQ(0, efd_write(fd, 1));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	EXPECT_FALSE(efd_readable(fd));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));

	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 3));
	EXPECT_EQ(0U, vec_take(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 3));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 1));
}

/* A consumer that never reads: the eventfd counter fills up. */
TEST_F(edge, counter_full)
{
	int fd = vmdev_irq_group_trigger_fd(self->grp, 0);

	ASSERT_EQ(0, efd_write(fd, UINT64_MAX - 1));
	ASSERT_ERR(EAGAIN, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_EQ(UINT64_MAX - 1, efd_take(fd));
	ASSERT_EQ(0, vmdev_irq_group_trigger(self->grp, 0));
	EXPECT_EQ(1U, efd_take(fd));
}

/* The eventfd backend has nobody between the eventfd and its reader. */
TEST_F(edge, direct_signal_reaches_consumer)
{
	int fd = vmdev_irq_group_trigger_fd(self->grp, 1);

	ASSERT_EQ(0, efd_write(fd, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 1));
}

#define STORM_THREADS	4
#define STORM_TRIGGERS	20000

static void *storm(void *arg)
{
	struct vmdev_irq_group *grp = arg;
	intptr_t fails = 0;
	int i;

	for (i = 0; i < STORM_TRIGGERS; i++)
		fails += vmdev_irq_group_trigger(grp, 0) != 0;
	return (void *)fails;
}

/* Concurrent triggers of one vector: none lost, none doubled. */
TEST_F(edge, concurrent_triggers)
{
	pthread_t t[STORM_THREADS];
	uint64_t total = 0, n;
	void *fails;
	int i;

	for (i = 0; i < STORM_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, storm, self->grp));
	/* Consume while they run: the counter must never overflow. */
	do {
		n = vec_take(self->grp, 0);
		total += n;
	} while (total < (uint64_t)STORM_THREADS * STORM_TRIGGERS &&
		 (n || efd_wait(vmdev_irq_group_trigger_fd(self->grp, 0),
				IRQ_WAIT_MS)));
	for (i = 0; i < STORM_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &fails));
		EXPECT_EQ(NULL, fails);
	}
	EXPECT_EQ((uint64_t)STORM_THREADS * STORM_TRIGGERS, total);
}

#define RACE_ROUNDS	2000

struct race {
	struct vmdev_irq_group *grp;
	pthread_barrier_t start, done;
	atomic_int errors;
};

static void *race_trigger(void *arg)
{
	struct race *r = arg;
	int i;

	for (i = 0; i < RACE_ROUNDS; i++) {
		pthread_barrier_wait(&r->start);
		if (vmdev_irq_group_trigger(r->grp, 0))
			atomic_fetch_add(&r->errors, 1);
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

static void *race_unmask(void *arg)
{
	struct race *r = arg;
	int i;

	for (i = 0; i < RACE_ROUNDS; i++) {
		pthread_barrier_wait(&r->start);
		if (vmdev_irq_group_unmask(r->grp, 0))
			atomic_fetch_add(&r->errors, 1);
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

/*
 * A trigger racing the unmask of its vector: delivered either directly
 * or by the unmask, exactly once, every round.
 */
TEST_F(edge, trigger_races_unmask)
{
	struct race r = { .grp = self->grp };
	pthread_t a, b;
	int i, lost = 0, doubled = 0;
	uint64_t n;

	ASSERT_EQ(0, pthread_barrier_init(&r.start, NULL, 3));
	ASSERT_EQ(0, pthread_barrier_init(&r.done, NULL, 3));
	ASSERT_EQ(0, pthread_create(&a, NULL, race_trigger, &r));
	ASSERT_EQ(0, pthread_create(&b, NULL, race_unmask, &r));
	for (i = 0; i < RACE_ROUNDS; i++) {
		vmdev_irq_group_mask(self->grp, 0);
		pthread_barrier_wait(&r.start);
		pthread_barrier_wait(&r.done);
		n = vec_take(self->grp, 0);
		lost += n == 0;
		doubled += n > 1;
		lost += vmdev_irq_group_pending(self->grp, 0) != 0;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_barrier_destroy(&r.start);
	pthread_barrier_destroy(&r.done);
	EXPECT_EQ(0, atomic_load(&r.errors));
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, doubled);
}

TEST_HARNESS_MAIN
