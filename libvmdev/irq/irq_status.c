// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A device's interrupt status register (virtio-mmio InterruptStatus and
 * InterruptACK, the virtio-pci ISR): bits the device sets when it raises
 * its interrupt and the guest reads and acknowledges. The bits are one
 * C11 atomic word, so the guest's reads never wait.
 *
 * Bound to an edge vector, raising triggers it each time (the guest may
 * have read the register already and would miss the new cause). Bound to
 * a level line, the line must follow "bits != 0"; the bit update and the
 * line change are then made together under a mutex, or a raise racing an
 * acknowledgement could leave the line low with bits set (a lost
 * interrupt) or high with none (an interrupt storm).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "base/internal.h"
#include "irq_internal.h"

struct vmdev_irq_status {
	_Atomic uint32_t bits;
	struct vmdev_irq_group *grp;	/* NULL: a plain register */
	uint32_t vector;
	bool level;
	pthread_mutex_t lock;		/* level lines: bits + line */
};

int vmdev_irq_status_new(const struct vmdev_irq_status_opts *opts,
			 struct vmdev_irq_status **out)
{
	struct vmdev_irq_group *grp = VMDEV_OPT(opts, group, NULL);
	uint32_t vector = VMDEV_OPT(opts, vector, 0);
	struct vmdev_irq_status *st;

	if (!out || VMDEV_OPTS_CHECK(opts, vector))
		return vmdev_err(EINVAL);
	if (grp && vector >= grp->count)
		return vmdev_err(ENOENT);
	/* A DIRECT line is driven by someone else: we cannot assert it. */
	if (grp && grp->flags & VMDEV_IRQ_GROUP_DIRECT)
		return vmdev_err(EOPNOTSUPP);

	st = calloc(1, sizeof(*st));
	if (!st)
		return vmdev_err(ENOMEM);
	atomic_init(&st->bits, 0);
	st->grp = grp;
	st->vector = vector;
	st->level = grp && vmdev_irq_group_is_level(grp);
	pthread_mutex_init(&st->lock, NULL);
	*out = st;
	return 0;
}

void vmdev_irq_status_free(struct vmdev_irq_status *st)
{
	if (!st)
		return;
	pthread_mutex_destroy(&st->lock);
	free(st);
}

uint32_t vmdev_irq_status_read(const struct vmdev_irq_status *st)
{
	return st ? atomic_load((_Atomic uint32_t *)&st->bits) : 0;
}

/* Level only: lower the line if no bit is left. Called under st->lock. */
static int status_follow(struct vmdev_irq_status *st, uint32_t now)
{
	return now ? 0 : vmdev_irq_group_clear(st->grp, st->vector);
}

int vmdev_irq_status_raise(struct vmdev_irq_status *st, uint32_t bits,
			   uint32_t *old)
{
	uint32_t prev;
	int err = 0;

	if (!st || !bits)
		return vmdev_err(EINVAL);
	if (st->level) {
		pthread_mutex_lock(&st->lock);
		prev = atomic_fetch_or(&st->bits, bits);
		err = vmdev_irq_group_assert(st->grp, st->vector);
		pthread_mutex_unlock(&st->lock);
	} else {
		prev = atomic_fetch_or(&st->bits, bits);
		if (st->grp)
			err = vmdev_irq_group_trigger(st->grp, st->vector);
	}
	if (old)
		*old = prev;
	return err ? vmdev_err(-err) : 0;
}

int vmdev_irq_status_ack(struct vmdev_irq_status *st, uint32_t bits,
			 uint32_t *old)
{
	uint32_t prev;
	int err = 0;

	if (!st)
		return vmdev_err(EINVAL);
	if (st->level) {
		pthread_mutex_lock(&st->lock);
		prev = atomic_fetch_and(&st->bits, ~bits);
		err = status_follow(st, prev & ~bits);
		pthread_mutex_unlock(&st->lock);
	} else {
		prev = atomic_fetch_and(&st->bits, ~bits);
	}
	if (old)
		*old = prev;
	return err ? vmdev_err(-err) : 0;
}

int vmdev_irq_status_take(struct vmdev_irq_status *st, uint32_t *old)
{
	uint32_t prev;
	int err = 0;

	if (!st)
		return vmdev_err(EINVAL);
	if (st->level) {
		pthread_mutex_lock(&st->lock);
		prev = atomic_exchange(&st->bits, 0);
		err = status_follow(st, 0);
		pthread_mutex_unlock(&st->lock);
	} else {
		prev = atomic_exchange(&st->bits, 0);
	}
	if (old)
		*old = prev;
	return err ? vmdev_err(-err) : 0;
}
