// SPDX-License-Identifier: GPL-2.0
/*
 * Hotplug transactions, single-threaded: staging is invisible until
 * commit, cancel leaves nothing, staging errors are checked against the
 * state the transaction sees, concurrent transactions are checked again
 * at commit, and a random model test compares long runs of transactions
 * with a plain array.
 */
#include <stdlib.h>
#include "kselftest_harness.h"
#include "io_common.h"

FIXTURE(txn) {
	struct vmdev_io_manager *mgr;
	struct vmdev_device *a, *b;
	struct rec ra, rb;
	struct vmdev_io_txn *txn;
};

FIXTURE_SETUP(txn)
{
	memset(&self->ra, 0, sizeof(self->ra));
	memset(&self->rb, 0, sizeof(self->rb));
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &self->mgr));
	self->a = rec_device(&self->ra, VMDEV_DEVICE_THREAD_SAFE);
	self->b = rec_device(&self->rb, VMDEV_DEVICE_THREAD_SAFE);
	ASSERT_NE(NULL, self->a);
	ASSERT_NE(NULL, self->b);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
}

FIXTURE_TEARDOWN(txn)
{
	vmdev_io_txn_cancel(self->txn);
	vmdev_io_manager_free(self->mgr);
	vmdev_device_put(self->a);
	vmdev_device_put(self->b);
}

/* The device at addr (with the reference dropped), or NULL. */
static struct vmdev_device *dev_at(struct vmdev_io_manager *mgr,
				   enum vmdev_space space, uint64_t addr)
{
	struct vmdev_io_range r;

	if (vmdev_io_lookup(mgr, space, addr, &r))
		return NULL;
	vmdev_device_put(r.dev);
	return r.dev;
}

/* Shorthands on the fixture's manager; txn NULL: apply directly. */
#define ADD(txn, dev, space, base, size)				\
	io_one(self->mgr, txn, dev, space, base, size)
#define DEL(txn, space, base, size)					\
	io_one(self->mgr, txn, NULL, space, base, size)
#define AT(space, addr)		dev_at(self->mgr, space, addr)

/* Commit and forget a transaction; 0 or the error. */
static int commit(struct vmdev_io_txn **txn)
{
	int err = vmdev_io_txn_commit(*txn);

	*txn = NULL;
	return err;
}

TEST_F(txn, empty_commit)
{
	EXPECT_EQ(0, commit(&self->txn));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
}

TEST_F(txn, invisible_until_commit)
{
	struct vmdev_resources *res;

	ASSERT_EQ(0, RES(&res, PIO(0x60, 1), MMIO(0x1000, 0x100),
			 PIO(0x64, 1)));
	ASSERT_EQ(3, vmdev_io_txn_register(self->txn, self->a, res));
	ASSERT_EQ(1, ADD(self->txn, self->b, VMDEV_MMIO, 0x2000, 8));
	EXPECT_EQ(NULL, AT(VMDEV_PIO, 0x60));
	EXPECT_EQ(NULL, AT(VMDEV_MMIO, 0x2000));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(self->a, AT(VMDEV_PIO, 0x60));
	EXPECT_EQ(self->a, AT(VMDEV_PIO, 0x64));
	EXPECT_EQ(self->a, AT(VMDEV_MMIO, 0x10ff));
	EXPECT_EQ(self->b, AT(VMDEV_MMIO, 0x2007));
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	vmdev_resources_free(res);
}

TEST_F(txn, unregister_invisible_until_commit)
{
	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_PIO, 0x60, 1));
	/* Begun before the registration: see it again at commit. */
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_PIO, 0x60, 1));
	EXPECT_EQ(self->a, AT(VMDEV_PIO, 0x60));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(NULL, AT(VMDEV_PIO, 0x60));
}

