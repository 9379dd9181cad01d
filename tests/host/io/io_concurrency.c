// SPDX-License-Identifier: GPL-2.0
/*
 * Dispatch against concurrent changes: a commit is seen whole or not at
 * all, removal waits for the accesses in flight so the device can be
 * freed at once, vCPU-like threads keep dispatching while another thread
 * registers, commits and removes (ASan checks every freed device is no
 * longer touched), and a device may unplug itself from its own callback.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "io_common.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int nop_read(void *opaque, enum vmdev_space space, uint64_t base,
		    uint64_t offset, void *data, size_t len)
{
	memset(data, 0, len);
	return 0;
}

/* ------------------------------------------------------------------ */

/*
 * Pair k is port 0x100 + k and MMIO 0x10000 + k. The writer moves the
 * device of each pair from its port to its MMIO address in one commit,
 * pair after pair. A reader checking pair k in either order may see the
 * move between its two reads, but never both or neither in the order
 * that would need the two buses to be published apart:
 *   MMIO then port: hit, hit is impossible (the port left before);
 *   port then MMIO: miss, miss is impossible (the MMIO came before).
 */
#define PAIRS	1500

struct move_test {
	struct vmdev_io_manager *mgr;
	atomic_int moved;	/* pairs moved so far */
	atomic_int torn;
	atomic_int checks;
	atomic_bool stop;
};

static void *move_reader(void *arg)
{
	struct move_test *m = arg;
	int k, pio, mmio;

	while (!atomic_load(&m->stop)) {
		k = atomic_load(&m->moved);
		if (k >= PAIRS)
			break;
		if (k & 1) {
			mmio = probe(m->mgr, VMDEV_MMIO, 0x10000 + k);
			pio = probe(m->mgr, VMDEV_PIO, 0x100 + k);
			atomic_fetch_add(&m->torn, !mmio && !pio);
		} else {
			pio = probe(m->mgr, VMDEV_PIO, 0x100 + k);
			mmio = probe(m->mgr, VMDEV_MMIO, 0x10000 + k);
			atomic_fetch_add(&m->torn, pio && mmio);
		}
		atomic_fetch_add(&m->checks, 1);
	}
	return NULL;
}

TEST(commit_is_atomic)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .read = nop_read,
		   .kind = VMDEV_DEVICE_THREAD_SAFE);
	struct vmdev_resources *port, *mmio;
	struct move_test m = { 0 };
	struct vmdev_device *dev;
	struct vmdev_io_txn *txn;
	pthread_t r[2];
	int k;

	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &m.mgr));
	ASSERT_EQ(0, vmdev_device_new(&opts, &dev));
	ASSERT_EQ(0, vmdev_io_txn_begin(m.mgr, &txn));
	for (k = 0; k < PAIRS; k++) {
		port = res_one(VMDEV_PIO, 0x100 + k, 1);
		ASSERT_EQ(1, vmdev_io_txn_register(txn, dev, port));
		vmdev_resources_free(port);
	}
	ASSERT_EQ(0, vmdev_io_txn_commit(txn));
	for (k = 0; k < 2; k++)
		pthread_create(&r[k], NULL, move_reader, &m);
	for (k = 0; k < PAIRS; k++) {
		port = res_one(VMDEV_PIO, 0x100 + k, 1);
		mmio = res_one(VMDEV_MMIO, 0x10000 + k, 1);
		ASSERT_EQ(0, vmdev_io_txn_begin(m.mgr, &txn));
		ASSERT_EQ(1, vmdev_io_txn_unregister(txn, port));
		ASSERT_EQ(1, vmdev_io_txn_register(txn, dev, mmio));
		ASSERT_EQ(0, vmdev_io_txn_commit(txn));
		atomic_store(&m.moved, k + 1);
		vmdev_resources_free(port);
		vmdev_resources_free(mmio);
	}
	atomic_store(&m.stop, true);
	for (k = 0; k < 2; k++)
		pthread_join(r[k], NULL);
	TH_LOG("%d checks", atomic_load(&m.checks));
	EXPECT_EQ(0, atomic_load(&m.torn));
	EXPECT_LT(100, atomic_load(&m.checks));
	EXPECT_EQ(0, vmdev_io_nr_ranges(m.mgr, VMDEV_PIO));
	EXPECT_EQ(PAIRS, vmdev_io_nr_ranges(m.mgr, VMDEV_MMIO));
	vmdev_io_manager_free(m.mgr);
	vmdev_device_put(dev);
}

