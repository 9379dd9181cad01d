// SPDX-License-Identifier: GPL-2.0
/*
 * Randomised allocator test against a reference model: a byte map of the
 * space and the list of live allocations. Every allocation (first match,
 * last match, exact; random sizes, alignments and windows) and every
 * release (live, double, partial, never allocated, outside) is predicted
 * by the model, address and error code alike. Spaces at 0, at an odd
 * base and at the top of the 64-bit range (and of the 32-bit ID range)
 * catch arithmetic that overflows. The seed is printed on failure;
 * RES_MODEL_SEED overrides it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <vmdev/allocator.h>
#include "kselftest_harness.h"
#include "../test_util.h"

#define SPACE	2048ULL		/* values in every space tested */
#define STEPS	50000

struct model {
	uint64_t base, last;
	uint64_t limit;		/* largest value the allocator takes */
	uint8_t used[SPACE];
	uint64_t reach[SPACE + 1];	/* free values from here on */
	uint64_t start[SPACE], size[SPACE];	/* live allocations */
	size_t nr;
	uint64_t nr_used;	/* values allocated */
	uint64_t rng;
	uint64_t seed;
	/* Outcomes seen, by errno (0: success), to prove the mix is rich. */
	unsigned int alloc_seen[3][ERANGE + 1];
	unsigned int release_seen[ERANGE + 1];
};

/* The allocator under test, behind one interface for both kinds. */
struct target {
	void *obj;
	bool ids;
	int (*alloc)(void *obj, const struct vmdev_addr_req *req,
		     uint64_t *out);
	int (*release)(void *obj, uint64_t first, uint64_t size);
};

static int addr_alloc(void *obj, const struct vmdev_addr_req *req,
		      uint64_t *out)
{
	return vmdev_addr_allocator_alloc(obj, req, out);
}

static int addr_release(void *obj, uint64_t first, uint64_t size)
{
	return vmdev_addr_allocator_release(obj, first, size);
}

static int id_alloc(void *obj, const struct vmdev_addr_req *req,
		    uint64_t *out)
{
	struct vmdev_id_req r = {
		.policy = req->policy, .id = req->addr, .count = req->size,
	};
	uint32_t id;
	int err;

	err = vmdev_id_allocator_alloc(obj, &r, &id);
	if (!err)
		*out = id;
	return err;
}

static int id_release(void *obj, uint64_t first, uint64_t size)
{
	return vmdev_id_allocator_release(obj, first, size);
}