/* Cancel: nothing published, every staged reference dropped. */
TEST_F(txn, cancel)
{
	ASSERT_EQ(1, ADD(NULL, self->b, VMDEV_PIO, 0x70, 2));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_PIO, 0x60, 1));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_MMIO, 0x60, 1));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_PIO, 0x70, 2));
	vmdev_io_txn_cancel(self->txn);
	self->txn = NULL;
	vmdev_io_txn_cancel(NULL);
	EXPECT_EQ(NULL, AT(VMDEV_PIO, 0x60));
	EXPECT_EQ(self->b, AT(VMDEV_PIO, 0x71));
	vmdev_device_put(self->a);
	self->a = NULL;
	EXPECT_EQ(1, atomic_load(&self->ra.released));
}

/* Staging checks against the manager plus what is staged already. */
TEST_F(txn, staging_overlaps)
{
	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_MMIO, 0x1000, 0x100));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	errno = 0;
	EXPECT_EQ(-EEXIST, ADD(self->txn, self->b, VMDEV_MMIO, 0x10ff,
			       1));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(1, ADD(self->txn, self->b, VMDEV_MMIO, 0x2000, 0x10));
	EXPECT_EQ(-EEXIST, ADD(self->txn, self->b, VMDEV_MMIO, 0x1ff0,
			       0x11));
	EXPECT_EQ(-EEXIST, ADD(self->txn, self->b, VMDEV_MMIO, 0x2004,
			       1));
	EXPECT_EQ(-EEXIST, ADD(self->txn, self->b, VMDEV_MMIO, 0x0, 0x3000));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(2, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
}

/* A failing call stages nothing; earlier calls stay staged. */
TEST_F(txn, staging_all_or_nothing)
{
	struct vmdev_resources *res;

	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_PIO, 0x40, 4));
	ASSERT_EQ(0, RES(&res, PIO(0x50, 4), MMIO(0x50, 4), PIO(0x42, 1)));
	EXPECT_EQ(-EEXIST, vmdev_io_txn_register(self->txn, self->b, res));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(1, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	EXPECT_EQ(NULL, AT(VMDEV_PIO, 0x50));
	/* b holds no reference from the failed call. */
	vmdev_device_put(self->b);
	self->b = NULL;
	EXPECT_EQ(1, atomic_load(&self->rb.released));
	vmdev_resources_free(res);
}

TEST_F(txn, staging_unregister_errors)
{
	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_PIO, 0x40, 4));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	errno = 0;
	EXPECT_EQ(-ENOENT, DEL(self->txn, VMDEV_PIO, 0x44, 4));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-ENOENT, DEL(self->txn, VMDEV_PIO, 0x41, 3));
	errno = 0;
	EXPECT_EQ(-EINVAL, DEL(self->txn, VMDEV_PIO, 0x40, 2));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(1, DEL(self->txn, VMDEV_PIO, 0x40, 4));
	/* Already staged for removal. */
	EXPECT_EQ(-ENOENT, DEL(self->txn, VMDEV_PIO, 0x40, 4));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
}

/* Taking back what the same transaction staged. */
TEST_F(txn, unregister_staged)
{
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_MMIO, 0x1000, 0x10));
	EXPECT_EQ(-ENOENT, DEL(self->txn, VMDEV_MMIO, 0x1008, 8));
	EXPECT_EQ(-EINVAL, DEL(self->txn, VMDEV_MMIO, 0x1000, 8));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_MMIO, 0x1000, 0x10));
	EXPECT_EQ(-ENOENT, DEL(self->txn, VMDEV_MMIO, 0x1000, 0x10));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_MMIO));
	vmdev_device_put(self->a);
	self->a = NULL;
	EXPECT_EQ(1, atomic_load(&self->ra.released));
}