/* ------------------------------------------------------------------ */

/* A device whose reads take a while and touch its state when they end. */
struct slow_dev {
	atomic_int entered;
	atomic_int finished;
	int hold_ms;
	int *state;		/* freed by the VMM once unregistered */
};

static int slow_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	struct slow_dev *s = opaque;

	atomic_fetch_add(&s->entered, 1);
	usleep(s->hold_ms * 1000);
	memcpy(data, s->state, len);
	atomic_fetch_add(&s->finished, 1);
	return 0;
}

struct reader_arg {
	struct vmdev_io_manager *mgr;
	int ret;
};

static void *read_once(void *arg)
{
	struct reader_arg *a = arg;
	uint32_t v;

	a->ret = vmdev_io_read(a->mgr, VMDEV_MMIO, 0x3000, &v, 4);
	return NULL;
}

TEST(unregister_waits_for_callbacks)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .read = slow_read);
	struct slow_dev s = { .hold_ms = 200 };
	struct vmdev_resources *res = res_one(VMDEV_MMIO, 0x3000, 0x10);
	struct reader_arg a = { .ret = 1 };
	struct vmdev_device *dev;
	pthread_t reader;
	double t0, t;

	ASSERT_NE(NULL, res);
	s.state = calloc(4, sizeof(*s.state));
	opts.opaque = &s;
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &a.mgr));
	ASSERT_EQ(0, vmdev_device_new(&opts, &dev));
	ASSERT_EQ(1, vmdev_io_register(a.mgr, dev, res));
	vmdev_device_put(dev);
	pthread_create(&reader, NULL, read_once, &a);
	while (!atomic_load(&s.entered))
		usleep(1000);
	t0 = now_s();
	ASSERT_EQ(1, vmdev_io_unregister(a.mgr, res));
	t = now_s() - t0;
	/* The access in flight is over: free the device's state now. */
	EXPECT_EQ(1, atomic_load(&s.finished));
	free(s.state);
	s.state = NULL;
	TH_LOG("unregister waited %.0f ms", t * 1000);
	pthread_join(reader, NULL);
	EXPECT_EQ(0, a.ret);
	vmdev_resources_free(res);
	vmdev_io_manager_free(a.mgr);
}

/* ------------------------------------------------------------------ */

/*
 * Slots of address space, each holding a device or not. Dispatchers read
 * random addresses in every slot; the writer fills and empties slots
 * alone and in batches, and frees each device's state as soon as the
 * call that removed it returns. A device checks, on every access, that
 * it is alive and that it was reached through its own range.
 */
#define SLOTS		64
#define SLOT_SIZE	0x100
#define DISPATCHERS	3
#define STRESS_S	2.0

struct stress_dev {
	uint64_t magic;
	enum vmdev_space space;
	uint64_t base;
	uint64_t size;
};

#define MAGIC	0x766d646576646576ULL

struct stress {
	struct vmdev_io_manager *mgr;
	atomic_bool stop;
	atomic_long hits;
	atomic_long misses;
	atomic_int bad;		/* wrong device state or errors */
};

static int stress_access(struct stress_dev *d, enum vmdev_space space,
			 uint64_t base, uint64_t offset, size_t len)
{
	if (d->magic != MAGIC || d->space != space || d->base != base ||
	    offset + len > d->size)
		return -EPROTO;
	return 0;
}

static int stress_read(void *opaque, enum vmdev_space space, uint64_t base,
		       uint64_t offset, void *data, size_t len)
{
	memset(data, 0, len);
	return stress_access(opaque, space, base, offset, len);
}

static int stress_write(void *opaque, enum vmdev_space space, uint64_t base,
			uint64_t offset, const void *data, size_t len)
{
	return stress_access(opaque, space, base, offset, len);
}

static void *dispatcher(void *arg)
{
	struct stress *st = arg;
	unsigned int seed = (unsigned int)(uintptr_t)&seed;
	enum vmdev_space space;
	uint64_t v, addr;
	int ret, slot;

	while (!atomic_load(&st->stop)) {
		slot = rand_r(&seed) % SLOTS;
		space = slot & 1 ? VMDEV_MMIO : VMDEV_PIO;
		addr = slot * SLOT_SIZE + rand_r(&seed) % (SLOT_SIZE - 4);
		if (rand_r(&seed) & 1)
			ret = vmdev_io_read(st->mgr, space, addr, &v, 4);
		else
			ret = vmdev_io_write(st->mgr, space, addr, &v, 4);
		if (!ret)
			atomic_fetch_add(&st->hits, 1);
		else if (ret == -ENOENT || ret == -ERANGE)
			atomic_fetch_add(&st->misses, 1);
		else
			atomic_fetch_add(&st->bad, 1);
	}
	return NULL;
}

