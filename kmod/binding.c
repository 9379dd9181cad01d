// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes of eventfd bindings, and the rules every kind shares.
 *
 * Teardown is ordered like KVM's irqfd shutdown; each step makes the
 * next one safe:
 *   1. Unpublish: an unbind clears the binding's slot (or list entry)
 *      under the context's mutex; a destroyed device is already off the
 *      bus and out of the id map.
 *   2. Unhook every source (ioeventfd, resample eventfd) from its wait
 *      queue. That takes the wait-queue lock, so no wakeup is running
 *      when it returns and none can start: nothing writes the device or
 *      queues a deferred signal from a wakeup any more.
 *   3. Wait out the RCU readers that may still hold a sink they found in
 *      a slot (deliveries of accesses, ioctls and wakeups): an unbind
 *      calls synchronize_rcu(); a destroyed device was already waited
 *      for by its context before it is freed, and its wakeups are gone
 *      after step 2.
 *   4. Cancel each sink's deferred signal (waiting for one that runs)
 *      and put the eventfd contexts; free.
 * A device's bindings are released before its core device is freed, so
 * no wakeup ever sees a freed device. The bind and unbind commands of
 * every kind run through vmdev_bind_ioctl(), at the end of this file.
 */
#include <linux/err.h>
#include <linux/eventfd.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "binding.h"
#include "context.h"
#include "device.h"

/* The device a bind names, under the context's mutex; NULL if none. */
struct vmdev_device *vmdev_bind_find(struct vmdev_ctx *ctx, u32 id)
{
	lockdep_assert_held(&ctx->lock);
	return xa_load(&ctx->devices, id);
}

#define ROLE_SOURCE	BIT(0)	/* hooked: the module consumes it */
#define ROLE_SINK	BIT(1)	/* the module signals it */

/* How efd is bound on the device already. */
static u32 roles(struct vmdev_ctx *ctx, struct vmdev_bindings *set,
		 const struct eventfd_ctx *efd)
{
	struct vmdev_ioeventfd_binding *io;
	struct vmdev_notifyfd_binding *nb;
	struct vmdev_irqfd_binding *ib;
	u32 found = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(set->irqfds); i++) {
		ib = rcu_dereference_protected(set->irqfds[i],
					       lockdep_is_held(&ctx->lock));
		if (!ib)
			continue;
		if (ib->trigger.efd == efd)
			found |= ROLE_SINK;
		if (ib->has_resample && ib->resample.efd == efd)
			found |= ROLE_SOURCE;
	}
	for (i = 0; i < ARRAY_SIZE(set->notifyfds); i++) {
		nb = rcu_dereference_protected(set->notifyfds[i],
					       lockdep_is_held(&ctx->lock));
		if (nb && nb->sink.efd == efd)
			found |= ROLE_SINK;
	}
	hlist_for_each_entry(io, &set->ioeventfds, node)
		if (io->src.efd == efd)
			found |= ROLE_SOURCE;
	return found;
}

/*
 * A source counts the signals it consumes: two hooks on one eventfd
 * would split them (-EEXIST). An eventfd the device both signals and
 * consumes would feed the device its own events: a doorbell whose
 * notify fd is its own ioeventfd rings forever (-EINVAL).
 */
int vmdev_bind_check_source(struct vmdev_ctx *ctx, struct vmdev_bindings *set,
			    const struct eventfd_ctx *efd)
{
	u32 r = roles(ctx, set, efd);

	if (r & ROLE_SOURCE)
		return -EEXIST;
	return r & ROLE_SINK ? -EINVAL : 0;
}

/* A sink may be shared (lines of one shared GSI), but not be a source. */
int vmdev_bind_check_sink(struct vmdev_ctx *ctx, struct vmdev_bindings *set,
			  const struct eventfd_ctx *efd)
{
	return roles(ctx, set, efd) & ROLE_SOURCE ? -EINVAL : 0;
}

/* Step 2 for an irqfd: its resample wakeup reads the device. */
void vmdev_irqfd_unhook(struct vmdev_irqfd_binding *b)
{
	if (b->has_resample)
		vmdev_source_remove(&b->resample);
}

/* Step 4 for an unhooked irqfd. */
void vmdev_irqfd_free(struct vmdev_irqfd_binding *b)
{
	vmdev_sink_release(&b->trigger);
	if (b->has_resample)
		vmdev_source_put(&b->resample);
	kfree(b);
}