/* A failed unregistration puts back what it had taken back. */
TEST_F(txn, unregister_undo)
{
	struct vmdev_resources *res;

	ASSERT_EQ(1, ADD(NULL, self->b, VMDEV_PIO, 0x80, 1));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_PIO, 0x60, 1));
	ASSERT_EQ(0, RES(&res, PIO(0x60, 1), PIO(0x80, 1), PIO(0x90, 1)));
	EXPECT_EQ(-ENOENT, vmdev_io_txn_unregister(self->txn, res));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(self->a, AT(VMDEV_PIO, 0x60));
	EXPECT_EQ(self->b, AT(VMDEV_PIO, 0x80));
	vmdev_resources_free(res);
}

/* Replace a range's device, and move a device, in one transaction. */
TEST_F(txn, replace_and_move)
{
	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_MMIO, 0x1000, 0x1000));
	ASSERT_EQ(1, ADD(NULL, self->b, VMDEV_PIO, 0x3f8, 8));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_MMIO, 0x1000, 0x1000));
	ASSERT_EQ(1, ADD(self->txn, self->b, VMDEV_MMIO, 0x1000, 0x800));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_MMIO, 0x1800, 0x800));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_PIO, 0x3f8, 8));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_PIO, 0x2f8, 8));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(self->b, AT(VMDEV_MMIO, 0x1000));
	EXPECT_EQ(self->a, AT(VMDEV_MMIO, 0x1800));
	EXPECT_EQ(NULL, AT(VMDEV_PIO, 0x3f8));
	EXPECT_EQ(self->a, AT(VMDEV_PIO, 0x2ff));
}

TEST_F(txn, null_args)
{
	struct vmdev_resources *res = res_one(VMDEV_PIO, 0x60, 1);
	struct vmdev_io_txn *t = (void *)1;

	ASSERT_NE(NULL, res);
	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_io_txn_begin(NULL, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)1, t);
	EXPECT_EQ(-EINVAL, vmdev_io_txn_begin(self->mgr, NULL));
	EXPECT_EQ(-EINVAL, vmdev_io_txn_register(NULL, self->a, res));
	EXPECT_EQ(-EINVAL, vmdev_io_txn_register(self->txn, NULL, res));
	EXPECT_EQ(-EINVAL, vmdev_io_txn_register(self->txn, self->a, NULL));
	EXPECT_EQ(-EINVAL, vmdev_io_txn_unregister(NULL, res));
	EXPECT_EQ(-EINVAL, vmdev_io_txn_unregister(self->txn, NULL));
	errno = 0;
	EXPECT_EQ(-EINVAL, vmdev_io_txn_commit(NULL));
	EXPECT_EQ(EINVAL, errno);
	vmdev_resources_free(res);
}

/* Two transactions on one manager, both staged against the same state. */
TEST_F(txn, concurrent_disjoint)
{
	struct vmdev_io_txn *t2;

	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_PIO, 0x60, 1));
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &t2));
	ASSERT_EQ(1, ADD(self->txn, self->b, VMDEV_PIO, 0x70, 1));
	ASSERT_EQ(1, ADD(t2, self->b, VMDEV_PIO, 0x80, 1));
	ASSERT_EQ(1, DEL(t2, VMDEV_PIO, 0x60, 1));
	ASSERT_EQ(0, vmdev_io_txn_commit(t2));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(NULL, AT(VMDEV_PIO, 0x60));
	EXPECT_EQ(self->b, AT(VMDEV_PIO, 0x70));
	EXPECT_EQ(self->b, AT(VMDEV_PIO, 0x80));
}

/* The second commit no longer applies: it fails and changes nothing. */
TEST_F(txn, conflict_overlap)
{
	struct vmdev_io_txn *t2;

	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &t2));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_MMIO, 0x1000, 0x10));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_PIO, 0x10, 0x10));
	ASSERT_EQ(1, ADD(t2, self->b, VMDEV_MMIO, 0x1008, 0x10));
	ASSERT_EQ(0, vmdev_io_txn_commit(t2));
	errno = 0;
	EXPECT_EQ(-EEXIST, commit(&self->txn));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(self->b, AT(VMDEV_MMIO, 0x1008));
	EXPECT_EQ(NULL, AT(VMDEV_MMIO, 0x1000));
	EXPECT_EQ(0, vmdev_io_nr_ranges(self->mgr, VMDEV_PIO));
	vmdev_device_put(self->a);
	self->a = NULL;
	EXPECT_EQ(1, atomic_load(&self->ra.released));
}

