// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Interrupt source groups: the logic both backends share. The backend
 * only decides how an eventfd reaches the guest (KVM irqfd and routing,
 * or nothing), through the hooks of struct vmdev_irq_backend.
 *
 * Data path (trigger, assert, clear, pending) is lockless: a vector's
 * mask, pending and level bits live in one atomic word, so a trigger that
 * races with an unmask is either held and then delivered by the unmask,
 * or delivered by itself, never lost and never doubled. Control
 * operations (enable, disable, mask, unmask, update, create, free) are
 * serialized by the manager lock, which also orders the backend's
 * ioctls.
 */
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/internal.h"
#include "irq_internal.h"

#define IRQ_GROUP_FLAGS	(VMDEV_IRQ_GROUP_LEVEL | VMDEV_IRQ_GROUP_DIRECT)

static bool group_drives_level(const struct vmdev_irq_group *grp)
{
	return vmdev_irq_group_is_level(grp) &&
	       !(grp->flags & VMDEV_IRQ_GROUP_DIRECT);
}

/* -EINVAL / -ENOENT for a bad handle or vector, else 0. */
static int vec_check(const struct vmdev_irq_group *grp, uint32_t vector)
{
	if (!grp)
		return vmdev_err(EINVAL);
	if (vector >= grp->count)
		return vmdev_err(ENOENT);
	return 0;
}

/* ---- Creation -------------------------------------------------------- */

static int group_check(const struct vmdev_irq_manager *mgr,
		       enum vmdev_irq_type type, uint32_t base, uint32_t count,
		       uint32_t flags)
{
	if (type != VMDEV_IRQ_LEGACY && type != VMDEV_IRQ_MSI)
		return vmdev_err(EINVAL);
	if (flags & ~IRQ_GROUP_FLAGS || !count)
		return vmdev_err(EINVAL);
	/* MSI is edge by nature; DIRECT only describes level lines. */
	if (type == VMDEV_IRQ_MSI && flags & VMDEV_IRQ_GROUP_LEVEL)
		return vmdev_err(EINVAL);
	if (flags & VMDEV_IRQ_GROUP_DIRECT && !(flags & VMDEV_IRQ_GROUP_LEVEL))
		return vmdev_err(EINVAL);
	if ((uint64_t)base + count > mgr->nr_gsis)
		return vmdev_err(ERANGE);
	return 0;
}

static bool group_overlaps(const struct vmdev_irq_manager *mgr, uint32_t base,
			   uint32_t count)
{
	const struct vmdev_irq_group *g;

	for (g = mgr->groups; g; g = g->next)
		if ((uint64_t)base < (uint64_t)g->base + g->count &&
		    (uint64_t)g->base < (uint64_t)base + count)
			return true;
	return false;
}

static void group_close_fds(struct vmdev_irq_group *grp)
{
	uint32_t i;

	for (i = 0; i < grp->count; i++) {
		if (grp->vec[i].trigger_fd >= 0)
			close(grp->vec[i].trigger_fd);
		if (grp->vec[i].resample_fd >= 0)
			close(grp->vec[i].resample_fd);
	}
}

static int group_open_fds(struct vmdev_irq_group *grp)
{
	const int efd_flags = EFD_CLOEXEC | EFD_NONBLOCK;
	struct vmdev_irq_vec *vec;
	uint32_t i;

	for (i = 0; i < grp->count; i++) {
		vec = &grp->vec[i];
		vec->grp = grp;
		vec->trigger_fd = -1;
		vec->resample_fd = -1;
	}
	for (i = 0; i < grp->count; i++) {
		vec = &grp->vec[i];
		vec->trigger_fd = eventfd(0, efd_flags);
		if (vec->trigger_fd < 0)
			return vmdev_err(errno);
		if (!vmdev_irq_group_is_level(grp))
			continue;
		vec->resample_fd = eventfd(0, efd_flags);
		if (vec->resample_fd < 0)
			return vmdev_err(errno);
	}
	return 0;
}

