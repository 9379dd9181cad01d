// SPDX-License-Identifier: GPL-2.0
/*
 * The device-side interrupt status register: as a plain atomic register,
 * bound to an edge vector (each raise is an interrupt), and bound to a
 * level line that must follow "bits != 0" through raises, partial and
 * full acknowledgements and read-and-clear, also under concurrency.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <vmdev/interrupt.h>
#include "kselftest_harness.h"
#include "irq_test.h"

FIXTURE(status) {
	int fds;
	struct vmdev_irq_manager *mgr;
	struct vmdev_irq_group *edge;
	struct vmdev_irq_group *level;
};

FIXTURE_SETUP(status)
{
	VMDEV_OPTS(vmdev_irq_manager_opts, mopts,
		   .flags = VMDEV_IRQ_MGR_MANUAL_RESAMPLE);
	VMDEV_OPTS(vmdev_irq_group_opts, lopts, .flags = VMDEV_IRQ_GROUP_LEVEL);

	self->fds = open_fds();
	ASSERT_EQ(0, vmdev_irq_manager_new_eventfd(&mopts, &self->mgr));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_MSI, 32, 2,
					 NULL, &self->edge));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_LEGACY, 5, 2,
					 &lopts, &self->level));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->edge));
	ASSERT_EQ(0, vmdev_irq_group_enable(self->level));
}

FIXTURE_TEARDOWN(status)
{
	vmdev_irq_group_free(self->edge);
	vmdev_irq_group_free(self->level);
	vmdev_irq_manager_free(self->mgr);
	EXPECT_EQ(self->fds, open_fds());
	EXPECT_EQ(0, res_leaks());
}

static int new_status(struct vmdev_irq_group *grp, uint32_t vector,
		      struct vmdev_irq_status **out)
{
	VMDEV_OPTS(vmdev_irq_status_opts, opts, .group = grp,
		   .vector = vector);

	return vmdev_irq_status_new(&opts, out);
}

/*
 * The guest acknowledges level line v of self->level at its controller:
 * true if the line fired again (it is still high).
 */
static bool line_high(FIXTURE_DATA(status) *self, uint32_t v)
{
	vec_take(self->level, v);
	if (efd_write(vmdev_irq_group_resample_fd(self->level, v), 1))
		return false;
	if (vmdev_irq_manager_process(self->mgr) != 1)
		return false;
	return vec_take(self->level, v) == 1;
}

TEST_F(status, plain_register)
{
	struct vmdev_irq_status *st;
	uint32_t old = 0xdead;

	ASSERT_EQ(0, vmdev_irq_status_new(NULL, &st));
	EXPECT_EQ(0U, vmdev_irq_status_read(st));
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x1, &old));
	EXPECT_EQ(0U, old);
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x4, &old));
	EXPECT_EQ(0x1U, old);
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x4, NULL));
	EXPECT_EQ(0x5U, vmdev_irq_status_read(st));
	ASSERT_EQ(0, vmdev_irq_status_ack(st, 0x1, &old));
	EXPECT_EQ(0x5U, old);
	/* Acknowledging nothing, or bits that are not set, is harmless. */
	ASSERT_EQ(0, vmdev_irq_status_ack(st, 0, NULL));
	ASSERT_EQ(0, vmdev_irq_status_ack(st, 0x8, &old));
	EXPECT_EQ(0x4U, old);
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x80000000, NULL));
	ASSERT_EQ(0, vmdev_irq_status_take(st, &old));
	EXPECT_EQ(0x80000004U, old);
	EXPECT_EQ(0U, vmdev_irq_status_read(st));
	ASSERT_EQ(0, vmdev_irq_status_take(st, NULL));
	vmdev_irq_status_free(st);
	vmdev_irq_status_free(NULL);
}