TEST_F(txn, conflict_gone)
{
	struct vmdev_io_txn *t2;

	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_PIO, 0x60, 4));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &t2));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_PIO, 0x60, 4));
	ASSERT_EQ(1, DEL(t2, VMDEV_PIO, 0x60, 4));
	ASSERT_EQ(0, vmdev_io_txn_commit(t2));
	EXPECT_EQ(-ENOENT, commit(&self->txn));
}

TEST_F(txn, conflict_resized)
{
	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_PIO, 0x60, 4));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_PIO, 0x60, 4));
	ASSERT_EQ(1, DEL(NULL, VMDEV_PIO, 0x60, 4));
	ASSERT_EQ(1, ADD(NULL, self->b, VMDEV_PIO, 0x60, 2));
	EXPECT_EQ(-EINVAL, commit(&self->txn));
	EXPECT_EQ(self->b, AT(VMDEV_PIO, 0x60));
}

/* Staged removal of what was replaced meanwhile still applies. */
TEST_F(txn, rebased_commit)
{
	ASSERT_EQ(1, ADD(NULL, self->a, VMDEV_PIO, 0x60, 4));
	vmdev_io_txn_cancel(self->txn);
	ASSERT_EQ(0, vmdev_io_txn_begin(self->mgr, &self->txn));
	ASSERT_EQ(1, DEL(self->txn, VMDEV_PIO, 0x60, 4));
	ASSERT_EQ(1, ADD(self->txn, self->a, VMDEV_PIO, 0x62, 4));
	ASSERT_EQ(1, ADD(NULL, self->b, VMDEV_PIO, 0x70, 4));
	ASSERT_EQ(0, commit(&self->txn));
	EXPECT_EQ(NULL, AT(VMDEV_PIO, 0x60));
	EXPECT_EQ(self->a, AT(VMDEV_PIO, 0x65));
	EXPECT_EQ(self->b, AT(VMDEV_PIO, 0x70));
}

/*
 * The model: a small MMIO window whose every byte records the id of the
 * range holding it (0: none); ids are never reused. Random transactions
 * of random registrations and unregistrations are checked against the
 * model as they are staged; now and then a plain registration or
 * unregistration gets in before the commit, which must then be checked
 * again. Each transaction is committed or cancelled, then every byte of
 * the window is looked up.
 */
#define WINDOW		128
#define DEVS		4
#define IDS		16384

static struct {
	uint64_t base, size;
	int dev;
} ranges[IDS];
static int nr_ids;

struct model {
	int owner[WINDOW];		/* range id + 1, 0 for a hole */
};

/* What registering [base, base + size) would return in model m. */
static int model_add(struct model *m, uint64_t base, uint64_t size, int dev)
{
	uint64_t i;

	for (i = base; i < base + size; i++)
		if (m->owner[i])
			return -EEXIST;
	ranges[nr_ids].base = base;
	ranges[nr_ids].size = size;
	ranges[nr_ids].dev = dev;
	nr_ids++;
	for (i = base; i < base + size; i++)
		m->owner[i] = nr_ids;
	return 1;
}

/* The range registered at exactly base, or -1. */
static int model_at(const struct model *m, uint64_t base)
{
	int id = m->owner[base] - 1;

	return id >= 0 && ranges[id].base == base ? id : -1;
}

static void model_clear(struct model *m, int id)
{
	uint64_t i;

	for (i = 0; i < ranges[id].size; i++)
		m->owner[ranges[id].base + i] = 0;
}

