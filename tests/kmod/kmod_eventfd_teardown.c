// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfd bindings die with their device and their context: destroying
 * a device or closing the context with live irqfds, resample eventfds,
 * ioeventfds and notify fds unhooks and releases all of them (the
 * eventfds themselves live on, untouched). Then the races: threads
 * hammer the eventfds and the device's registers while another destroys
 * and recreates the device (or the whole context) and binds everything
 * again, and another unbinds and rebinds. The kernel must not oops or
 * warn (the test VM fails the run on any taint); the test checks that
 * every call got an answer it allows.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"

/* The eventfds of a device's full set of bindings. */
enum { EDGE_FD, LEVEL_FD, EOI_FD, NOTE_FD, IO_FIFO, IO_DB, IO_SET_E,
	IO_SET_L, NR_BIND_FDS };

struct binds {
	int fd[NR_BIND_FDS];
};

static int binds_open(struct binds *b)
{
	int i;

	for (i = 0; i < NR_BIND_FDS; i++) {
		b->fd[i] = kev_new();
		if (b->fd[i] < 0)
			return b->fd[i];
	}
	return 0;
}

static void binds_close(struct binds *b)
{
	int i;

	for (i = 0; i < NR_BIND_FDS; i++)
		if (b->fd[i] >= 0)
			close(b->fd[i]);
}

/*
 * Bind everything to device id: 0 or the first error. Where another
 * thread may have made the same binding first, -EEXIST counts as done.
 */
static int bind_all(int ctx, uint32_t id, const struct binds *b,
		    bool contested)
{
	int ret[7], i;

	ret[0] = kev_irqfd(ctx, id, KEV_EDGE, b->fd[EDGE_FD], -1, 0);
	ret[1] = kev_irqfd(ctx, id, KEV_LEVEL, b->fd[LEVEL_FD], b->fd[EOI_FD],
			   0);
	ret[2] = kev_notifyfd(ctx, id, KEV_DB, b->fd[NOTE_FD], 0);
	ret[3] = kev_ioeventfd(ctx, id, KEV_FIN1, b->fd[IO_FIFO], 'z', 0);
	ret[4] = kev_ioeventfd(ctx, id, KEV_DB, b->fd[IO_DB], 3, 0);
	ret[5] = kev_ioeventfd(ctx, id, KEV_SET_E, b->fd[IO_SET_E], 1, 0);
	ret[6] = kev_ioeventfd(ctx, id, KEV_SET_L, b->fd[IO_SET_L], 1, 0);
	for (i = 0; i < 7; i++)
		if (ret[i] && !(contested && ret[i] == -EEXIST))
			return ret[i];
	return 0;
}

/* A context with one kev_map device with everything bound. */
#define BOUND_FIXTURE(name)						\
FIXTURE_SETUP(name)							\
{									\
	self->fd = -1;							\
	memset(&self->b, 0xff, sizeof(self->b));			\
	KMOD_OPEN_OR_SKIP(self->fd);					\
	ASSERT_EQ(0, binds_open(&self->b));				\
	ASSERT_EQ(0, kev_create(self->fd, KEV_PIO, &self->id));	\
	ASSERT_EQ(0, bind_all(self->fd, self->id, &self->b, false));	\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	if (self->fd >= 0)						\
		close(self->fd);					\
	binds_close(&self->b);						\
}

FIXTURE(teardown) {
	int fd;
	uint32_t id;
	struct binds b;
};

BOUND_FIXTURE(teardown)

/*
 * Nothing of the module is left on the eventfds: signals stay in their
 * counters for their readers, and no sink is signalled.
 */
static void assert_unhooked(struct __test_metadata *_metadata,
			    const struct binds *b)
{
	static const int sources[] = {
		EOI_FD, IO_FIFO, IO_DB, IO_SET_E, IO_SET_L,
	};
	unsigned int i;

	for (i = 0; i < KMOD_ARRAY_SIZE(sources); i++)
		ASSERT_EQ(0, kev_signal(b->fd[sources[i]], 1));
	for (i = 0; i < KMOD_ARRAY_SIZE(sources); i++)
		EXPECT_EQ(1U, kev_take(b->fd[sources[i]])) {
			TH_LOG("source %u", sources[i]);
		}
	EXPECT_EQ(0U, kev_quiet(b->fd[EDGE_FD]));
	EXPECT_EQ(0U, kev_take(b->fd[LEVEL_FD]));
	EXPECT_EQ(0U, kev_take(b->fd[NOTE_FD]));
}

/* Drain what the bindings signalled so far. */
static void drain_sinks(const struct binds *b)
{
	kev_take(b->fd[EDGE_FD]);
	kev_take(b->fd[LEVEL_FD]);
	kev_take(b->fd[NOTE_FD]);
}