static int group_alloc(struct vmdev_irq_manager *mgr, enum vmdev_irq_type type,
		       uint32_t base, uint32_t count, uint32_t flags,
		       struct vmdev_irq_group **out)
{
	struct vmdev_irq_group *grp;
	int err;

	grp = calloc(1, sizeof(*grp) + (size_t)count * sizeof(grp->vec[0]));
	if (!grp)
		return vmdev_err(ENOMEM);
	grp->mgr = mgr;
	grp->type = type;
	grp->flags = flags;
	grp->base = base;
	grp->count = count;
	atomic_init(&grp->enabled, false);
	err = group_open_fds(grp);
	if (err) {
		group_close_fds(grp);
		free(grp);
		return vmdev_err(-err);
	}
	*out = grp;
	return 0;
}

int vmdev_irq_group_new(struct vmdev_irq_manager *mgr,
			enum vmdev_irq_type type, uint32_t base, uint32_t count,
			const struct vmdev_irq_group_opts *opts,
			struct vmdev_irq_group **out)
{
	uint32_t flags = VMDEV_OPT(opts, flags, 0);
	struct vmdev_irq_group *grp;
	int err;

	if (!mgr || !out || VMDEV_OPTS_CHECK(opts, flags))
		return vmdev_err(EINVAL);
	err = group_check(mgr, type, base, count, flags);
	if (err)
		return err;

	pthread_mutex_lock(&mgr->lock);
	if (group_overlaps(mgr, base, count)) {
		pthread_mutex_unlock(&mgr->lock);
		return vmdev_err(EBUSY);
	}
	err = group_alloc(mgr, type, base, count, flags, &grp);
	if (!err) {
		grp->next = mgr->groups;
		mgr->groups = grp;
		vmdev_irq_manager_get(mgr);
	}
	pthread_mutex_unlock(&mgr->lock);
	if (err)
		return vmdev_err(-err);
	*out = grp;
	return 0;
}

uint32_t vmdev_irq_group_base(const struct vmdev_irq_group *grp)
{
	return grp ? grp->base : 0;
}

uint32_t vmdev_irq_group_count(const struct vmdev_irq_group *grp)
{
	return grp ? grp->count : 0;
}

/* ---- Enable / disable ------------------------------------------------ */

/*
 * Nothing crosses a disabled period: events held, levels and whatever a
 * direct signaller left in the eventfds are dropped. Mask bits stay: they
 * mirror the device's own mask registers.
 */
static void group_forget_events(struct vmdev_irq_group *grp)
{
	uint32_t i;

	for (i = 0; i < grp->count; i++) {
		atomic_fetch_and(&grp->vec[i].state,
				 ~(IRQ_VEC_PENDING | IRQ_VEC_ASSERTED));
		vmdev_irq_fd_drain(grp->vec[i].trigger_fd);
		vmdev_irq_fd_drain(grp->vec[i].resample_fd);
	}
}

static int group_do_enable(struct vmdev_irq_group *grp)
{
	const struct vmdev_irq_backend *ops = grp->mgr->ops;
	int err;

	if (vmdev_irq_group_enabled(grp))
		return vmdev_err(EALREADY);
	group_forget_events(grp);
	err = vmdev_irq_resampler_add(grp);
	if (err)
		return err;
	if (ops->enable) {
		err = ops->enable(grp);
		if (err) {
			vmdev_irq_resampler_del(grp);
			return err;
		}
	}
	atomic_store_explicit(&grp->enabled, true, memory_order_release);
	return 0;
}

static int group_do_disable(struct vmdev_irq_group *grp)
{
	const struct vmdev_irq_backend *ops = grp->mgr->ops;
	int err;

	if (!vmdev_irq_group_enabled(grp))
		return vmdev_err(EALREADY);
	/* New triggers fail from here on; the backend then tears down. */
	atomic_store_explicit(&grp->enabled, false, memory_order_release);
	if (ops->disable) {
		err = ops->disable(grp);
		if (err) {
			atomic_store_explicit(&grp->enabled, true,
					      memory_order_release);
			return err;
		}
	}
	vmdev_irq_resampler_del(grp);
	group_forget_events(grp);
	return 0;
}

