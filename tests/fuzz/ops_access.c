// SPDX-License-Identifier: GPL-2.0
/*
 * Guest accesses handed to the bus by the VMM: VMDEV_ACCESS and
 * VMDEV_ACCESS_BATCH. Addresses come mostly from the ranges of devices
 * the process made (inside, across either end), else from the arenas or
 * anywhere; lengths, directions, spaces and padding are valid most of
 * the time.
 *
 * What every access must give (Documentation/uapi.rst, "Accesses and
 * their results"): a result that is DONE or SLOW; a slow one leaves data
 * as given; a completed read is zero-extended from its length. A batch
 * stops at its first slow entry, which comes back SLOW, after entries
 * that all came back DONE.
 */
#include <string.h>

#include "fuzz.h"

static uint64_t addr_near(struct fz_thread *t, const struct vmdev_range *r)
{
	switch (fz_below(&t->rng, 8)) {
	case 0:
		return r->base + r->len - fz_below(&t->rng, 4);	/* the end */
	case 1:
		return r->base - 1 - fz_below(&t->rng, 4);	/* before it */
	default:
		return r->base + fz_range(&t->rng, 0, r->len - 1);
	}
}

void fz_access_gen(struct fz_thread *t, struct vmdev_access *a)
{
	static const uint8_t lens[] = { 1, 2, 4, 8, 1, 2, 4, 8, 3, 5, 6, 7 };
	struct fz_rng *rng = &t->rng;
	unsigned int x = fz_below(rng, 100);
	struct fz_dev d;

	memset(a, 0, sizeof(*a));
	a->len = lens[fz_below(rng, sizeof(lens))];
	a->dir = (uint8_t)fz_below(rng, 2);
	a->data = fz_chance(rng, 30) ? fz_below(rng, 4) : fz_u64(rng);
	if (x < 60 && fz_pick_dev(t, &d) && d.nr_ranges) {
		const struct vmdev_range *r = &d.ranges[fz_below(rng, d.nr_ranges)];

		a->space = (uint8_t)r->space;
		a->addr = addr_near(t, r);
	} else if (x < 85) {
		a->space = (uint8_t)fz_below(rng, 2);
		a->addr = a->space == VMDEV_SPACE_PIO ?
			  FZ_PIO_ARENA + fz_below(rng, FZ_PIO_ARENA_LEN) :
			  FZ_MMIO_ARENA + fz_below(rng, FZ_MMIO_ARENA_LEN);
	} else {
		a->space = (uint8_t)(fz_chance(rng, 90) ? fz_below(rng, 2) :
				     fz_below(rng, 256));
		a->addr = fz_chance(rng, 30) ? 0x10000 - fz_below(rng, 8) :
			  fz_wild64(rng);
		if (fz_chance(rng, 20))
			a->addr = ~0ULL - fz_below(rng, 8);
	}
	/* Malformed now and then: length, direction, padding. */
	switch (fz_below(rng, 40)) {
	case 0:
		a->len = fz_chance(rng, 50) ? 0 : (uint8_t)(9 + fz_below(rng, 247));
		break;
	case 1:
		a->dir = (uint8_t)(2 + fz_below(rng, 254));
		break;
	case 2:
		a->pad = fz_wild32(rng);
		break;
	}
	a->result = (uint8_t)fz_u64(rng);	/* an output: ignored on input */
}

/* What any access that succeeded must look like; in: as it was sent. */
static void check_access(const struct vmdev_access *in,
			 const struct vmdev_access *out, const char *what)
{
	if (out->result != VMDEV_RESULT_DONE && out->result != VMDEV_RESULT_SLOW) {
		fz_violation("%s: result %u", what, out->result);
	} else if (out->result == VMDEV_RESULT_SLOW && out->data != in->data) {
		fz_violation("%s: a slow %s of %u bytes at %#llx (space %u) "
			     "changed data from %#llx to %#llx", what,
			     in->dir ? "write" : "read", in->len,
			     (unsigned long long)in->addr, in->space,
			     (unsigned long long)in->data,
			     (unsigned long long)out->data);
	} else if (out->result == VMDEV_RESULT_DONE &&
		   in->dir == VMDEV_DIR_READ && in->len < 8 &&
		   out->data >> (8 * in->len)) {
		fz_violation("%s: a read of %u bytes at %#llx (space %u) "
			     "returned %#llx", what, in->len,
			     (unsigned long long)in->addr, in->space,
			     (unsigned long long)out->data);
	}
}