TEST_F(teardown, destroy_device)
{
	KMOD_SKIP_IF_NO_MODULE();
	/* Live state: the level line pending, deferred signals queued. */
	ASSERT_EQ(0, kev_signal(self->b.fd[IO_SET_L], 1));
	ASSERT_EQ(0, kev_signal(self->b.fd[IO_DB], 1));
	ASSERT_EQ(0, kev_signal(self->b.fd[EOI_FD], 1));
	ASSERT_EQ(0, kmod_destroy(self->fd, self->id));
	drain_sinks(&self->b);
	assert_unhooked(_metadata, &self->b);
	/* The eventfds bind again, to a new device. */
	ASSERT_EQ(0, kev_create(self->fd, KEV_PIO, &self->id));
	EXPECT_EQ(0, bind_all(self->fd, self->id, &self->b, false));
}

TEST_F(teardown, close_context)
{
	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_signal(self->b.fd[IO_SET_E], 1));
	ASSERT_EQ(0, kev_signal(self->b.fd[IO_SET_L], 1));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	drain_sinks(&self->b);
	assert_unhooked(_metadata, &self->b);
}

/* The same eventfds on two contexts: closing one leaves the other. */
TEST_F(teardown, two_contexts)
{
	uint32_t id2;
	int ctx2;
	uint8_t c;

	KMOD_SKIP_IF_NO_MODULE();
	ctx2 = kmod_open();
	ASSERT_LE(0, ctx2);
	ASSERT_EQ(0, kev_create(ctx2, KEV_PIO, &id2));
	ASSERT_EQ(0, kev_irqfd(ctx2, id2, KEV_EDGE, self->b.fd[EDGE_FD], -1,
			       0));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(DONE, kev_poke(ctx2, KEV_PIO, KEV_SET_E));
	EXPECT_EQ(1U, kev_take(self->b.fd[EDGE_FD]));
	/* The first context's ioeventfd is gone: this one can hook it. */
	ASSERT_EQ(0, kev_ioeventfd(ctx2, id2, KEV_FIN1, self->b.fd[IO_FIFO],
				   'q', 0));
	ASSERT_EQ(0, kev_signal(self->b.fd[IO_FIFO], 1));
	ASSERT_EQ(1, kmod_fifo(ctx2, id2, KEV_FIN1, VMDEV_FIFO_DRAIN, &c, 1));
	EXPECT_EQ('q', c);
	close(ctx2);
}

/* ---- races ----------------------------------------------------------- */

#define RUN_NS		3000000000LL
#define NR_WRITERS	4

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct race {
	atomic_int ctx;			/* the context fd now */
	atomic_uint id;			/* the device id now */
	const struct binds *b;
	atomic_bool stop;
	atomic_uint bad;
	atomic_long first_bad;		/* the first unexpected result */
	atomic_ulong signals, accesses, rebinds, cycles;
};

static void bad(struct race *r, long what)
{
	long none = 0;

	atomic_compare_exchange_strong(&r->first_bad, &none, what);
	atomic_fetch_add(&r->bad, 1);
}

/* Hammer one source eventfd of the set; the module may hook it or not. */
static void *writer(void *arg)
{
	struct race *r = arg;
	static atomic_uint next;
	const int sources[] = { EOI_FD, IO_FIFO, IO_DB, IO_SET_E, IO_SET_L };
	unsigned int me = atomic_fetch_add(&next, 1), i = 0;

	while (!atomic_load(&r->stop)) {
		int fd = r->b->fd[sources[(me + i++) % 5]];

		if (kev_signal(fd, 1))
			bad(r, 1000 + me);
		else
			atomic_fetch_add(&r->signals, 1);
	}
	return NULL;
}

/*
 * Guest accesses that raise and clear both lines, ring the doorbell and
 * drain the FIFO; the device may be gone (SLOW) or the context closed
 * (EBADF, while it is swapped).
 */
static void *accessor(void *arg)
{
	static const uint32_t regs[] = {
		KEV_SET_E, KEV_SET_L, KEV_STAT_E, KEV_DB, KEV_STAT_L,
	};
	struct race *r = arg;
	unsigned int i = 0;
	uint8_t buf[16];
	int ret;

	while (!atomic_load(&r->stop)) {
		int ctx = atomic_load(&r->ctx);

		ret = kev_poke(ctx, KEV_PIO, regs[i++ % 5]);
		if (ret != DONE && ret != SLOW && ret != -EBADF)
			bad(r, 2000 - ret);
		ret = kmod_fifo(ctx, atomic_load(&r->id), KEV_FIN1,
				VMDEV_FIFO_DRAIN, buf, sizeof(buf));
		if (ret < 0 && ret != -ENOENT && ret != -EBADF)
			bad(r, 3000 - ret);
		drain_sinks(r->b);
		atomic_fetch_add(&r->accesses, 1);
	}
	return NULL;
}