int vmdev_irq_group_enable(struct vmdev_irq_group *grp)
{
	int err;

	if (!grp)
		return vmdev_err(EINVAL);
	pthread_mutex_lock(&grp->mgr->lock);
	err = group_do_enable(grp);
	pthread_mutex_unlock(&grp->mgr->lock);
	return err ? vmdev_err(-err) : 0;
}

int vmdev_irq_group_disable(struct vmdev_irq_group *grp)
{
	int err;

	if (!grp)
		return vmdev_err(EINVAL);
	pthread_mutex_lock(&grp->mgr->lock);
	err = group_do_disable(grp);
	pthread_mutex_unlock(&grp->mgr->lock);
	return err ? vmdev_err(-err) : 0;
}

static void group_unlink(struct vmdev_irq_group *grp)
{
	struct vmdev_irq_group **p;

	for (p = &grp->mgr->groups; *p; p = &(*p)->next) {
		if (*p == grp) {
			*p = grp->next;
			return;
		}
	}
}

void vmdev_irq_group_free(struct vmdev_irq_group *grp)
{
	struct vmdev_irq_manager *mgr;

	if (!grp)
		return;
	mgr = grp->mgr;
	pthread_mutex_lock(&mgr->lock);
	/*
	 * A backend that cannot tear down leaves KVM holding our eventfds:
	 * closing them below detaches the irqfds all the same, and the
	 * group's routes go with the next routing update.
	 */
	if (vmdev_irq_group_enabled(grp) && group_do_disable(grp)) {
		vmdev_irq_resampler_del(grp);
		atomic_store(&grp->enabled, false);
	}
	group_unlink(grp);
	pthread_mutex_unlock(&mgr->lock);
	group_close_fds(grp);
	free(grp);
	vmdev_irq_manager_put(mgr);
}

/* ---- Data path -------------------------------------------------------- */

/* Hold an edge event in the vector if it is masked: true if held. */
static bool vec_hold_if_masked(struct vmdev_irq_vec *vec)
{
	uint32_t st = atomic_load(&vec->state);

	do {
		if (!(st & IRQ_VEC_MASKED))
			return false;
	} while (!atomic_compare_exchange_weak(&vec->state, &st,
					       st | IRQ_VEC_PENDING));
	return true;
}

int vmdev_irq_group_trigger(struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = vec_check(grp, vector);

	if (err)
		return err;
	if (vmdev_irq_group_is_level(grp))
		return vmdev_err(EOPNOTSUPP);
	if (!vmdev_irq_group_enabled(grp))
		return vmdev_err(EBADFD);
	if (vec_hold_if_masked(&grp->vec[vector]))
		return 0;
	return vmdev_irq_vec_signal(&grp->vec[vector]);
}

/* Level operations need a level group the library drives. */
static int level_check(const struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = vec_check(grp, vector);

	if (err)
		return err;
	if (!group_drives_level(grp))
		return vmdev_err(EOPNOTSUPP);
	return 0;
}

int vmdev_irq_group_assert(struct vmdev_irq_group *grp, uint32_t vector)
{
	struct vmdev_irq_vec *vec;
	uint32_t old;
	int err = level_check(grp, vector);

	if (err)
		return err;
	if (!vmdev_irq_group_enabled(grp))
		return vmdev_err(EBADFD);
	vec = &grp->vec[vector];
	old = atomic_fetch_or(&vec->state, IRQ_VEC_ASSERTED);
	/* Already high, or held low by the mask until unmask raises it. */
	if (old & (IRQ_VEC_ASSERTED | IRQ_VEC_MASKED))
		return 0;
	err = vmdev_irq_vec_signal(vec);
	if (err)
		atomic_fetch_and(&vec->state, ~IRQ_VEC_ASSERTED);
	return err;
}

/*
 * The line goes low for the device at once; for KVM it stays high until
 * the guest's EOI, after which the resampler sees it low and stays quiet.
 */