TEST_F(status, arguments)
{
	struct {
		struct vmdev_irq_status_opts o;
		uint64_t newer_field;
	} big;
	VMDEV_OPTS(vmdev_irq_group_opts, direct,
		   .flags = VMDEV_IRQ_GROUP_LEVEL | VMDEV_IRQ_GROUP_DIRECT);
	struct vmdev_irq_status *st = NULL;
	struct vmdev_irq_group *grp;

	ASSERT_ERR(EINVAL, vmdev_irq_status_new(NULL, NULL));
	ASSERT_ERR(ENOENT, new_status(self->edge, 2, &st));
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.newer_field = 1;
	ASSERT_ERR(EINVAL, vmdev_irq_status_new(&big.o, &st));
	ASSERT_EQ(0, vmdev_irq_group_new(self->mgr, VMDEV_IRQ_LEGACY, 9, 1,
					 &direct, &grp));
	ASSERT_ERR(EOPNOTSUPP, new_status(grp, 0, &st));
	vmdev_irq_group_free(grp);
	EXPECT_EQ(NULL, st);

	ASSERT_EQ(0, vmdev_irq_status_new(NULL, &st));
	ASSERT_ERR(EINVAL, vmdev_irq_status_raise(st, 0, NULL));
	ASSERT_ERR(EINVAL, vmdev_irq_status_raise(NULL, 1, NULL));
	ASSERT_ERR(EINVAL, vmdev_irq_status_ack(NULL, 1, NULL));
	ASSERT_ERR(EINVAL, vmdev_irq_status_take(NULL, NULL));
	EXPECT_EQ(0U, vmdev_irq_status_read(NULL));
	EXPECT_EQ(0U, vmdev_irq_status_read(st));
	vmdev_irq_status_free(st);
}

TEST_F(status, edge_vector)
{
	struct vmdev_irq_status *st;
	uint32_t old;

	ASSERT_EQ(0, new_status(self->edge, 1, &st));
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x1, NULL));
	EXPECT_EQ(1U, vec_take(self->edge, 1));
	/* Every raise is an interrupt, even with the bit already set. */
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x1, &old));
	EXPECT_EQ(0x1U, old);
	EXPECT_EQ(1U, vec_take(self->edge, 1));
	ASSERT_EQ(0, vmdev_irq_status_ack(st, 0x1, NULL));
	ASSERT_EQ(0, vmdev_irq_status_take(st, NULL));
	EXPECT_EQ(0U, vec_take(self->edge, 1));
	EXPECT_EQ(0U, vec_take(self->edge, 0));

	/* The bits are device state: set even if nobody is told. */
	ASSERT_EQ(0, vmdev_irq_group_disable(self->edge));
	ASSERT_ERR(EBADFD, vmdev_irq_status_raise(st, 0x2, NULL));
	EXPECT_EQ(0x2U, vmdev_irq_status_read(st));
	vmdev_irq_status_free(st);
}

TEST_F(status, level_line_follows_bits)
{
	struct vmdev_irq_status *st;
	uint32_t old;

	ASSERT_EQ(0, new_status(self->level, 1, &st));
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x1, NULL));
	EXPECT_EQ(1U, vec_take(self->level, 1));
	/* More causes on a high line: no new rise, still high. */
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x2, NULL));
	EXPECT_EQ(0U, vec_take(self->level, 1));
	EXPECT_TRUE(line_high(self, 1));
	ASSERT_EQ(0, vmdev_irq_status_ack(st, 0x1, &old));
	EXPECT_EQ(0x3U, old);
	EXPECT_TRUE(line_high(self, 1));
	ASSERT_EQ(0, vmdev_irq_status_ack(st, 0x2, NULL));
	EXPECT_FALSE(line_high(self, 1));

	/* Read-and-clear lowers it too. */
	ASSERT_EQ(0, vmdev_irq_status_raise(st, 0x1, NULL));
	EXPECT_EQ(1U, vec_take(self->level, 1));
	ASSERT_EQ(0, vmdev_irq_status_take(st, &old));
	EXPECT_EQ(0x1U, old);
	EXPECT_FALSE(line_high(self, 1));
	EXPECT_FALSE(line_high(self, 0));
	vmdev_irq_status_free(st);
}

#define RACERS		4
#define RACE_ITERS	5000
#define RACE_SECS	5	/* a loaded machine hands off slowly */

