// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Interval allocation engine; interval_alloc.h explains the structure.
 *
 * Lengths can reach 2^64, one more than a uint64_t holds: fit[] saturates
 * at UINT64_MAX, which loses nothing because no request is larger than
 * that. Intervals are handled as [first, last] for the same reason.
 */
#include <errno.h>
#include <stdlib.h>
#include "interval_alloc.h"

struct span {
	struct avl_node node;	/* key: first value */
	uint64_t last;
	uint64_t min_first;	/* free tree: smallest first in the subtree */
	uint64_t max_last;	/* free tree: largest last in the subtree */
	bool claimed;		/* used tree: release pending */
	uint64_t fit[];		/* free tree: see interval_alloc.h */
};

/* A candidate search: the request with the level of its alignment. */
struct want {
	uint64_t size;
	uint64_t align;
	uint64_t lo;
	uint64_t hi;
	unsigned int k;
};

static struct span *span_of(const struct avl_node *n)
{
	return (struct span *)((char *)n - offsetof(struct span, node));
}

static const struct interval_alloc *ia_of_free(const struct avl_tree *t)
{
	return (const struct interval_alloc *)
		((const char *)t - offsetof(struct interval_alloc, free));
}

static struct span *span_new(const struct interval_alloc *ia)
{
	return calloc(1, sizeof(struct span) + ia->levels * sizeof(uint64_t));
}

static void span_delete(struct avl_node *n)
{
	free(span_of(n));
}

/* Smallest multiple of align >= v, or false if there is none. */
static bool align_up(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t rem = v & (align - 1);

	if (!rem) {
		*out = v;
		return true;
	}
	if (v > UINT64_MAX - (align - rem))
		return false;
	*out = v + (align - rem);
	return true;
}

/* Bytes of [first, last] usable from its first align-aligned value. */
static uint64_t usable(uint64_t first, uint64_t last, uint64_t align)
{
	uint64_t x;

	if (!align_up(first, align, &x) || x > last)
		return 0;
	return last - x == UINT64_MAX ? UINT64_MAX : last - x + 1;
}

static void span_update(const struct avl_tree *t, struct avl_node *n)
{
	const struct interval_alloc *ia = ia_of_free(t);
	struct span *s = span_of(n);
	struct span *l = n->left ? span_of(n->left) : NULL;
	struct span *r = n->right ? span_of(n->right) : NULL;
	unsigned int k;
	uint64_t f;

	s->min_first = l ? l->min_first : n->key;
	s->max_last = r ? r->max_last : s->last;
	for (k = 0; k < ia->levels; k++) {
		f = usable(n->key, s->last, 1ULL << k);
		if (l && l->fit[k] > f)
			f = l->fit[k];
		if (r && r->fit[k] > f)
			f = r->fit[k];
		s->fit[k] = f;
	}
}

/* Alignment levels worth tracking: larger ones fit at most one value. */
static unsigned int levels_for(uint64_t first, uint64_t last, bool aligned)
{
	uint64_t span = last - first;

	if (!aligned || !span)
		return 1;
	return 64 - __builtin_clzll(span);
}

int interval_alloc_init(struct interval_alloc *ia, uint64_t first,
			uint64_t last, bool aligned)
{
	struct span *s;

	ia->free.root = NULL;
	ia->free.update = span_update;
	ia->used.root = NULL;
	ia->used.update = NULL;
	ia->first = first;
	ia->last = last;
	ia->levels = levels_for(first, last, aligned);
	s = span_new(ia);
	if (!s)
		return -ENOMEM;
	s->node.key = first;
	s->last = last;
	avl_insert(&ia->free, &s->node);
	return 0;
}

void interval_alloc_fini(struct interval_alloc *ia)
{
	avl_drain(&ia->free, span_delete);
	avl_drain(&ia->used, span_delete);
}

