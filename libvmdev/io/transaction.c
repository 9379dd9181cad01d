// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Hotplug transactions, and through them every change of the buses.
 *
 * A transaction stages against a snapshot of the published map: ranges to
 * add (each with a device reference) and ranges of the snapshot to remove,
 * in two range sets per bus, so that each staged range costs O(log n).
 * Commit merges the current map with the staged changes into a new one in
 * one pass, publishes it with one pointer swap, then waits for the readers
 * of the old one before dropping the removed devices. When another commit
 * got in first, the staged changes are checked again against the map they
 * now apply to, with the same checks that staged them.
 */
#include <stdlib.h>
#include "device.h"
#include "base/internal.h"
#include "io_manager.h"
#include "base/range_set.h"

struct vmdev_io_txn {
	struct vmdev_io_manager *mgr;
	struct vmdev_io_map *base;	/* staged against; a reference */
	struct vmdev_range_set add[VMDEV_NR_SPACES];
	struct vmdev_range_set del[VMDEV_NR_SPACES];
};

/* One range of a request, applied; kept to undo the request. */
enum step_kind {
	STEP_ADD,	/* node inserted in add */
	STEP_DEL,	/* node inserted in del */
	STEP_CANCEL,	/* node, a staged add, taken out of add */
};

struct step {
	enum step_kind kind;
	enum vmdev_space space;
	struct vmdev_range *node;
};

/* A request: the I/O ranges of one resource set, staged all or nothing. */
struct request {
	size_t nr;			/* I/O ranges in the set */
	size_t done;			/* steps applied */
	struct step *steps;
	struct vmdev_range **spare;	/* a node per range, until used */
};

int vmdev_io_txn_begin(struct vmdev_io_manager *mgr, struct vmdev_io_txn **out)
{
	struct vmdev_io_txn *txn;
	size_t s;

	if (!mgr || !out)
		return vmdev_err(EINVAL);
	txn = malloc(sizeof(*txn));
	if (!txn)
		return vmdev_err(ENOMEM);
	txn->mgr = mgr;
	txn->base = vmdev_io_manager_snapshot(mgr);
	for (s = 0; s < VMDEV_NR_SPACES; s++) {
		vmdev_range_set_init(&txn->add[s]);
		vmdev_range_set_init(&txn->del[s]);
	}
	*out = txn;
	return 0;
}

/* Free the nodes of a set; put_devs: drop the device references too. */
static void free_set(struct vmdev_range_set *set, bool put_devs)
{
	struct vmdev_range *r, *next;

	for (r = set->first; r; r = next) {
		next = r->next;
		if (put_devs)
			vmdev_device_put(r->dev);
		free(r);
	}
	vmdev_range_set_init(set);
}

/* End a transaction; committed: its added ranges belong to the manager. */
static void txn_end(struct vmdev_io_txn *txn, bool committed)
{
	size_t s;

	for (s = 0; s < VMDEV_NR_SPACES; s++) {
		free_set(&txn->add[s], !committed);
		free_set(&txn->del[s], false);
	}
	vmdev_io_map_put(txn->base);
	free(txn);
}

void vmdev_io_txn_cancel(struct vmdev_io_txn *txn)
{
	if (txn)
		txn_end(txn, false);
}

/* The bus of an I/O resource; false for the other kinds. */
static bool io_space(const struct vmdev_resource *r, enum vmdev_space *space)
{
	if (r->type == VMDEV_RES_PIO)
		*space = VMDEV_PIO;
	else if (r->type == VMDEV_RES_MMIO)
		*space = VMDEV_MMIO;
	else
		return false;
	return true;
}

/* Whether del removes exactly the range of e. */
static bool removed(const struct vmdev_range_set *del,
		    const struct vmdev_io_entry *e)
{
	const struct vmdev_range *r = vmdev_range_find(del, e->base);

	return r && vmdev_range_base(r) == e->base && r->last == e->last;
}

/* Whether [base, last] overlaps a range of bus that del does not remove. */
static bool bus_overlaps(const struct vmdev_io_bus *bus,
			 const struct vmdev_range_set *del, uint64_t base,
			 uint64_t last)
{
	const struct vmdev_io_entry *e;

	for (e = vmdev_io_bus_first_overlap(bus, base, last);
	     e && e < vmdev_io_bus_end(bus) && e->base <= last; e++)
		if (!removed(del, e))
			return true;
	return false;
}

/*
 * Whether bus holds exactly [base, last] and del (if given) does not
 * remove it yet: 0, -ENOENT (nothing starts at base) or -EINVAL (what
 * starts there has another size).
 */