/*
 * Unbind and rebind the level line and the FIFO's ioeventfd while the
 * device comes and goes: each call finds the binding, or not (a new
 * device already has everything bound, or none yet).
 */
static void *rebinder(void *arg)
{
	struct race *r = arg;
	const struct binds *b = r->b;
	int ret;

	while (!atomic_load(&r->stop)) {
		int ctx = atomic_load(&r->ctx);
		uint32_t id = atomic_load(&r->id);

		ret = kev_irqfd(ctx, id, KEV_LEVEL, b->fd[LEVEL_FD], -1,
				KEV_UNBIND);
		if (ret && ret != -ENOENT && ret != -EBADF)
			bad(r, 4000 - ret);
		ret = kev_irqfd(ctx, id, KEV_LEVEL, b->fd[LEVEL_FD],
				b->fd[EOI_FD], 0);
		if (ret && ret != -ENOENT && ret != -EEXIST && ret != -EBADF)
			bad(r, 5000 - ret);
		ret = kev_ioeventfd(ctx, id, KEV_FIN1, b->fd[IO_FIFO], 'z',
				    KEV_UNBIND);
		if (ret && ret != -ENOENT && ret != -EBADF)
			bad(r, 6000 - ret);
		ret = kev_ioeventfd(ctx, id, KEV_FIN1, b->fd[IO_FIFO], 'z', 0);
		if (ret && ret != -ENOENT && ret != -EEXIST && ret != -EBADF)
			bad(r, 7000 - ret);
		atomic_fetch_add(&r->rebinds, 1);
	}
	return NULL;
}

FIXTURE(race) {
	int fd;
	uint32_t id;
	struct binds b;
};

BOUND_FIXTURE(race)

FIXTURE_VARIANT(race) {
	bool whole_context;	/* close and reopen, not destroy and create */
};

FIXTURE_VARIANT_ADD(race, device) {
	.whole_context = false,
};

FIXTURE_VARIANT_ADD(race, context) {
	.whole_context = true,
};

/*
 * One cycle of the main thread: the device (or the context) goes away
 * under the others' feet and comes back with everything bound. Binding
 * all may meet the rebinder's bindings (-EEXIST): they are the same.
 */
static int cycle(struct race *r, bool whole_context)
{
	int ctx = atomic_load(&r->ctx), ret;
	uint32_t id;

	if (whole_context) {
		int fresh = kmod_open();

		if (fresh < 0)
			return fresh;
		atomic_store(&r->ctx, fresh);
		close(ctx);
		ctx = fresh;
	} else {
		ret = kmod_destroy(ctx, atomic_load(&r->id));
		if (ret)
			return ret;
	}
	ret = kev_create(ctx, KEV_PIO, &id);
	if (ret)
		return ret;
	atomic_store(&r->id, id);
	return bind_all(ctx, id, r->b, true);
}

TEST_F(race, hammer)
{
	pthread_t writers[NR_WRITERS], acc, reb;
	struct race r = { .b = &self->b };
	int64_t end;
	int i, ret = 0;

	KMOD_SKIP_IF_NO_MODULE();
	atomic_store(&r.ctx, self->fd);
	atomic_store(&r.id, self->id);
	for (i = 0; i < NR_WRITERS; i++)
		ASSERT_EQ(0, pthread_create(&writers[i], NULL, writer, &r));
	ASSERT_EQ(0, pthread_create(&acc, NULL, accessor, &r));
	ASSERT_EQ(0, pthread_create(&reb, NULL, rebinder, &r));
	end = now_ns() + RUN_NS;
	while (!ret && now_ns() < end) {
		ret = cycle(&r, variant->whole_context);
		atomic_fetch_add(&r.cycles, 1);
	}
	atomic_store(&r.stop, true);
	for (i = 0; i < NR_WRITERS; i++)
		pthread_join(writers[i], NULL);
	pthread_join(acc, NULL);
	pthread_join(reb, NULL);
	self->fd = atomic_load(&r.ctx);

	EXPECT_EQ(0, ret);
	EXPECT_EQ(0U, atomic_load(&r.bad)) {
		TH_LOG("first unexpected result: %ld",
		       atomic_load(&r.first_bad));
	}
	TH_LOG("%lu cycles, %lu signals, %lu access rounds, %lu rebinds",
	       atomic_load(&r.cycles), atomic_load(&r.signals),
	       atomic_load(&r.accesses), atomic_load(&r.rebinds));
	EXPECT_LT(1UL, atomic_load(&r.cycles));
	EXPECT_LT(0UL, atomic_load(&r.signals));
	/* Afterwards the device works as bound. */
	drain_sinks(&self->b);
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_STAT_E));
	ASSERT_EQ(0, kev_signal(self->b.fd[IO_SET_E], 1));
	EXPECT_EQ(1U, kev_wait(self->b.fd[EDGE_FD]));
}

TEST_HARNESS_MAIN
