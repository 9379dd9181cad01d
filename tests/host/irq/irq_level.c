// SPDX-License-Identifier: GPL-2.0
/*
 * Level-triggered lines on the eventfd backend. The test is the guest:
 * it reads the trigger eventfd to take an interrupt and writes the
 * resample eventfd for its EOI. A line that is still asserted after an
 * EOI must fire again, one that was cleared must not; masks hold a high
 * line until unmask. Both resampling modes: the library's thread and the
 * VMM's own loop (VMDEV_IRQ_MGR_MANUAL_RESAMPLE).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <vmdev/interrupt.h>
#include "kselftest_harness.h"
#include "irq_test.h"

#define NR_LINES	3

FIXTURE(level) {
	int fds;
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *grp;
	bool manual;
};

FIXTURE_VARIANT(level) {
	uint32_t mgr_flags;
};

FIXTURE_VARIANT_ADD(level, thread) {
	.mgr_flags = 0,
};

FIXTURE_VARIANT_ADD(level, manual) {
	.mgr_flags = VMDEV_IRQ_MGR_MANUAL_RESAMPLE,
};

FIXTURE_SETUP(level)
{
	VMDEV_OPTS(vmdev_irq_manager_opts, mopts, .flags = variant->mgr_flags);
	VMDEV_OPTS(vmdev_irq_group_opts, gopts, .flags = VMDEV_IRQ_GROUP_LEVEL);

	self->fds = open_fds();
	self->manual = variant->mgr_flags & VMDEV_IRQ_MGR_MANUAL_RESAMPLE;
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(&mopts, &self->mgr));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_LEGACY, 9,
					 NR_LINES, &gopts, &self->grp));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
}

FIXTURE_TEARDOWN(level)
{
	vmdev_irq_group_free(self->grp);
	vmdev_irq_manager_free(self->mgr);
	EXPECT_EQ(self->fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

/*
 * The guest's EOI of line v, and the resampling that follows: done by
 * the test itself in manual mode (one line handled), awaited in thread
 * mode (the thread consumes the resample eventfd). Then, whether the
 * line fired again: waited for if expected, else checked to stay quiet.
 */
static bool eoi(struct __test_metadata *_metadata,
		FIXTURE_DATA(level) *self, uint32_t v, bool expect_fire)
{
	int rfd = vmdev_irq_group_resample_fd(self->grp, v);
	int tfd = vmdev_irq_group_trigger_fd(self->grp, v);
	int i;

	EXPECT_EQ(0, efd_write(rfd, 1));
	if (self->manual) {
		EXPECT_TRUE(efd_readable(vmdev_irq_manager_resample_fd(self->mgr)));
		EXPECT_EQ(1, vmdev_irq_manager_process(self->mgr));
		EXPECT_FALSE(efd_readable(vmdev_irq_manager_resample_fd(self->mgr)));
	} else {
		for (i = 0; i < IRQ_WAIT_MS && efd_readable(rfd); i++)
			usleep(1000);
		EXPECT_FALSE(efd_readable(rfd));
	}
	if (expect_fire)
		return efd_wait(tfd, IRQ_WAIT_MS) && efd_take(tfd) == 1;
	return !efd_wait(tfd, self->manual ? 0 : IRQ_QUIET_MS);
}

TEST_F(level, assert_rises_once)
{
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
	/* Already high: no new edge for the guest. */
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 1));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));
}

TEST_F(level, refires_while_asserted)
{
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 1));
	EXPECT_TRUE(eoi(_metadata, self, 1, true));
	EXPECT_TRUE(eoi(_metadata, self, 1, true));
	/* The other lines were not touched. */
	EXPECT_EQ(0U, vec_take(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 2));
}

