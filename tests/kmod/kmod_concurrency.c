// SPDX-License-Identifier: GPL-2.0
/*
 * Accesses and VMM calls from several threads while devices come and go.
 * Readers must only ever see a consistent bus: a device that is there
 * (with its exact register values) or no device, never an error, a torn
 * value or a half-registered device; control operations racing with each
 * other must have exactly one winner.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "kselftest_harness.h"
#include "kmod_util.h"

#define STABLE		0x1000ULL	/* MMIO: always there */
#define TRANSIENT	0x2000ULL	/* MMIO: created and destroyed */
#define MARK		0xa5000000u	/* top byte of every transient CONST */
#define MARK_MASK	0xff000000u
#define READERS		3
#define RUN_NS		2000000000LL

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct race {
	int fd;
	atomic_bool stop;
	atomic_uint bad;		/* inconsistent results seen */
	atomic_ulong reads, hits, vmm_calls;
	atomic_uint id;			/* the transient device, or 0 */
	char first_bad[160];
	pthread_mutex_t lock;
};

static void report(struct race *r, const char *what, long ret, uint64_t v)
{
	pthread_mutex_lock(&r->lock);
	if (!atomic_fetch_add(&r->bad, 1))
		snprintf(r->first_bad, sizeof(r->first_bad),
			 "%s: ret %ld value %#llx", what, ret,
			 (unsigned long long)v);
	pthread_mutex_unlock(&r->lock);
}

static void check_single(struct race *r)
{
	uint64_t v;
	int ret;

	ret = kmod_read(r->fd, MMIO, STABLE + 4, 4, &v);
	if (ret != DONE || v != KMOD_CONST)
		report(r, "stable read", ret, v);
	ret = kmod_read(r->fd, MMIO, TRANSIENT + 4, 4, &v);
	if (ret == DONE && (v & MARK_MASK) == MARK)
		atomic_fetch_add(&r->hits, 1);
	else if (ret != SLOW)
		report(r, "transient read", ret, v);
}

/* stable, transient, stable: done is 1 (slow at the middle) or 3. */
static void check_batch(struct race *r)
{
	struct vmdev_access e[3] = {
		{ .addr = STABLE + 4, .space = MMIO, .len = 4 },
		{ .addr = TRANSIENT + 4, .space = MMIO, .len = 4 },
		{ .addr = STABLE + 4, .space = MMIO, .len = 4 },
	};
	struct vmdev_access_batch b = {
		.size = sizeof(b), .count = 3, .entries = (uintptr_t)e,
	};
	long ret = kmod_ioctl(r->fd, VMDEV_ACCESS_BATCH, &b);

	if (ret || e[0].result != DONE || e[0].data != KMOD_CONST)
		report(r, "batch stable", ret, e[0].data);
	else if (b.done == 1 && e[1].result != SLOW)
		report(r, "batch stop", b.done, e[1].result);
	else if (b.done == 3 && ((e[1].data & MARK_MASK) != MARK ||
				 e[2].data != KMOD_CONST))
		report(r, "batch values", b.done, e[1].data);
	else if (b.done != 1 && b.done != 3)
		report(r, "batch done", b.done, 0);
}

static void *reader(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		check_single(r);
		check_batch(r);
		atomic_fetch_add(&r->reads, 1);
	}
	return NULL;
}

/* The VMM side on a device that may vanish: success or -ENOENT only. */
static void *vmm(void *arg)
{
	struct race *r = arg;
	uint8_t buf[4];
	uint64_t v = 0;
	int ret;

	while (!atomic_load(&r->stop)) {
		uint32_t id = atomic_load(&r->id);

		ret = kmod_reg_read(r->fd, id, KMOD_REG_CONST, &v);
		if (!ret && (v & MARK_MASK) != MARK)
			report(r, "reg_read value", ret, v);
		else if (ret && ret != -ENOENT)
			report(r, "reg_read", ret, v);
		ret = kmod_reg_write(r->fd, id, KMOD_REG_RW, 1);
		if (ret && ret != -ENOENT)
			report(r, "reg_write", ret, 0);
		ret = kmod_fifo(r->fd, id, KMOD_REG_RW, VMDEV_FIFO_DRAIN,
				buf, 1);
		if (ret != -EINVAL && ret != -ENOENT)
			report(r, "fifo on a plain register", ret, 0);
		ret = kmod_reset(r->fd, id);
		if (ret && ret != -ENOENT)
			report(r, "reset", ret, 0);
		atomic_fetch_add(&r->vmm_calls, 1);
	}
	return NULL;
}