static int model_del(struct model *m, uint64_t base, uint64_t size)
{
	int id = model_at(m, base);

	if (id < 0)
		return -ENOENT;
	if (ranges[id].size != size)
		return -EINVAL;
	model_clear(m, id);
	return 1;
}

static bool alive(const struct model *m, int id)
{
	return m->owner[ranges[id].base] == id + 1;
}

/*
 * Commit what turned snap into staged onto *now: the staged removals, in
 * address order, must each find their exact range, then no staged
 * addition may overlap what stays. Returns what the commit must return.
 */
static int model_commit(struct model *now, const struct model *snap,
			const struct model *staged)
{
	struct model next = *now;
	uint64_t a;
	int id, o;

	for (a = 0; a < WINDOW; a++) {
		id = model_at(snap, a);
		if (id < 0 || alive(staged, id))
			continue;
		o = model_at(now, a);
		if (o < 0)
			return -ENOENT;
		if (ranges[o].size != ranges[id].size)
			return -EINVAL;
		model_clear(&next, o);
	}
	for (a = 0; a < WINDOW; a++) {
		id = model_at(staged, a);
		if (id < 0 || alive(snap, id))
			continue;
		if (model_add(&next, a, ranges[id].size, ranges[id].dev) < 0)
			return -EEXIST;
	}
	*now = next;
	return 0;
}

/* One registration or unregistration, checked against m. */
static void do_op(struct __test_metadata *_metadata, struct model *m,
		  struct vmdev_io_manager *mgr, struct vmdev_io_txn *txn,
		  struct vmdev_device *dev, int d, bool reg, uint64_t base,
		  uint64_t size, int seen[2][2])
{
	struct vmdev_resources *res = res_one(VMDEV_MMIO, base, size);
	ssize_t got;
	int want;

	ASSERT_NE(NULL, res);
	ASSERT_GT(IDS, nr_ids);
	if (reg) {
		want = model_add(m, base, size, d);
		got = txn ? vmdev_io_txn_register(txn, dev, res) :
			    vmdev_io_register(mgr, dev, res);
	} else {
		want = model_del(m, base, size);
		got = txn ? vmdev_io_txn_unregister(txn, res) :
			    vmdev_io_unregister(mgr, res);
	}
	vmdev_resources_free(res);
	ASSERT_EQ(want, got) {
		TH_LOG("%s [%#lx, +%#lx)", reg ? "reg" : "unreg",
		       (unsigned long)base, (unsigned long)size);
	}
	seen[reg][got > 0]++;
}

static void random_op(struct __test_metadata *_metadata, struct model *m,
		      struct vmdev_io_manager *mgr, struct vmdev_io_txn *txn,
		      struct vmdev_device **dev, int seen[2][2])
{
	uint64_t base = random() % WINDOW, size = 1 + random() % 16;
	int d = random() % DEVS, id = m->owner[base] - 1;
	bool reg = random() % 2;

	if (base + size > WINDOW)
		size = WINDOW - base;
	/* Unregister mostly what is there, sometimes junk. */
	if (!reg && id >= 0 && random() % 4) {
		base = ranges[id].base;
		size = ranges[id].size;
	}
	do_op(_metadata, m, mgr, txn, dev[d], d, reg, base, size, seen);
}

/*
 * Another writer takes away a range the transaction removes, and maybe
 * puts one of another size at its base.
 */
static void interfere(struct __test_metadata *_metadata, struct model *now,
		      const struct model *snap, const struct model *staged,
		      struct vmdev_io_manager *mgr, struct vmdev_device **dev,
		      int seen[2][2])
{
	uint64_t a, start = random() % WINDOW, base, size;
	int id;

	for (a = 0; a < WINDOW; a++) {
		id = model_at(snap, (start + a) % WINDOW);
		if (id < 0 || alive(staged, id) || !alive(now, id))
			continue;
		base = ranges[id].base;
		do_op(_metadata, now, mgr, NULL, dev[0], 0, false, base,
		      ranges[id].size, seen);
		size = 1 + random() % 16;
		if (base + size > WINDOW)
			size = WINDOW - base;
		if (random() % 2)
			do_op(_metadata, now, mgr, NULL, dev[0], 0, true, base,
			      size, seen);
		return;
	}
}