TEST_F(level, quiet_after_clear)
{
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 2));
	EXPECT_EQ(1U, vec_take(self->grp, 2));
	ASSERT_EQ(0, vmdev_irq_group_clear(self->grp, 2));
	EXPECT_TRUE(eoi(_metadata, self, 2, false));
	/* Clear is idempotent; a new assert is a new rise. */
	ASSERT_EQ(0, vmdev_irq_group_clear(self->grp, 2));
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 2));
	EXPECT_EQ(1U, vec_take(self->grp, 2));
}

TEST_F(level, eoi_of_a_low_line)
{
	EXPECT_TRUE(eoi(_metadata, self, 0, false));
}

TEST_F(level, mask_holds_a_high_line)
{
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 0));
	/* Masked: the EOI does not bring it back... */
	EXPECT_TRUE(eoi(_metadata, self, 0, false));
	/* ...the unmask does, as the line is still high. */
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));

	/* Cleared while masked: nothing pending, nothing on unmask. */
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_clear(self->grp, 0));
	EXPECT_EQ(0, vmdev_irq_group_pending(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 0));

	/* Asserted while masked: held, then delivered by unmask. */
	ASSERT_EQ(0, vmdev_irq_group_mask(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 0));
	EXPECT_EQ(1, vmdev_irq_group_pending(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_unmask(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
}

TEST_F(level, disabled_group)
{
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 1));
	ASSERT_EQ(0, vmdev_irq_group_disable(self->grp));
	ASSERT_ERR(EBADFD, vmdev_irq_group_assert(self->grp, 1));
	/* Lowering a line is always allowed. */
	ASSERT_EQ(0, vmdev_irq_group_clear(self->grp, 1));
	/* A resample while disabled is not watched and is dropped. */
	ASSERT_EQ(0, efd_write(vmdev_irq_group_resample_fd(self->grp, 1), 1));
	if (self->manual)
		EXPECT_EQ(0, vmdev_irq_manager_process(self->mgr));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->grp));
	EXPECT_FALSE(efd_readable(vmdev_irq_group_resample_fd(self->grp, 1)));
	/* The disable dropped the level: a new assert rises again. */
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 1));
	EXPECT_TRUE(eoi(_metadata, self, 1, true));
}

/* An assert that cannot reach the eventfd leaves the line low. */
TEST_F(level, counter_full)
{
	int fd = vmdev_irq_group_trigger_fd(self->grp, 0);

	ASSERT_EQ(0, efd_write(fd, UINT64_MAX - 1));
	ASSERT_ERR(EAGAIN, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_EQ(UINT64_MAX - 1, efd_take(fd));
	EXPECT_TRUE(eoi(_metadata, self, 0, false));
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	EXPECT_EQ(1U, efd_take(fd));
}

TEST_F(level, edge_operations_refused)
{
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_trigger(self->grp, 0));
	ASSERT_ERR(ENOENT, vmdev_irq_group_assert(self->grp, NR_LINES));
	ASSERT_ERR(ENOENT, vmdev_irq_group_clear(self->grp, NR_LINES));
	EXPECT_EQ(0U, vec_take(self->grp, 0));
}

TEST_F(level, resample_fd_by_mode)
{
	int fd;

	ASSERT_ERR(EINVAL, vmdev_irq_manager_resample_fd(NULL));
	ASSERT_ERR(EINVAL, vmdev_irq_manager_process(NULL));
	if (!self->manual) {
		ASSERT_ERR(EBUSY, vmdev_irq_manager_resample_fd(self->mgr));
		ASSERT_ERR(EBUSY, vmdev_irq_manager_process(self->mgr));
		return;
	}
	fd = vmdev_irq_manager_resample_fd(self->mgr);
	ASSERT_GE(fd, 0);
	EXPECT_FALSE(efd_readable(fd));
	EXPECT_EQ(0, vmdev_irq_manager_process(self->mgr));
	/* Several lines at once: one call handles them all. */
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 0));
	ASSERT_EQ(0, vmdev_irq_group_assert(self->grp, 2));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
	EXPECT_EQ(1U, vec_take(self->grp, 2));
	ASSERT_EQ(0, efd_write(vmdev_irq_group_resample_fd(self->grp, 0), 1));
	ASSERT_EQ(0, efd_write(vmdev_irq_group_resample_fd(self->grp, 1), 1));
	ASSERT_EQ(0, efd_write(vmdev_irq_group_resample_fd(self->grp, 2), 1));
	EXPECT_TRUE(efd_readable(fd));
	EXPECT_EQ(3, vmdev_irq_manager_process(self->mgr));
	EXPECT_FALSE(efd_readable(fd));
	EXPECT_EQ(1U, vec_take(self->grp, 0));
	EXPECT_EQ(0U, vec_take(self->grp, 1));
	EXPECT_EQ(1U, vec_take(self->grp, 2));
}