static uint64_t rnd(struct model *m)
{
	/* xorshift64*: small, fast and good enough to drive a test. */
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return m->rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(struct model *m, uint64_t n)
{
	return rnd(m) % n;
}

static void model_scan(struct model *m)
{
	uint64_t i = SPACE;

	m->reach[SPACE] = 0;
	while (i--)
		m->reach[i] = m->used[i] ? 0 : m->reach[i + 1] + 1;
}

/* Whether [x, x + size - 1] lies inside the space and is all free. */
static bool model_free(const struct model *m, uint64_t x, uint64_t size)
{
	if (x < m->base || x > m->last)
		return false;
	return m->reach[x - m->base] >= size;
}

static bool model_any_used(const struct model *m, uint64_t x, uint64_t size)
{
	uint64_t i;

	for (i = 0; i < size; i++)
		if (x + i >= m->base && x + i <= m->last &&
		    m->used[x + i - m->base])
			return true;
	return false;
}

/* What the allocator must answer, and the address when it succeeds. */
static int model_alloc(struct model *m, const struct vmdev_addr_req *r,
		       uint64_t *out)
{
	uint64_t lo = r->min > m->base ? r->min : m->base;
	uint64_t max = r->max ? r->max : UINT64_MAX;
	uint64_t hi = max < m->last ? max : m->last;
	uint64_t align = r->align ? r->align : 1, x;

	model_scan(m);
	if (r->policy == VMDEV_ALLOC_EXACT) {
		if (r->addr < m->base || r->addr > m->last ||
		    m->last - r->addr < r->size - 1)
			return -ERANGE;
		*out = r->addr;
		return model_free(m, r->addr, r->size) ? 0 : -EBUSY;
	}
	if (lo > hi || hi - lo < r->size - 1)
		return -ENOSPC;
	if (r->policy == VMDEV_ALLOC_FIRST_MATCH) {
		x = (lo + align - 1) & ~(align - 1);
		for (; x >= lo && x <= hi && hi - x >= r->size - 1; x += align)
			if (model_free(m, x, r->size))
				goto found;
	} else {
		x = (hi - (r->size - 1)) & ~(align - 1);
		for (; x >= lo; x -= align) {
			if (model_free(m, x, r->size))
				goto found;
			if (x < align)
				break;
		}
	}
	return -ENOSPC;
found:
	*out = x;
	return 0;
}

static void model_take(struct model *m, uint64_t x, uint64_t size)
{
	memset(&m->used[x - m->base], 1, size);
	m->nr_used += size;
	m->start[m->nr] = x;
	m->size[m->nr++] = size;
}

static int model_release(struct model *m, uint64_t x, uint64_t size,
			 bool apply)
{
	size_t i;

	if (x < m->base || x > m->last || m->last - x < size - 1)
		return -ERANGE;
	for (i = 0; i < m->nr; i++) {
		if (m->start[i] != x || m->size[i] != size)
			continue;
		if (apply) {
			memset(&m->used[x - m->base], 0, size);
			m->nr_used -= size;
			m->start[i] = m->start[--m->nr];
			m->size[i] = m->size[m->nr];
		}
		return 0;
	}
	return model_any_used(m, x, size) ? -EINVAL : -ENOENT;
}

/* A random power of two, mostly small, sometimes beyond the space. */
static uint64_t rnd_align(struct model *m)
{
	unsigned int r = below(m, 16);

	return r < 8 ? 1ULL << below(m, 4) : 1ULL << below(m, 14);
}

static uint64_t rnd_size(struct model *m, bool ids)
{
	switch (below(m, 8)) {
	case 0:
		return 1 + below(m, SPACE / 4);
	case 1:
		return ids ? 1 + below(m, 64) : 1 + below(m, SPACE);
	default:
		return 1 + below(m, 32);
	}
}

/* A value near the space, on either side, without wrapping. */
static uint64_t rnd_near(struct model *m, uint64_t slack)
{
	uint64_t off = below(m, SPACE + 2 * slack);

	if (off < slack)
		return m->base >= slack - off ? m->base - (slack - off) : 0;
	off -= slack;
	return m->limit - m->base > off ? m->base + off : m->limit;
}

/* Shrink size so that [x, x + size - 1] stays below the limit. */
static uint64_t fit_size(const struct model *m, uint64_t x, uint64_t size)
{
	return m->limit - x < size - 1 ? m->limit - x + 1 : size;
}

static void rnd_req(struct model *m, bool ids, struct vmdev_addr_req *r)
{
	uint64_t span;

	*r = (struct vmdev_addr_req){ .size = rnd_size(m, ids) };
	r->policy = below(m, 10) < 4 ? VMDEV_ALLOC_FIRST_MATCH :
		    below(m, 2) ? VMDEV_ALLOC_LAST_MATCH : VMDEV_ALLOC_EXACT;
	if (!ids)
		r->align = rnd_align(m);
	if (r->policy == VMDEV_ALLOC_EXACT) {
		r->addr = rnd_near(m, 16) & ~((r->align ? r->align : 1) - 1);
		r->size = fit_size(m, r->addr, r->size);
		return;
	}
	if (ids || below(m, 2))
		return;
	/* A window: min near the space, max somewhere after it. */
	r->min = rnd_near(m, 64);
	if (UINT64_MAX - r->min < r->size - 1)
		r->min = UINT64_MAX - (r->size - 1);
	span = r->size - 1 + below(m, SPACE);
	r->max = UINT64_MAX - r->min > span ? r->min + span : 0;
}

static void step_alloc(struct __test_metadata *_metadata, struct model *m,
		       const struct target *t)
{
	struct vmdev_addr_req r;
	uint64_t got = 0, want = 0;
	int err, expect;

	rnd_req(m, t->ids, &r);
	expect = model_alloc(m, &r, &want);
	err = t->alloc(t->obj, &r, &got);
	ASSERT_EQ(expect, err) {
		TH_LOG("seed %#llx: alloc size %#llx align %#llx",
		       (unsigned long long)m->seed, (unsigned long long)r.size,
		       (unsigned long long)r.align);
		TH_LOG("window [%#llx, %#llx] policy %u addr %#llx",
		       (unsigned long long)r.min, (unsigned long long)r.max,
		       r.policy, (unsigned long long)r.addr);
	}
	m->alloc_seen[r.policy][-err]++;
	if (err)
		return;
	ASSERT_EQ(want, got);
	model_take(m, got, r.size);
}

static void step_release(struct __test_metadata *_metadata, struct model *m,
			 const struct target *t)
{
	uint64_t x, size;
	int expect;

	if (m->nr && below(m, 10) < 6) {
		size_t i = below(m, m->nr);

		x = m->start[i];
		size = m->size[i];
		/* Sometimes not quite a live allocation. */
		switch (below(m, 8)) {
		case 0:
			size++;
			break;
		case 1:
			size -= size > 1;
			break;
		case 2:
			x += x < m->limit;
			break;
		}
	} else {
		x = rnd_near(m, 8);
		size = 1 + below(m, 128);
	}
	size = fit_size(m, x, size);
	expect = model_release(m, x, size, false);
	ASSERT_EQ(expect, t->release(t->obj, x, size))
		TH_LOG("seed %#llx: release %#llx size %#llx",
		       (unsigned long long)m->seed, (unsigned long long)x,
		       (unsigned long long)size);
	m->release_seen[-expect]++;
	model_release(m, x, size, true);
}

static void run_model(struct __test_metadata *_metadata, struct model *m,
		      const struct target *t)
{
	const char *env = getenv("RES_MODEL_SEED");
	int i;

	if (env)
		m->rng = strtoull(env, NULL, 0);
	m->seed = m->rng;
	for (i = 0; i < STEPS; i++) {
		/* Allocate more while the space is empty, release when full. */
		if (below(m, SPACE) >= m->nr_used)
			step_alloc(_metadata, m, t);
		else
			step_release(_metadata, m, t);
	}
	/* Drain: every live allocation releases exactly once. */
	while (m->nr) {
		ASSERT_EQ(0, t->release(t->obj, m->start[0], m->size[0]));
		ASSERT_EQ(-ENOENT, t->release(t->obj, m->start[0], m->size[0]));
		model_release(m, m->start[0], m->size[0], true);
	}
}

/* Each policy succeeded and failed for want of space; releases hit every case. */
static void assert_coverage(struct __test_metadata *_metadata,
			    const struct model *m)
{
	static const int release_errs[] = { 0, ENOENT, EINVAL, ERANGE };
	unsigned int p, i;

	for (p = 0; p < 3; p++) {
		ASSERT_LT(100U, m->alloc_seen[p][0]);
		ASSERT_LT(100U, m->alloc_seen[p][p == VMDEV_ALLOC_EXACT ?
						    EBUSY : ENOSPC]);
	}
	ASSERT_LT(10U, m->alloc_seen[VMDEV_ALLOC_EXACT][ERANGE]);
	for (i = 0; i < 4; i++) {
		ASSERT_LT(10U, m->release_seen[release_errs[i]])
			TH_LOG("release errno %d seen %u times", release_errs[i],
			       m->release_seen[release_errs[i]]);
	}
}

FIXTURE(model) {
	struct model *m;
	struct target t;
};

FIXTURE_VARIANT(model) {
	uint64_t base;
	bool ids;
	uint64_t seed;
};

FIXTURE_VARIANT_ADD(model, addr_zero) {
	.base = 0, .seed = 0x9e3779b97f4a7c15ULL,
};

FIXTURE_VARIANT_ADD(model, addr_odd_base) {
	.base = 0xfee00123, .seed = 0x1234567887654321ULL,
};

FIXTURE_VARIANT_ADD(model, addr_top) {
	.base = UINT64_MAX - SPACE + 1, .seed = 0xc0ffee11dec0deULL,
};

FIXTURE_VARIANT_ADD(model, id_low) {
	.base = 5, .ids = true, .seed = 0xabcdef0123456789ULL,
};

FIXTURE_VARIANT_ADD(model, id_top) {
	.base = UINT32_MAX - SPACE + 1, .ids = true, .seed = 0x5eed5eedULL,
};

FIXTURE_SETUP(model)
{
	self->m = calloc(1, sizeof(*self->m));
	ASSERT_NE(NULL, self->m);
	self->m->base = variant->base;
	self->m->last = variant->base + SPACE - 1;
	self->m->rng = variant->seed;
	self->m->limit = variant->ids ? UINT32_MAX : UINT64_MAX;
	self->t.ids = variant->ids;
	if (variant->ids) {
		self->t.alloc = id_alloc;
		self->t.release = id_release;
		ASSERT_EQ(0, vmdev_id_allocator_new(variant->base,
						    self->m->last,
						    (void *)&self->t.obj));
	} else {
		self->t.alloc = addr_alloc;
		self->t.release = addr_release;
		ASSERT_EQ(0, vmdev_addr_allocator_new(variant->base, SPACE,
						      (void *)&self->t.obj));
	}
}

FIXTURE_TEARDOWN(model)
{
	if (variant->ids)
		vmdev_id_allocator_free(self->t.obj);
	else
		vmdev_addr_allocator_free(self->t.obj);
	free(self->m);
	EXPECT_EQ(0, res_leaks());
}

TEST_F_TIMEOUT(model, random_ops, 120)
{
	struct vmdev_addr_req all = { .size = SPACE };
	uint64_t at;

	run_model(_metadata, self->m, &self->t);
	assert_coverage(_metadata, self->m);
	/* Everything merged back into one run. */
	ASSERT_EQ(0, self->t.alloc(self->t.obj, &all, &at));
	ASSERT_EQ(self->m->base, at);
}

TEST_HARNESS_MAIN