static int check_del(const struct vmdev_io_bus *bus,
		     const struct vmdev_range_set *del, uint64_t base,
		     uint64_t last)
{
	const struct vmdev_io_entry *e = vmdev_io_bus_find(bus, base);

	if (!e || (del && removed(del, e)))
		return -ENOENT;
	return e->last == last ? 0 : -EINVAL;
}

static int stage_add(struct vmdev_io_txn *txn, struct request *req,
		     enum vmdev_space space, uint64_t base, uint64_t last,
		     struct vmdev_device *dev)
{
	struct step *step = &req->steps[req->done];
	const struct vmdev_io_bus *bus = &txn->base->bus[space];

	if (bus_overlaps(bus, &txn->del[space], base, last) ||
	    vmdev_range_overlaps(&txn->add[space], base, last))
		return -EEXIST;
	step->kind = STEP_ADD;
	step->node = req->spare[req->done];
	req->spare[req->done] = NULL;
	step->node->last = last;
	step->node->dev = dev;
	vmdev_range_insert(&txn->add[space], step->node, base);
	return 0;
}

static int stage_del(struct vmdev_io_txn *txn, struct request *req,
		     enum vmdev_space space, uint64_t base, uint64_t last)
{
	struct vmdev_range *r = vmdev_range_find(&txn->add[space], base);
	struct step *step = &req->steps[req->done];
	int err;

	/* What this transaction added is the newest state: take it back. */
	if (r) {
		if (vmdev_range_base(r) != base)
			return -ENOENT;
		if (r->last != last)
			return -EINVAL;
		vmdev_range_erase(&txn->add[space], r);
		step->kind = STEP_CANCEL;
		step->node = r;
		return 0;
	}
	err = check_del(&txn->base->bus[space], &txn->del[space], base, last);
	if (err)
		return err;
	step->kind = STEP_DEL;
	step->node = req->spare[req->done];
	req->spare[req->done] = NULL;
	step->node->last = last;
	step->node->dev = NULL;
	vmdev_range_insert(&txn->del[space], step->node, base);
	return 0;
}

/* Take the steps of a failed request back, newest first. */
static void undo(struct vmdev_io_txn *txn, struct request *req)
{
	struct step *step;

	while (req->done) {
		step = &req->steps[--req->done];
		if (step->kind == STEP_CANCEL) {
			vmdev_range_insert(&txn->add[step->space], step->node,
					   vmdev_range_base(step->node));
			continue;
		}
		vmdev_range_erase(step->kind == STEP_ADD ?
				  &txn->add[step->space] :
				  &txn->del[step->space], step->node);
		free(step->node);
	}
}

/* Count the I/O ranges of res and allocate what staging them needs. */
static int request_init(struct request *req, const struct vmdev_resources *res)
{
	size_t i, n = vmdev_resources_count(res);
	enum vmdev_space space;

	req->nr = 0;
	req->done = 0;
	for (i = 0; i < n; i++)
		req->nr += io_space(vmdev_resources_get(res, i), &space);
	req->steps = calloc(req->nr ? req->nr : 1, sizeof(*req->steps));
	req->spare = calloc(req->nr ? req->nr : 1, sizeof(*req->spare));
	if (!req->steps || !req->spare)
		return -ENOMEM;
	for (i = 0; i < req->nr; i++) {
		req->spare[i] = malloc(sizeof(*req->spare[i]));
		if (!req->spare[i])
			return -ENOMEM;
	}
	return 0;
}

/* Release a request; after success, drop what its cancels took back. */
static void request_fini(struct request *req, bool ok)
{
	size_t i;

	for (i = 0; ok && i < req->done; i++) {
		if (req->steps[i].kind != STEP_CANCEL)
			continue;
		vmdev_device_put(req->steps[i].node->dev);
		free(req->steps[i].node);
	}
	for (i = 0; req->spare && i < req->nr; i++)
		free(req->spare[i]);
	free(req->spare);
	free(req->steps);
}

/* Stage every I/O range of res: added to dev, or removed (dev NULL). */
static ssize_t stage(struct vmdev_io_txn *txn, struct vmdev_device *dev,
		     const struct vmdev_resources *res)
{
	size_t i, n = vmdev_resources_count(res);
	const struct vmdev_resource *r;
	enum vmdev_space space;
	struct request req;
	int err;

	err = request_init(&req, res);
	for (i = 0; !err && i < n; i++) {
		r = vmdev_resources_get(res, i);
		if (!io_space(r, &space))
			continue;
		req.steps[req.done].space = space;
		if (dev)
			err = stage_add(txn, &req, space, r->range.base,
					r->range.base + (r->range.size - 1),
					dev);
		else
			err = stage_del(txn, &req, space, r->range.base,
					r->range.base + (r->range.size - 1));
		if (!err)
			req.done++;
	}
	if (err)
		undo(txn, &req);
	else if (dev && req.nr)
		vmdev_device_get_n(dev, req.nr);
	request_fini(&req, !err);
	return err ? vmdev_err(-err) : (ssize_t)req.nr;
}