/* A device for slot, at a random part of it; res gets its range. */
static struct vmdev_device *slot_device(int slot, struct stress_dev **state,
					struct vmdev_resources **res)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .read = stress_read,
		   .write = stress_write);
	struct stress_dev *d = malloc(sizeof(*d));
	struct vmdev_device *dev;

	d->magic = MAGIC;
	d->space = slot & 1 ? VMDEV_MMIO : VMDEV_PIO;
	d->size = 8 + random() % (SLOT_SIZE - 8);
	d->base = slot * SLOT_SIZE + random() % (SLOT_SIZE - d->size + 1);
	opts.kind = random() & 1 ? VMDEV_DEVICE_SERIALIZED :
				   VMDEV_DEVICE_THREAD_SAFE;
	opts.opaque = d;
	*res = res_one(d->space, d->base, d->size);
	if (!*res || vmdev_device_new(&opts, &dev)) {
		free(d);
		return NULL;
	}
	*state = d;
	return dev;
}

struct writer {
	struct vmdev_io_manager *mgr;
	struct vmdev_resources *res[SLOTS];	/* NULL: slot empty */
	struct stress_dev *state[SLOTS];
	bool touched[SLOTS];			/* in this transaction */
	bool gone[SLOTS];
};

/* Stage (txn) or apply a change of one slot: fill it or empty it. */
static int change_slot(struct writer *w, struct vmdev_io_txn *txn, int slot)
{
	struct vmdev_device *dev;
	ssize_t ret;

	w->touched[slot] = true;
	if (w->res[slot]) {
		w->gone[slot] = true;
		return txn ? vmdev_io_txn_unregister(txn, w->res[slot]) :
			     vmdev_io_unregister(w->mgr, w->res[slot]);
	}
	dev = slot_device(slot, &w->state[slot], &w->res[slot]);
	if (!dev)
		return -ENOMEM;
	ret = txn ? vmdev_io_txn_register(txn, dev, w->res[slot]) :
		    vmdev_io_register(w->mgr, dev, w->res[slot]);
	/* The range holds the device from now on. */
	vmdev_device_put(dev);
	return ret;
}

/* Whatever went is unreachable now: free it at once, as a VMM would. */
static void free_gone(struct writer *w)
{
	int slot;

	for (slot = 0; slot < SLOTS; slot++) {
		if (w->gone[slot]) {
			free(w->state[slot]);
			w->state[slot] = NULL;
			vmdev_resources_free(w->res[slot]);
			w->res[slot] = NULL;
		}
		w->touched[slot] = false;
		w->gone[slot] = false;
	}
}

/* One commit of a few changes, or one plain change; 0 or an error. */
static int write_once(struct writer *w)
{
	struct vmdev_io_txn *txn = NULL;
	int batch, slot, err = 0;

	if (random() % 4 && vmdev_io_txn_begin(w->mgr, &txn))
		return -ENOMEM;
	for (batch = txn ? 1 + random() % 4 : 1; batch && !err; batch--) {
		slot = random() % SLOTS;
		if (!w->touched[slot])
			err = change_slot(w, txn, slot) == 1 ? 0 : -EPROTO;
	}
	if (txn && !err)
		err = vmdev_io_txn_commit(txn);
	else if (txn)
		vmdev_io_txn_cancel(txn);
	free_gone(w);
	return err;
}

TEST(stress)
{
	struct writer w = { 0 };
	struct stress st = { 0 };
	pthread_t d[DISPATCHERS];
	int i, writes = 0;
	double end;

	srandom(42);
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &st.mgr));
	w.mgr = st.mgr;
	for (i = 0; i < DISPATCHERS; i++)
		pthread_create(&d[i], NULL, dispatcher, &st);
	end = now_s() + STRESS_S;
	while (now_s() < end) {
		ASSERT_EQ(0, write_once(&w));
		writes++;
	}
	atomic_store(&st.stop, true);
	for (i = 0; i < DISPATCHERS; i++)
		pthread_join(d[i], NULL);
	TH_LOG("%d writes, %ld hits, %ld misses", writes,
	       atomic_load(&st.hits), atomic_load(&st.misses));
	EXPECT_EQ(0, atomic_load(&st.bad));
	EXPECT_LT(100, writes);
	EXPECT_LT(1000, atomic_load(&st.hits));
	EXPECT_LT(1000, atomic_load(&st.misses));
	vmdev_io_manager_free(st.mgr);
	for (i = 0; i < SLOTS; i++) {
		vmdev_resources_free(w.res[i]);
		free(w.state[i]);
	}
}