void vmdev_notifyfd_free(struct vmdev_notifyfd_binding *b)
{
	vmdev_sink_release(&b->sink);
	kfree(b);
}

/* Step 4 for an unhooked ioeventfd: it has no sink of its own. */
void vmdev_ioeventfd_free(struct vmdev_ioeventfd_binding *b)
{
	vmdev_source_put(&b->src);
	kfree(b);
}

/*
 * The device is unreachable: off the bus and the id map, past the grace
 * period that waited for accesses and ioctls (or its context's last
 * file is gone), so no bind, unbind or delivery other than a wakeup can
 * touch its bindings. Steps 2, then 4, for all of them.
 */
void vmdev_bindings_release(struct vmdev_device *dev)
{
	struct vmdev_bindings *set = &dev->bindings;
	struct vmdev_ioeventfd_binding *io;
	struct vmdev_notifyfd_binding *nb;
	struct vmdev_irqfd_binding *ib;
	struct hlist_node *tmp;
	unsigned int i;

	hlist_for_each_entry(io, &set->ioeventfds, node)
		vmdev_source_remove(&io->src);
	for (i = 0; i < ARRAY_SIZE(set->irqfds); i++) {
		ib = rcu_dereference_protected(set->irqfds[i], true);
		if (ib)
			vmdev_irqfd_unhook(ib);
	}

	hlist_for_each_entry_safe(io, tmp, &set->ioeventfds, node)
		vmdev_ioeventfd_free(io);
	INIT_HLIST_HEAD(&set->ioeventfds);
	set->nr_ioeventfds = 0;
	for (i = 0; i < ARRAY_SIZE(set->irqfds); i++) {
		ib = rcu_dereference_protected(set->irqfds[i], true);
		RCU_INIT_POINTER(set->irqfds[i], NULL);
		if (ib)
			vmdev_irqfd_free(ib);
	}
	for (i = 0; i < ARRAY_SIZE(set->notifyfds); i++) {
		nb = rcu_dereference_protected(set->notifyfds[i], true);
		RCU_INIT_POINTER(set->notifyfds[i], NULL);
		if (nb)
			vmdev_notifyfd_free(nb);
	}
}

/* ---- The bind and unbind commands ---------------------------------- */

static int bind_assign(struct vmdev_ctx *ctx, const struct vmdev_bind_ops *ops,
		       const void *req, u32 id)
{
	struct vmdev_device *dev;
	void *b;
	int ret;

	b = kzalloc(ops->size, GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	ret = ops->take(b, req);
	if (ret) {
		kfree(b);
		return ret;
	}
	ret = -ENOENT;
	/* The mutex also keeps dev alive: a destroy takes it first. */
	mutex_lock(&ctx->lock);
	dev = vmdev_bind_find(ctx, id);
	if (dev)
		ret = ops->publish(ctx, dev, b, req);
	mutex_unlock(&ctx->lock);
	if (ret)
		ops->free(b);
	return ret;
}

/* Teardown steps 1 to 4 for the one binding req names. */
static int bind_deassign(struct vmdev_ctx *ctx,
			 const struct vmdev_bind_ops *ops, const void *req,
			 u32 id, int fd)
{
	void *b = ERR_PTR(-ENOENT);
	struct vmdev_device *dev;
	struct eventfd_ctx *efd;

	efd = eventfd_ctx_fdget(fd);
	if (IS_ERR(efd))
		return PTR_ERR(efd);
	mutex_lock(&ctx->lock);
	dev = vmdev_bind_find(ctx, id);
	if (dev)
		b = ops->unpublish(ctx, dev, req, efd);
	mutex_unlock(&ctx->lock);
	eventfd_ctx_put(efd);
	if (IS_ERR(b))
		return PTR_ERR(b);
	if (ops->rcu_readers)
		synchronize_rcu();
	ops->free(b);
	return 0;
}

long vmdev_bind_ioctl(struct vmdev_ctx *ctx, const struct vmdev_bind_ops *ops,
		      const void *req, u32 id, u32 flags, int fd)
{
	if (flags & ~VMDEV_BIND_F_ALL)
		return -EINVAL;
	if (flags & VMDEV_BIND_F_DEASSIGN)
		return bind_deassign(ctx, ops, req, id, fd);
	return bind_assign(ctx, ops, req, id);
}