ssize_t vmdev_io_txn_register(struct vmdev_io_txn *txn,
			      struct vmdev_device *dev,
			      const struct vmdev_resources *res)
{
	if (!txn || !dev || !res)
		return vmdev_err(EINVAL);
	return stage(txn, dev, res);
}

ssize_t vmdev_io_txn_unregister(struct vmdev_io_txn *txn,
				const struct vmdev_resources *res)
{
	if (!txn || !res)
		return vmdev_err(EINVAL);
	return stage(txn, NULL, res);
}

/* Check the staged changes again, against the map they will apply to. */
static int revalidate(const struct vmdev_io_txn *txn,
		      const struct vmdev_io_map *cur)
{
	const struct vmdev_range *r;
	size_t s;
	int err;

	for (s = 0; s < VMDEV_NR_SPACES; s++) {
		for (r = txn->del[s].first; r; r = r->next) {
			err = check_del(&cur->bus[s], NULL,
					vmdev_range_base(r), r->last);
			if (err)
				return err;
		}
		for (r = txn->add[s].first; r; r = r->next)
			if (bus_overlaps(&cur->bus[s], &txn->del[s],
					 vmdev_range_base(r), r->last))
				return -EEXIST;
	}
	return 0;
}

/*
 * Merge src, minus del, plus add (all in address order; every range of
 * del is in src) into dst; the devices of removed ranges go to ret.
 */
static void merge(struct vmdev_io_bus *dst, const struct vmdev_io_bus *src,
		  const struct vmdev_range_set *del,
		  const struct vmdev_range_set *add,
		  struct vmdev_io_retired *ret)
{
	const struct vmdev_io_entry *e = src->e, *end = vmdev_io_bus_end(src);
	const struct vmdev_range *d = del->first, *a = add->first;
	struct vmdev_io_entry *out = dst->e;

	while (e < end || a) {
		if (e < end && d && e->base == vmdev_range_base(d)) {
			ret->dev[ret->nr++] = e->dev;
			e++;
			d = d->next;
		} else if (a && (e == end || vmdev_range_base(a) < e->base)) {
			out->base = vmdev_range_base(a);
			out->last = a->last;
			out->dev = a->dev;
			vmdev_device_call_of(a->dev, &out->call);
			out++;
			a = a->next;
		} else {
			*out++ = *e++;
		}
	}
}

/* Build the map that replaces cur, and the record of what it replaces. */
static int build(const struct vmdev_io_txn *txn, struct vmdev_io_map *cur,
		 struct vmdev_io_map **map, struct vmdev_io_retired **ret)
{
	size_t nr[VMDEV_NR_SPACES], nr_del = 0, s;

	for (s = 0; s < VMDEV_NR_SPACES; s++) {
		nr[s] = cur->bus[s].nr - txn->del[s].nr + txn->add[s].nr;
		nr_del += txn->del[s].nr;
	}
	*map = vmdev_io_map_new(nr);
	*ret = vmdev_io_retired_new(nr_del);
	if (!*map || !*ret) {
		vmdev_io_map_put(*map);
		free(*ret);
		return -ENOMEM;
	}
	for (s = 0; s < VMDEV_NR_SPACES; s++)
		merge(&(*map)->bus[s], &cur->bus[s], &txn->del[s],
		      &txn->add[s], *ret);
	vmdev_io_map_index(*map);
	(*ret)->map = cur;
	return 0;
}

static bool staged_nothing(const struct vmdev_io_txn *txn)
{
	size_t s;

	for (s = 0; s < VMDEV_NR_SPACES; s++)
		if (txn->add[s].nr || txn->del[s].nr)
			return false;
	return true;
}

int vmdev_io_txn_commit(struct vmdev_io_txn *txn)
{
	struct vmdev_io_manager *mgr;
	struct vmdev_io_retired *ret;
	struct vmdev_io_map *map;
	int err = 0;

	if (!txn)
		return vmdev_err(EINVAL);
	mgr = txn->mgr;
	if (staged_nothing(txn)) {
		txn_end(txn, true);
		return 0;
	}
	pthread_mutex_lock(&mgr->lock);
	if (mgr->map != txn->base)
		err = revalidate(txn, mgr->map);
	if (!err)
		err = build(txn, mgr->map, &map, &ret);
	if (!err)
		rcu_assign_pointer(mgr->map, map);
	pthread_mutex_unlock(&mgr->lock);
	if (!err)
		vmdev_io_retire(mgr, ret);
	txn_end(txn, !err);
	return err ? vmdev_err(-err) : 0;
}
