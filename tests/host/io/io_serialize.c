// SPDX-License-Identifier: GPL-2.0
/*
 * The two kinds of device under concurrent dispatch: a serialized device
 * is never entered twice at once, on any of its ranges; a thread-safe one
 * is called concurrently. Re-entering a serialized device fails instead
 * of hanging.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "io_common.h"

#define THREADS		4
#define CALLS		25

struct gauge {
	atomic_int inside;	/* callbacks running now */
	atomic_int max_inside;
	atomic_int calls;
	atomic_int timeouts;
	int hold_us;		/* how long each call stays inside */
	int wait_for;		/* or: stay until this many are inside */
	struct vmdev_io_manager *mgr;
	int reentry;		/* what a nested access returned */
};

static void wait_for_company(struct gauge *g)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&g->max_inside) < g->wait_for) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 5) {
			atomic_fetch_add(&g->timeouts, 1);
			return;
		}
		usleep(100);
	}
}

static int gauge_read(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, void *data, size_t len)
{
	struct gauge *g = opaque;
	int now = atomic_fetch_add(&g->inside, 1) + 1;
	int max = atomic_load(&g->max_inside);

	while (now > max &&
	       !atomic_compare_exchange_weak(&g->max_inside, &max, now))
		;
	if (g->wait_for)
		wait_for_company(g);
	else
		usleep(g->hold_us);
	atomic_fetch_sub(&g->inside, 1);
	atomic_fetch_add(&g->calls, 1);
	memset(data, 0, len);
	return 0;
}

/* Reads its own range again from inside the callback. */
static int reentering_read(void *opaque, enum vmdev_space space,
			   uint64_t base, uint64_t offset, void *data,
			   size_t len)
{
	struct gauge *g = opaque;
	uint8_t b;

	if (offset == 0)
		g->reentry = vmdev_io_read(g->mgr, space, base + 1, &b, 1);
	memset(data, 0, len);
	return 0;
}

struct worker {
	pthread_t thread;
	struct vmdev_io_manager *mgr;
	int index;
	int calls;
	int errors;
};

/* Each worker alternates between the PIO and the MMIO range. */
static void *work(void *arg)
{
	struct worker *w = arg;
	uint32_t v;
	int i, err;

	for (i = 0; i < w->calls; i++) {
		if ((i + w->index) & 1)
			err = vmdev_io_read(w->mgr, VMDEV_PIO, 0x510, &v, 4);
		else
			err = vmdev_io_read(w->mgr, VMDEV_MMIO, 0x10000008,
					    &v, 4);
		w->errors += err != 0;
	}
	return NULL;
}

/* Run n workers of calls accesses each against g's device; errors. */
static int run(struct gauge *g, struct vmdev_device_opts *opts, int n,
	       int calls)
{
	struct worker w[THREADS];
	struct vmdev_io_manager *mgr;
	struct vmdev_resources *res;
	struct vmdev_device *dev;
	int i, errors = 0;

	opts->read = gauge_read;
	opts->opaque = g;
	if (vmdev_io_manager_new(NULL, &mgr) || vmdev_device_new(opts, &dev))
		return -1;
	if (RES(&res, PIO(0x510, 0x10), MMIO(0x10000000, 0x1000)) ||
	    vmdev_io_register(mgr, dev, res) != 2)
		return -1;
	for (i = 0; i < n; i++) {
		w[i] = (struct worker){
			.mgr = mgr, .index = i, .calls = calls,
		};
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		errors += w[i].errors;
	}
	vmdev_resources_free(res);
	vmdev_io_manager_free(mgr);
	vmdev_device_put(dev);
	return errors;
}

TEST(serialized_never_overlaps)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .kind = VMDEV_DEVICE_SERIALIZED);
	struct gauge g = { .hold_us = 300 };

	ASSERT_EQ(0, run(&g, &opts, THREADS, CALLS));
	EXPECT_EQ(THREADS * CALLS, atomic_load(&g.calls));
	EXPECT_EQ(1, atomic_load(&g.max_inside));
}

/* Leaving kind out means serialized: the safe default. */
TEST(default_is_serialized)
{
	VMDEV_OPTS(vmdev_device_opts, opts);
	struct gauge g = { .hold_us = 300 };

	ASSERT_EQ(0, run(&g, &opts, THREADS, CALLS));
	EXPECT_EQ(THREADS * CALLS, atomic_load(&g.calls));
	EXPECT_EQ(1, atomic_load(&g.max_inside));
}

/* Each call waits inside until a second one joins it. */
TEST(thread_safe_runs_concurrently)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .kind = VMDEV_DEVICE_THREAD_SAFE);
	struct gauge g = { .wait_for = 2 };

	ASSERT_EQ(0, run(&g, &opts, 2, 1));
	EXPECT_EQ(0, atomic_load(&g.timeouts));
	EXPECT_EQ(2, atomic_load(&g.max_inside));
}

static void reenter(struct __test_metadata *_metadata,
		    enum vmdev_device_kind kind, int expect)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .kind = kind,
		   .read = reentering_read);
	struct gauge g = { .reentry = 1 };
	struct vmdev_resources *res;
	struct vmdev_device *dev;
	uint8_t b;

	opts.opaque = &g;
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &g.mgr));
	ASSERT_EQ(0, vmdev_device_new(&opts, &dev));
	ASSERT_EQ(0, RES(&res, MMIO(0x2000, 0x10)));
	ASSERT_EQ(1, vmdev_io_register(g.mgr, dev, res));
	EXPECT_EQ(0, vmdev_io_read(g.mgr, VMDEV_MMIO, 0x2000, &b, 1));
	EXPECT_EQ(expect, g.reentry);
	/* The device is usable afterwards: the lock was released. */
	EXPECT_EQ(0, vmdev_io_read(g.mgr, VMDEV_MMIO, 0x2004, &b, 1));
	vmdev_resources_free(res);
	vmdev_io_manager_free(g.mgr);
	vmdev_device_put(dev);
}

TEST(serialized_reentry_fails)
{
	reenter(_metadata, VMDEV_DEVICE_SERIALIZED, -EDEADLK);
}

TEST(thread_safe_reentry_works)
{
	reenter(_metadata, VMDEV_DEVICE_THREAD_SAFE, 0);
}

TEST_HARNESS_MAIN