int vmdev_irq_group_clear(struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = level_check(grp, vector);

	if (err)
		return err;
	atomic_fetch_and(&grp->vec[vector].state, ~IRQ_VEC_ASSERTED);
	return 0;
}

int vmdev_irq_group_pending(struct vmdev_irq_group *grp, uint32_t vector)
{
	const struct vmdev_irq_backend *ops;
	uint32_t st;
	int err = vec_check(grp, vector);

	if (err)
		return err;
	st = atomic_load(&grp->vec[vector].state);
	if (!vmdev_irq_group_enabled(grp) || !(st & IRQ_VEC_MASKED))
		return 0;
	if (st & IRQ_VEC_PENDING)
		return 1;
	if (group_drives_level(grp) && st & IRQ_VEC_ASSERTED)
		return 1;
	ops = grp->mgr->ops;
	return ops->pending ? ops->pending(grp, vector) : 0;
}

/* ---- Mask / unmask ---------------------------------------------------- */

/*
 * Clear the mask and deliver what it held back: a pending edge, or a
 * level line that is high. Called with the manager lock held.
 */
static int vec_open(struct vmdev_irq_group *grp, struct vmdev_irq_vec *vec)
{
	uint32_t old = atomic_fetch_and(&vec->state,
					~(IRQ_VEC_MASKED | IRQ_VEC_PENDING));
	bool held = old & IRQ_VEC_PENDING ||
		    (group_drives_level(grp) && old & IRQ_VEC_ASSERTED);

	if (held && vmdev_irq_group_enabled(grp))
		return vmdev_irq_vec_signal(vec);
	return 0;
}

static int group_do_mask(struct vmdev_irq_group *grp, uint32_t vector)
{
	struct vmdev_irq_vec *vec = &grp->vec[vector];
	const struct vmdev_irq_backend *ops = grp->mgr->ops;
	uint32_t old;
	int err;

	old = atomic_fetch_or(&vec->state, IRQ_VEC_MASKED);
	if (old & IRQ_VEC_MASKED || !vmdev_irq_group_enabled(grp) ||
	    !ops->mask)
		return 0;
	err = ops->mask(grp, vector);
	if (err)
		vec_open(grp, vec);
	return err;
}

static int group_do_unmask(struct vmdev_irq_group *grp, uint32_t vector)
{
	struct vmdev_irq_vec *vec = &grp->vec[vector];
	const struct vmdev_irq_backend *ops = grp->mgr->ops;
	int err;

	if (!(atomic_load(&vec->state) & IRQ_VEC_MASKED))
		return 0;
	if (vmdev_irq_group_enabled(grp) && ops->unmask) {
		err = ops->unmask(grp, vector);
		if (err)
			return err;
	}
	return vec_open(grp, vec);
}

int vmdev_irq_group_mask(struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = vec_check(grp, vector);

	if (err)
		return err;
	pthread_mutex_lock(&grp->mgr->lock);
	err = group_do_mask(grp, vector);
	pthread_mutex_unlock(&grp->mgr->lock);
	return err ? vmdev_err(-err) : 0;
}

int vmdev_irq_group_unmask(struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = vec_check(grp, vector);

	if (err)
		return err;
	pthread_mutex_lock(&grp->mgr->lock);
	err = group_do_unmask(grp, vector);
	pthread_mutex_unlock(&grp->mgr->lock);
	return err ? vmdev_err(-err) : 0;
}

/* ---- Notifiers ---------------------------------------------------------- */

int vmdev_irq_group_trigger_fd(struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = vec_check(grp, vector);

	return err ? err : grp->vec[vector].trigger_fd;
}

int vmdev_irq_group_resample_fd(struct vmdev_irq_group *grp, uint32_t vector)
{
	int err = vec_check(grp, vector);

	if (err)
		return err;
	if (!vmdev_irq_group_is_level(grp))
		return vmdev_err(EOPNOTSUPP);
	return grp->vec[vector].resample_fd;
}