#define RACE_ROUNDS	2000

struct race {
	struct vmdev_irq_group *grp;
	pthread_barrier_t start, done;
	atomic_int errors;
};

static void *race_assert(void *arg)
{
	struct race *r = arg;
	int i;

	for (i = 0; i < RACE_ROUNDS; i++) {
		pthread_barrier_wait(&r->start);
		if (vmdev_irq_group_assert(r->grp, 0))
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

/* An assert racing the unmask of its line rises exactly once. */
TEST_F(level, assert_races_unmask)
{
	struct race r = { .grp = self->grp };
	int i, lost = 0, doubled = 0;
	pthread_t a, b;
	uint64_t n;

	ASSERT_EQ(0, pthread_barrier_init(&r.start, NULL, 3));
	ASSERT_EQ(0, pthread_barrier_init(&r.done, NULL, 3));
	ASSERT_EQ(0, pthread_create(&a, NULL, race_assert, &r));
	ASSERT_EQ(0, pthread_create(&b, NULL, race_unmask, &r));
	for (i = 0; i < RACE_ROUNDS; i++) {
		vmdev_irq_group_clear(self->grp, 0);
		vmdev_irq_group_mask(self->grp, 0);
		pthread_barrier_wait(&r.start);
		pthread_barrier_wait(&r.done);
		n = vec_take(self->grp, 0);
		lost += n == 0;
		doubled += n > 1;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_barrier_destroy(&r.start);
	pthread_barrier_destroy(&r.done);
	EXPECT_EQ(0, atomic_load(&r.errors));
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, doubled);
}

/*
 * DIRECT lines belong to whoever signals their eventfds: the library
 * neither drives them nor eats their resample events.
 */
TEST(direct_lines)
{
	VMDEV_OPTS(vmdev_irq_group_opts, gopts, .flags = VMDEV_IRQ_GROUP_LEVEL |
						   VMDEV_IRQ_GROUP_DIRECT);
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *grp;
	int tfd, rfd;

	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(NULL, &mgr));
	ASSERT_EQ(0, vmdev_irq_group_new(mgr, VMDEV_IRQ_LEGACY, 3, 1, &gopts,
					 &grp));
	ASSERT_EQ(0, vmdev_irq_group_enable(grp));
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_assert(grp, 0));
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_clear(grp, 0));
	ASSERT_ERR(EOPNOTSUPP, vmdev_irq_group_trigger(grp, 0));
	tfd = vmdev_irq_group_trigger_fd(grp, 0);
	rfd = vmdev_irq_group_resample_fd(grp, 0);
	ASSERT_GE(tfd, 0);
	ASSERT_GE(rfd, 0);
	ASSERT_EQ(0, efd_write(tfd, 1));
	EXPECT_EQ(1U, efd_take(tfd));
	ASSERT_EQ(0, efd_write(rfd, 1));
	EXPECT_FALSE(efd_wait(tfd, IRQ_QUIET_MS));
	EXPECT_EQ(1U, efd_take(rfd));
	vmdev_irq_group_free(grp);
	vmdev_irq_manager_free(mgr);
	EXPECT_EQ(0, res_leaks());
}

TEST_HARNESS_MAIN