/*
 * Generation gen of the transient device: its CONST reads MARK | gen,
 * and odd generations are mapped on 16 ranges (TRANSIENT among them),
 * even ones on TRANSIENT alone.
 */
static int create_transient(int fd, uint32_t gen, uint32_t *id)
{
	struct vmdev_reg regs[KMOD_NR_REGS];
	struct vmdev_rdev_desc d = kmod_map;
	struct vmdev_range r[VMDEV_MAX_DEV_RANGES];
	uint32_t i, n = gen & 1 ? VMDEV_MAX_DEV_RANGES : 1;

	memcpy(regs, kmod_regs, sizeof(regs));
	regs[KMOD_REG_CONST].reset = MARK | (gen & 0xffffff);
	d.regs = regs;
	r[0] = kmod_range(MMIO, TRANSIENT, KMOD_WINDOW);
	for (i = 1; i < n; i++)
		r[i] = kmod_range(i & 1, 0x4000 + i * 0x100, KMOD_WINDOW);
	return kmod_create(fd, &d, r, n, id);
}

TEST(readers_while_devices_come_and_go)
{
	pthread_t readers[READERS], vmm_thread;
	struct race r = { .stop = false };
	uint32_t gen, id, stable;
	int64_t end;
	int i;

	r.fd = kmod_open();
	if (r.fd == -ENOENT)
		SKIP(return, KMOD_NODE " absent: vmdev.ko not loaded");
	ASSERT_LE(0, r.fd);
	pthread_mutex_init(&r.lock, NULL);
	ASSERT_EQ(0, kmod_create1(r.fd, MMIO, STABLE, KMOD_WINDOW, &stable));
	for (i = 0; i < READERS; i++)
		ASSERT_EQ(0, pthread_create(&readers[i], NULL, reader, &r));
	ASSERT_EQ(0, pthread_create(&vmm_thread, NULL, vmm, &r));

	end = now_ns() + RUN_NS;
	for (gen = 0; now_ns() < end; gen++) {
		ASSERT_EQ(0, create_transient(r.fd, gen, &id))
			TH_LOG("generation %u", gen);
		atomic_store(&r.id, id);
		/* Give the readers a chance to find it. */
		usleep(gen % 4 * 500);
		ASSERT_EQ(0, kmod_destroy(r.fd, id));
	}

	atomic_store(&r.stop, true);
	for (i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	pthread_join(vmm_thread, NULL);
	TH_LOG("%u generations, %lu reads (%lu hits), %lu VMM calls", gen,
	       atomic_load(&r.reads), atomic_load(&r.hits),
	       atomic_load(&r.vmm_calls));
	EXPECT_EQ(0U, atomic_load(&r.bad)) TH_LOG("%s", r.first_bad);
	EXPECT_LT(0U, gen);
	EXPECT_LT(0UL, atomic_load(&r.reads));
	EXPECT_LT(0UL, atomic_load(&r.vmm_calls));
	/* The bus is as it started: the stable device alone. */
	ASSERT_EQ(0, kmod_destroy(r.fd, stable));
	close(r.fd);
}

/* Several threads doing the same control operation at the same moment. */
#define RACERS	4
#define ROUNDS	30

struct contest {
	int fd;
	uint32_t id;
	pthread_barrier_t start;
	int ret[RACERS];
	uint32_t created[RACERS];
};

struct racer {
	struct contest *c;
	int n;
};

static void *destroyer(void *arg)
{
	struct racer *me = arg;

	pthread_barrier_wait(&me->c->start);
	me->c->ret[me->n] = kmod_destroy(me->c->fd, me->c->id);
	return NULL;
}

static void *creator(void *arg)
{
	struct racer *me = arg;

	pthread_barrier_wait(&me->c->start);
	me->c->ret[me->n] = kmod_create1(me->c->fd, PIO, 0x3f8, 8,
					 &me->c->created[me->n]);
	return NULL;
}

/*
 * Run fn on RACERS threads at once; the number that returned 0, or -1 if
 * any failed otherwise than with `other`. *winner: the last that won.
 */
static int contest(struct contest *c, void *(*fn)(void *), int other,
		   int *winner)
{
	pthread_t t[RACERS];
	struct racer me[RACERS];
	int i, won = 0;

	pthread_barrier_init(&c->start, NULL, RACERS);
	for (i = 0; i < RACERS; i++) {
		me[i].c = c;
		me[i].n = i;
		if (pthread_create(&t[i], NULL, fn, &me[i]))
			return -1;
	}
	for (i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&c->start);
	for (i = 0; i < RACERS; i++) {
		if (!c->ret[i]) {
			won++;
			*winner = i;
		} else if (c->ret[i] != other) {
			return -1;
		}
	}
	return won;
}

TEST(one_winner_per_race)
{
	struct contest c;
	uint64_t v;
	int round, w;

	c.fd = kmod_open();
	if (c.fd == -ENOENT)
		SKIP(return, KMOD_NODE " absent: vmdev.ko not loaded");
	ASSERT_LE(0, c.fd);
	for (round = 0; round < ROUNDS; round++) {
		ASSERT_EQ(0, kmod_create1(c.fd, MMIO, 0x1000, 16, &c.id));
		ASSERT_EQ(1, contest(&c, destroyer, -ENOENT, &w))
			TH_LOG("destroy, round %d", round);
		EXPECT_EQ(SLOW, kmod_read(c.fd, MMIO, 0x1004, 4, &v));

		ASSERT_EQ(1, contest(&c, creator, -EEXIST, &w))
			TH_LOG("create, round %d", round);
		ASSERT_EQ(DONE, kmod_read(c.fd, PIO, 0x3fc, 4, &v));
		EXPECT_EQ(KMOD_CONST, v);
		ASSERT_EQ(0, kmod_destroy(c.fd, c.created[w]));
		EXPECT_EQ(SLOW, kmod_read(c.fd, PIO, 0x3fc, 4, &v));
	}
	close(c.fd);
}

/* Threads filling the context concurrently stop at exactly the limit. */
struct filler {
	int fd, n;
	int created, full, other;
};

static void *fill(void *arg)
{
	struct filler *f = arg;
	int i, ret;

	for (i = 0; i < VMDEV_MAX_DEVICES; i++) {
		ret = kmod_create1(f->fd, MMIO,
				   0x100000 + (f->n * VMDEV_MAX_DEVICES + i) * 16ULL,
				   16, NULL);
		if (!ret)
			f->created++;
		else if (ret == -ENOSPC)
			f->full++;
		else
			f->other++;
	}
	return NULL;
}

TEST(concurrent_fill_to_limit)
{
	struct filler f[RACERS];
	pthread_t t[RACERS];
	int fd, i, created = 0;

	KMOD_OPEN_OR_SKIP(fd);
	for (i = 0; i < RACERS; i++) {
		f[i] = (struct filler){ .fd = fd, .n = i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fill, &f[i]));
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		created += f[i].created;
		EXPECT_EQ(0, f[i].other);
	}
	EXPECT_EQ(VMDEV_MAX_DEVICES, created);
	EXPECT_EQ(-ENOSPC, kmod_create1(fd, PIO, 0x60, 1, NULL));
	close(fd);
}

TEST_HARNESS_MAIN