static void check_model(struct __test_metadata *_metadata,
			const struct model *m, struct vmdev_io_manager *mgr,
			struct vmdev_device **dev)
{
	struct vmdev_io_range r;
	uint64_t i;
	int id;

	for (i = 0; i < WINDOW; i++) {
		id = m->owner[i] - 1;
		if (id < 0) {
			ASSERT_EQ(-ENOENT, vmdev_io_lookup(mgr, VMDEV_MMIO, i,
							   &r));
			continue;
		}
		ASSERT_EQ(0, vmdev_io_lookup(mgr, VMDEV_MMIO, i, &r));
		EXPECT_EQ(ranges[id].base, r.base);
		EXPECT_EQ(ranges[id].size, r.size);
		EXPECT_EQ(dev[ranges[id].dev], r.dev);
		vmdev_device_put(r.dev);
	}
}

TEST(random_model)
{
	static struct model now, snap, staged;
	int t, op, d, want, got, seen[2][2] = { { 0 } }, outcome[4] = { 0 };
	struct vmdev_device *dev[DEVS];
	struct rec rec[DEVS] = { 0 };
	struct vmdev_io_manager *mgr;
	struct vmdev_io_txn *txn;

	srandom(1234);
	ASSERT_EQ(0, vmdev_io_manager_new(NULL, &mgr));
	for (d = 0; d < DEVS; d++) {
		dev[d] = rec_device(&rec[d], VMDEV_DEVICE_THREAD_SAFE);
		ASSERT_NE(NULL, dev[d]);
	}
	for (t = 0; t < 3000; t++) {
		snap = now;
		staged = now;
		ASSERT_EQ(0, vmdev_io_txn_begin(mgr, &txn));
		for (op = random() % 12; op >= 0; op--)
			random_op(_metadata, &staged, mgr, txn, dev, seen);
		/* Other writers get in first. */
		for (op = random() % 6 - 3; op > 0; op--)
			random_op(_metadata, &now, mgr, NULL, dev, seen);
		if (!(random() % 8))
			interfere(_metadata, &now, &snap, &staged, mgr, dev,
				  seen);
		if (random() % 4) {
			want = model_commit(&now, &snap, &staged);
			got = vmdev_io_txn_commit(txn);
			ASSERT_EQ(want, got) {
				TH_LOG("commit of transaction %d", t);
			}
			outcome[want == 0 ? 0 : want == -ENOENT ? 1 :
				want == -EINVAL ? 2 : 3]++;
		} else {
			vmdev_io_txn_cancel(txn);
		}
		check_model(_metadata, &now, mgr, dev);
	}
	/* The run went through every outcome, many times. */
	TH_LOG("register ok %d failed %d, unregister ok %d failed %d",
	       seen[1][1], seen[1][0], seen[0][1], seen[0][0]);
	TH_LOG("commits ok %d, -ENOENT %d, -EINVAL %d, -EEXIST %d",
	       outcome[0], outcome[1], outcome[2], outcome[3]);
	EXPECT_LT(1000, seen[1][1]);
	EXPECT_LT(1000, seen[1][0]);
	EXPECT_LT(1000, seen[0][1]);
	EXPECT_LT(1000, seen[0][0]);
	EXPECT_LT(1000, outcome[0]);
	EXPECT_LT(10, outcome[1]);
	EXPECT_LT(10, outcome[2]);
	EXPECT_LT(10, outcome[3]);
	vmdev_io_manager_free(mgr);
	for (d = 0; d < DEVS; d++) {
		vmdev_device_put(dev[d]);
		EXPECT_EQ(1, atomic_load(&rec[d].released));
	}
}

TEST_HARNESS_MAIN