/* Lowest fitting start inside [first, last] clipped to the window. */
static bool fit_low(uint64_t first, uint64_t last, const struct want *w,
		    uint64_t *at)
{
	uint64_t lo = first > w->lo ? first : w->lo;
	uint64_t hi = last < w->hi ? last : w->hi;
	uint64_t x;

	if (lo > hi || !align_up(lo, w->align, &x) || x > hi)
		return false;
	if (hi - x < w->size - 1)
		return false;
	*at = x;
	return true;
}

/* Highest fitting start inside [first, last] clipped to the window. */
static bool fit_high(uint64_t first, uint64_t last, const struct want *w,
		     uint64_t *at)
{
	uint64_t lo = first > w->lo ? first : w->lo;
	uint64_t hi = last < w->hi ? last : w->hi;
	uint64_t x;

	if (lo > hi || hi - lo < w->size - 1)
		return false;
	x = (hi - (w->size - 1)) & ~(w->align - 1);
	if (x < lo)
		return false;
	*at = x;
	return true;
}

/*
 * Whether a subtree can be skipped: it misses the window, or not even its
 * best run (unclipped) fits. A subtree wholly inside the window that is
 * not skipped holds a fit, so the search goes straight down to it; only
 * subtrees that straddle a window edge (two root paths) are opened
 * without that guarantee, which keeps a search O(log n).
 */
static bool prune(const struct span *s, const struct want *w)
{
	return s->max_last < w->lo || s->min_first > w->hi ||
	       s->fit[w->k] < w->size;
}

static struct span *search_low(const struct avl_node *n, const struct want *w,
			       uint64_t *at)
{
	struct span *s, *found;

	if (!n || prune(span_of(n), w))
		return NULL;
	s = span_of(n);
	found = search_low(n->left, w, at);
	if (found)
		return found;
	if (fit_low(n->key, s->last, w, at))
		return s;
	return search_low(n->right, w, at);
}

static struct span *search_high(const struct avl_node *n, const struct want *w,
				uint64_t *at)
{
	struct span *s, *found;

	if (!n || prune(span_of(n), w))
		return NULL;
	s = span_of(n);
	found = search_high(n->right, w, at);
	if (found)
		return found;
	if (fit_high(n->key, s->last, w, at))
		return s;
	return search_high(n->left, w, at);
}

/* The free run holding all of [first, last], or NULL. */
static struct span *free_run_over(const struct interval_alloc *ia,
				  uint64_t first, uint64_t last)
{
	struct avl_node *n = avl_floor(&ia->free, first);

	return n && span_of(n)->last >= last ? span_of(n) : NULL;
}

/* Move [x, last] from free run s to the allocations. */
static int carve(struct interval_alloc *ia, struct span *s, uint64_t x,
		 uint64_t last)
{
	bool left = x > s->node.key, right = last < s->last;
	uint64_t run_last = s->last;
	struct span *rec, *spare = NULL;

	/* Get all memory first so that a failure changes nothing. */
	rec = span_new(ia);
	if (rec && left && right)
		spare = span_new(ia);
	if (!rec || (left && right && !spare)) {
		free(rec);
		return -ENOMEM;
	}
	avl_erase(&ia->free, &s->node);
	if (left) {
		s->last = x - 1;
		avl_insert(&ia->free, &s->node);
		s = spare;
	}
	if (right) {
		s->node.key = last + 1;
		s->last = run_last;
		avl_insert(&ia->free, &s->node);
		s = NULL;
	}
	free(s);
	rec->node.key = x;
	rec->last = last;
	avl_insert(&ia->used, &rec->node);
	return 0;
}

static int get_exact(struct interval_alloc *ia, uint64_t x, uint64_t last)
{
	struct span *s;

	if (x < ia->first || last > ia->last)
		return -ERANGE;
	s = free_run_over(ia, x, last);
	if (!s)
		return -EBUSY;
	return carve(ia, s, x, last);
}

/*
 * Alignments past the tracked levels have at most one aligned start in
 * the whole space: try that one.
 */
