// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot commands: save devices and the context (size queries, short
 * buffers, odd placements), and restore them from blobs saved here (of
 * this device or of another, maybe of another map), mutated ones (bit
 * flips, resealed past the checksum or not, truncated), random bytes and
 * wild lengths - against devices the guest and the other threads change
 * at the same time.
 *
 * Besides the checks of every call (call.c), a save that succeeds into
 * our buffer must have written a blob whose header says its size. That a
 * refused restore changes nothing cannot be checked here, where other
 * threads change the same devices: tests/kmod/kmod_snapshot.c checks it
 * single-threaded; here the module's health checks (no splat, no leak)
 * are the judge.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "snapshot.h"

#define SNAP_BUF	(256 * 1024)

/* This thread's buffers: the last good blob, and the one being built. */
static _Thread_local uint8_t *keep, *work;
static _Thread_local uint32_t keep_len;

static bool buffers(void)
{
	if (!keep)
		keep = calloc(1, SNAP_BUF);
	if (!work)
		work = calloc(1, SNAP_BUF);
	return keep && work;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void save(struct fz_thread *t, bool ctx_cmd)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_snapshot, len), 4, true },
	};
	struct vmdev_snapshot s = { .size = sizeof(s) };
	struct fz_rng *rng = &t->rng;
	uint32_t cap;
	struct fz_dev d;
	struct fz_ext x;
	unsigned int gen;
	int ctx;
	long ret;

	if (ctx_cmd)
		ctx = fz_proc_ctx(t, &gen);
	else
		s.id = fz_pick_id(t, &d, &ctx);
	if (fz_chance(rng, 3))
		s.id = fz_wild32(rng);
	cap = fz_chance(rng, 80) ? SNAP_BUF : fz_below(rng, 512);
	s.len = cap;
	s.buf = fz_chance(rng, 10) ? 0 : fz_array_ptr(t, work, cap, work);
	if (fz_chance(rng, 3))
		s.flags = fz_wild32(rng);
	ret = fz_ioctl_ext(t, ctx, ctx_cmd ? FZ_SAVE_CONTEXT : FZ_SAVE_DEVICE,
			   ctx_cmd ? VMDEV_SAVE_CONTEXT : VMDEV_SAVE_DEVICE,
			   &s, sizeof(s), outs, 1, 6, &x);
	if (ret || !x.readable || s.buf != (uintptr_t)work)
		return;
	if (s.len > cap || s.len < VMDEV_SNAP_HDR_SIZE ||
	    memcmp(work, "VMDS", 4) || le32(work + 8) != s.len)
		fz_violation("%s wrote a blob of %u bytes into %u whose header "
			     "says %u bytes", fz_ioc_name(ctx_cmd ?
			     FZ_SAVE_CONTEXT : FZ_SAVE_DEVICE), s.len, cap,
			     le32(work + 8));
	memcpy(keep, work, s.len);
	keep_len = s.len;
}

/* A blob to restore in work: its length. */
static uint32_t forge(struct fz_rng *rng)
{
	uint32_t len = keep_len, i, n;

	switch (fz_below(rng, 10)) {
	case 0:
		len = fz_below(rng, 4096);
		for (i = 0; i < len; i++)
			work[i] = (uint8_t)fz_u32(rng);
		return len;
	case 1:
		/* Wild lengths: over the bound (E2BIG) before any copy. */
		return fz_chance(rng, 50) ? 0 :
		       VMDEV_SNAPSHOT_MAX + 1 + fz_below(rng, 1 << 20);
	case 2:
	case 3:
	case 4:
		memcpy(work, keep, len);
		return len;
	default:
		break;
	}
	memcpy(work, keep, len);
	if (len <= VMDEV_SNAP_HDR_SIZE)
		return len;
	n = 1 + fz_below(rng, 8);
	for (i = 0; i < n; i++)
		work[fz_below(rng, len)] ^= (uint8_t)(1U << fz_below(rng, 8));
	if (fz_chance(rng, 10))
		len = fz_below(rng, len);
	if (fz_chance(rng, 70))
		vmdev_snap_seal(work, len);
	return len;
}

static void restore(struct fz_thread *t, bool ctx_cmd)
{
	struct vmdev_snapshot s = { .size = sizeof(s) };
	struct fz_rng *rng = &t->rng;
	struct fz_dev d;
	unsigned int gen;
	int ctx;

	if (ctx_cmd)
		ctx = fz_proc_ctx(t, &gen);
	else
		s.id = fz_pick_id(t, &d, &ctx);
	s.len = forge(rng);
	/* Lengths past the buffer only with the bound's E2BIG. */
	s.buf = s.len > SNAP_BUF ? (uintptr_t)work :
		fz_array_ptr(t, work, s.len, work);
	if (fz_chance(rng, 3))
		s.flags = fz_wild32(rng);
	fz_ioctl_ext(t, ctx, ctx_cmd ? FZ_RESTORE_CONTEXT : FZ_RESTORE_DEVICE,
		     ctx_cmd ? VMDEV_RESTORE_CONTEXT : VMDEV_RESTORE_DEVICE,
		     &s, sizeof(s), NULL, 0, 6, NULL);
}

void fz_op_snapshot(struct fz_thread *t)
{
	unsigned int x = fz_below(&t->rng, 100);

	if (!buffers())
		return;
	if (x < 35)
		save(t, false);
	else if (x < 80)
		restore(t, false);
	else if (x < 90)
		save(t, true);
	else
		restore(t, true);
}