struct racer {
	struct vmdev_irq_status *st;
	uint32_t bit;
	atomic_bool *stop;
	atomic_uint *finished;	/* racers whose last raise was taken */
	atomic_uint seen;	/* takes that found our bit */
	unsigned int raised;
};

/*
 * Raise our bit, then wait until the taker has seen it: RACE_ITERS
 * times, or fewer once the taker says stop (its time is up).
 */
static void *raise_and_wait(void *arg)
{
	struct racer *r = arg;
	unsigned int i;

	for (i = 0; i < RACE_ITERS && !atomic_load(r->stop); i++) {
		vmdev_irq_status_raise(r->st, r->bit, NULL);
		while (vmdev_irq_status_read(r->st) & r->bit)
			sched_yield();
	}
	r->raised = i;
	atomic_fetch_add(r->finished, 1);
	return NULL;
}

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Read-and-clear against concurrent raises: every raise is seen by
 * exactly one take, none is lost between the read and the clear.
 */
TEST_F(status, take_loses_no_raise)
{
	double deadline = now_secs() + RACE_SECS;
	atomic_uint finished = 0;
	atomic_bool stop = false;
	struct racer r[RACERS];
	pthread_t t[RACERS];
	uint32_t bits;
	int i;

	ASSERT_EQ(0, vmdev_irq_status_new(NULL, &r[0].st));
	for (i = 0; i < RACERS; i++) {
		r[i].st = r[0].st;
		r[i].bit = 1U << (i * 7);
		r[i].stop = &stop;
		r[i].finished = &finished;
		atomic_init(&r[i].seen, 0);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, raise_and_wait, &r[i]));
	}
	/* A racer finishes only once its last raise has been taken. */
	while (atomic_load(&finished) < RACERS) {
		ASSERT_EQ(0, vmdev_irq_status_take(r[0].st, &bits));
		for (i = 0; i < RACERS; i++)
			if (bits & r[i].bit)
				atomic_fetch_add(&r[i].seen, 1);
		if (!atomic_load(&stop) && now_secs() > deadline)
			atomic_store(&stop, true);
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		EXPECT_LT(0U, r[i].raised);
		EXPECT_EQ(r[i].raised, atomic_load(&r[i].seen));
	}
	EXPECT_EQ(0U, vmdev_irq_status_read(r[0].st));
	vmdev_irq_status_free(r[0].st);
}

struct level_racer {
	struct vmdev_irq_status *st;
	uint32_t bit;
	bool leave_set;
};

static void *raise_ack(void *arg)
{
	struct level_racer *r = arg;
	int i;

	for (i = 0; i < RACE_ITERS; i++) {
		vmdev_irq_status_raise(r->st, r->bit, NULL);
		vmdev_irq_status_ack(r->st, r->bit, NULL);
	}
	if (r->leave_set)
		vmdev_irq_status_raise(r->st, r->bit, NULL);
	return NULL;
}

/* Raises and acks from several threads: the line ends as the bits do. */
TEST_F(status, level_line_under_races)
{
	struct level_racer r[RACERS];
	pthread_t t[RACERS];
	int round, i;

	for (round = 0; round < 2; round++) {
		struct vmdev_irq_status *st;

		ASSERT_EQ(0, new_status(self->level, 0, &st));
		for (i = 0; i < RACERS; i++) {
			r[i] = (struct level_racer){
				.st = st, .bit = 1U << i,
				.leave_set = round && i == RACERS - 1,
			};
			ASSERT_EQ(0, pthread_create(&t[i], NULL, raise_ack,
						    &r[i]));
		}
		for (i = 0; i < RACERS; i++)
			pthread_join(t[i], NULL);
		EXPECT_EQ(round ? 1U << (RACERS - 1) : 0U,
			  vmdev_irq_status_read(st));
		EXPECT_EQ(round == 1, line_high(self, 0));
		vmdev_irq_status_take(st, NULL);
		vmdev_irq_status_free(st);
	}
}

TEST_HARNESS_MAIN