void fz_op_access(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_access, data), 8, false },
		{ offsetof(struct vmdev_access, result), 1, false },
	};
	struct fz_call c = {
		.ioc = FZ_ACCESS, .outs = outs, .nr_outs = 2,
	};
	struct vmdev_access a, out;
	enum fz_where where = fz_pick_where(t, 5);
	unsigned int gen;
	size_t len;

	fz_access_gen(t, &a);
	c.cmd = fz_cmd_bits(t, VMDEV_ACCESS);
	c.arg = fz_place(t, &a, sizeof(a), where, &len);
	c.len = len;
	c.checked = where == FZ_AT_BUF;
	if (fz_ioctl(t, fz_proc_ctx(t, &gen), &c) || len < sizeof(a))
		return;
	memcpy(&out, c.arg, sizeof(out));
	check_access(&a, &out, "ACCESS");
	__atomic_fetch_add(out.result == VMDEV_RESULT_DONE ? &fz_sh->side.done :
			   &fz_sh->side.slow, 1, __ATOMIC_RELAXED);
}

void fz_op_batch(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		/* done is written back after a malformed entry too. */
		{ offsetof(struct vmdev_access_batch, done), 4, true },
	};
	struct vmdev_access_batch b = { .size = sizeof(b) };
	static _Thread_local struct vmdev_access sent[VMDEV_MAX_BATCH + 8];
	struct fz_rng *rng = &t->rng;
	unsigned int x = fz_below(rng, 100), gen;
	uint32_t i, n;
	int ctx;
	long ret;

	if (x < 75)
		b.count = 1 + fz_below(rng, 16);
	else if (x < 80)
		b.count = 0;
	else if (x < 95)
		b.count = 1 + fz_below(rng, VMDEV_MAX_BATCH);
	else
		b.count = VMDEV_MAX_BATCH + 1 + fz_below(rng, 8);
	n = b.count < VMDEV_MAX_BATCH + 8 ? b.count : VMDEV_MAX_BATCH + 8;
	for (i = 0; i < n; i++) {
		fz_access_gen(t, &sent[i]);
		/* Mostly well-formed entries, so batches get far. */
		if (fz_chance(rng, 90)) {
			sent[i].pad = 0;
			sent[i].dir &= 1;
			if (!sent[i].len || sent[i].len > 8)
				sent[i].len = 4;
		}
	}
	b.entries = fz_array_ptr(t, sent, n * sizeof(sent[0]),
				 (uint8_t *)t->batch);
	if (fz_chance(rng, 3))
		b.pad = fz_wild32(rng);
	b.done = fz_u32(rng);	/* an output: ignored on input */
	ctx = fz_proc_ctx(t, &gen);
	ret = fz_ioctl_ext(t, ctx, FZ_ACCESS_BATCH, VMDEV_ACCESS_BATCH, &b,
			   sizeof(b), outs, 1, 5, NULL);
	if (ret || b.entries != (uintptr_t)t->batch)
		return;
	if (b.done > b.count) {
		fz_violation("ACCESS_BATCH: done %u of %u", b.done, b.count);
		return;
	}
	for (i = 0; i < b.done; i++) {
		if (t->batch[i].result != VMDEV_RESULT_DONE) {
			fz_violation("ACCESS_BATCH: entry %u of %u done with "
				     "result %u", i, b.done, t->batch[i].result);
			return;
		}
		check_access(&sent[i], &t->batch[i], "ACCESS_BATCH");
	}
	if (b.done < b.count && t->batch[b.done].result != VMDEV_RESULT_SLOW)
		fz_violation("ACCESS_BATCH stopped at entry %u of %u, whose "
			     "result is %u", b.done, b.count,
			     t->batch[b.done].result);
	else if (b.done < b.count)
		check_access(&sent[b.done], &t->batch[b.done], "ACCESS_BATCH");
}