/* ------------------------------------------------------------------ */

/*
 * Hot-unplug from the guest: writing to the device's eject register
 * removes the device from inside its own callback. The removal cannot
 * wait for the access in flight (it is that access), so the library
 * drops its references after a grace period instead; release tells.
 */
struct ejectable {
	struct vmdev_io_manager *mgr;
	struct vmdev_resources *res;
	ssize_t ejected;	/* what the unregistration returned */
	atomic_int released;
	int plugged;		/* what registering the next device returned */
	struct vmdev_device *next;
};

static int eject_write(void *opaque, enum vmdev_space space, uint64_t base,
		       uint64_t offset, const void *data, size_t len)
{
	struct ejectable *e = opaque;
	struct vmdev_resources *res;

	e->ejected = vmdev_io_unregister(e->mgr, e->res);
	/* And plug the next one in, as a hotplug controller would. */
	if (!RES(&res, MMIO(0x5000, 0x10))) {
		e->plugged = vmdev_io_register(e->mgr, e->next, res);
		vmdev_resources_free(res);
	}
	return 0;
}

static void eject_release(void *opaque)
{
	struct ejectable *e = opaque;

	atomic_fetch_add(&e->released, 1);
}

TEST(unplug_from_callback)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .write = eject_write,
		   .read = nop_read, .release = eject_release);
	struct ejectable e = { .ejected = -1, .plugged = -1 };
	struct vmdev_device *dev;
	uint8_t b = 1;
	double end;

	opts.opaque = &e;
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &e.mgr));
	ASSERT_EQ(0, vmdev_device_new(&opts, &dev));
	ASSERT_EQ(0, vmdev_device_new(&opts, &e.next));
	ASSERT_EQ(0, RES(&e.res, PIO(0xae08, 4)));
	ASSERT_EQ(1, vmdev_io_register(e.mgr, dev, e.res));
	vmdev_device_put(dev);

	ASSERT_EQ(0, vmdev_io_write(e.mgr, VMDEV_PIO, 0xae08, &b, 1));
	EXPECT_EQ(1, e.ejected);
	EXPECT_EQ(1, e.plugged);
	EXPECT_EQ(-ENOENT, vmdev_io_read(e.mgr, VMDEV_PIO, 0xae08, &b, 1));
	EXPECT_EQ(0, vmdev_io_read(e.mgr, VMDEV_MMIO, 0x5000, &b, 1));
	/* Released once the grace period is over, on another thread. */
	end = now_s() + 5;
	while (!atomic_load(&e.released) && now_s() < end)
		usleep(1000);
	EXPECT_EQ(1, atomic_load(&e.released));
	vmdev_device_put(e.next);
	vmdev_resources_free(e.res);
	vmdev_io_manager_free(e.mgr);
	EXPECT_EQ(2, atomic_load(&e.released));
}

/* Freeing the manager waits for the deferred cleanup. */
TEST(free_after_unplug_from_callback)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .write = eject_write,
		   .release = eject_release);
	struct ejectable e = { .ejected = -1 };
	struct vmdev_device *dev;
	uint8_t b = 1;

	opts.opaque = &e;
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &e.mgr));
	ASSERT_EQ(0, vmdev_device_new(&opts, &dev));
	ASSERT_EQ(0, vmdev_device_new(&opts, &e.next));
	ASSERT_EQ(0, RES(&e.res, MMIO(0xfe000000, 0x100)));
	ASSERT_EQ(1, vmdev_io_register(e.mgr, dev, e.res));
	vmdev_device_put(dev);
	ASSERT_EQ(0, vmdev_io_write(e.mgr, VMDEV_MMIO, 0xfe000010, &b, 1));
	EXPECT_EQ(1, e.ejected);
	EXPECT_EQ(1, e.plugged);
	vmdev_device_put(e.next);
	vmdev_io_manager_free(e.mgr);
	EXPECT_EQ(2, atomic_load(&e.released));
	vmdev_resources_free(e.res);
}

TEST_HARNESS_MAIN