static int get_single(struct interval_alloc *ia, const struct want *w,
		      uint64_t *out)
{
	uint64_t lo = w->lo > ia->first ? w->lo : ia->first;
	uint64_t hi = w->hi < ia->last ? w->hi : ia->last;
	struct span *s;
	uint64_t x;

	if (!align_up(lo, w->align, &x) || x > hi || hi - x < w->size - 1)
		return -ENOSPC;
	s = free_run_over(ia, x, x + w->size - 1);
	if (!s)
		return -ENOSPC;
	*out = x;
	return carve(ia, s, x, x + w->size - 1);
}

int interval_alloc_get(struct interval_alloc *ia,
		       const struct vmdev_addr_req *req, uint64_t *out)
{
	struct want w = {
		.size = req->size, .align = req->align,
		.lo = req->min, .hi = req->max,
		.k = __builtin_ctzll(req->align),
	};
	struct span *s;
	uint64_t x;
	int err;

	if (req->policy == VMDEV_ALLOC_EXACT) {
		err = get_exact(ia, req->addr, req->addr + req->size - 1);
		if (!err)
			*out = req->addr;
		return err;
	}
	if (w.k >= ia->levels)
		return get_single(ia, &w, out);
	if (req->policy == VMDEV_ALLOC_LAST_MATCH)
		s = search_high(ia->free.root, &w, &x);
	else
		s = search_low(ia->free.root, &w, &x);
	if (!s)
		return -ENOSPC;
	err = carve(ia, s, x, x + w.size - 1);
	if (!err)
		*out = x;
	return err;
}

int interval_alloc_claim(struct interval_alloc *ia, uint64_t first,
			 uint64_t last)
{
	struct avl_node *n;
	struct span *s;

	if (first < ia->first || last > ia->last)
		return -ERANGE;
	n = avl_find(&ia->used, first);
	if (n) {
		s = span_of(n);
		if (s->last != last)
			return -EINVAL;
		if (s->claimed)
			return -ENOENT;
		s->claimed = true;
		return 0;
	}
	/* Not the start of an allocation: is any of it allocated? */
	n = avl_floor(&ia->used, last);
	if (n && span_of(n)->last >= first)
		return -EINVAL;
	return -ENOENT;
}

void interval_alloc_unclaim(struct interval_alloc *ia, uint64_t first)
{
	span_of(avl_find(&ia->used, first))->claimed = false;
}

void interval_alloc_put(struct interval_alloc *ia, uint64_t first)
{
	struct span *rec = span_of(avl_find(&ia->used, first));
	struct avl_node *prev = NULL, *next = NULL;

	avl_erase(&ia->used, &rec->node);
	rec->claimed = false;
	/* Merge with the free runs that touch it: runs never abut. */
	if (first > ia->first)
		prev = avl_floor(&ia->free, first - 1);
	if (prev && span_of(prev)->last != first - 1)
		prev = NULL;
	if (rec->last < ia->last)
		next = avl_find(&ia->free, rec->last + 1);
	if (prev) {
		avl_erase(&ia->free, prev);
		rec->node.key = prev->key;
		span_delete(prev);
	}
	if (next) {
		avl_erase(&ia->free, next);
		rec->last = span_of(next)->last;
		span_delete(next);
	}
	avl_insert(&ia->free, &rec->node);
}

/* In order; the tree's height is at most 1.44 log2(n): recursion is fine. */
static int walk(const struct avl_node *n,
		int (*fn)(void *arg, uint64_t first, uint64_t last), void *arg)
{
	int ret;

	if (!n)
		return 0;
	ret = walk(n->left, fn, arg);
	if (!ret)
		ret = fn(arg, n->key, span_of(n)->last);
	return ret ? ret : walk(n->right, fn, arg);
}

int interval_alloc_walk(const struct interval_alloc *ia,
			int (*fn)(void *arg, uint64_t first, uint64_t last),
			void *arg)
{
	return walk(ia->used.root, fn, arg);
}

bool interval_alloc_held(const struct interval_alloc *ia, uint64_t first,
			 uint64_t last)
{
	const struct avl_node *n = avl_find(&ia->used, first);

	return n && span_of(n)->last == last;
}
