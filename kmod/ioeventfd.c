// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_IOEVENTFD, level 2 of the fast path: a guest write that KVM
 * turns into an eventfd signal (a KVM ioeventfd, usually with datamatch)
 * is applied to a register device without any exit at all.
 *
 * The eventfd is hooked as a source (eventfd.c). KVM signals it from the
 * vCPU's write, synchronously, and the hook applies the write right
 * there: a guest write of the bound value at the register's offset and
 * width, exactly the access the guest made, so register banking and the
 * device's hole policy apply as they would to an exit. The core only
 * takes its raw spinlock, which is allowed in a wakeup, PREEMPT_RT
 * included. What the write sets off (a line rising, a doorbell ringing)
 * is delivered from a work item, since no eventfd may be signalled from
 * inside this wakeup.
 *
 * Every KVM signal wakes the hook at once and is consumed there, so
 * each guest write is applied on its own: a FIFO push datamatched on a
 * value pushes once per guest write, a doorbell rings once per write.
 * A count that built up without the hook (signals before the binding
 * existed, a write(2) of a large value) is applied as that many writes,
 * but at most VMDEV_IOEVENTFD_MAX_APPLY per signal, the rest dropped:
 * the wakeup runs with interrupts off and must stay short, and KVM
 * itself never builds up a count.
 */
#include <linux/eventfd.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/vmdev.h>

#include "binding.h"
#include "context.h"
#include "device.h"
#include "ioctl.h"
#include "notify.h"
#include "uarg.h"

/* First version of struct vmdev_ioeventfd (rules in linux/vmdev.h). */
#define VMDEV_IOEVENTFD_SIZE_VER0	offsetofend(struct vmdev_ioeventfd, value)

/* Writes one signal may apply (see above). */
#define VMDEV_IOEVENTFD_MAX_APPLY	64

/*
 * Apply count guest writes of b's value. A write the device sends to the
 * slow path (a trap register banked in since the binding was made) has
 * nobody to go to: it and the rest are dropped, and not counted.
 */
static void apply(struct vmdev_ioeventfd_binding *b, u64 count,
		  bool in_wakeup)
{
	struct vmdev_device *dev = b->dev;
	struct vmdev_rdev_events ev;
	u64 n = min_t(u64, count, VMDEV_IOEVENTFD_MAX_APPLY);
	u64 data;

	while (n--) {
		data = b->value;
		if (vmdev_rdev_access(dev->rdev, b->offset, b->width, true,
				      &data, &ev))
			return;
		atomic64_inc(&dev->stats.ioeventfds);
		vmdev_notify_events(dev, &ev, in_wakeup);
	}
}

static void ioeventfd_signalled(struct vmdev_source *src, u64 count)
{
	struct vmdev_ioeventfd_binding *b =
		container_of(src, struct vmdev_ioeventfd_binding, src);

	rcu_read_lock();
	apply(b, count, true);
	rcu_read_unlock();
}

/*
 * The register arg names, if guest writes reach it at its own offset:
 * not hidden (unmapped), not read-only for the guest, not a trap (whose
 * writes the VMM must see); and if the value fits its width.
 */
static const struct vmdev_reg *target(struct vmdev_device *dev,
				      const struct vmdev_ioeventfd *arg)
{
	const struct vmdev_reg *r = vmdev_rdev_reg_desc(dev->rdev, arg->reg);

	if (!r || (r->flags & (VMDEV_REG_F_HIDDEN | VMDEV_REG_F_NOWRITE)) ||
	    r->type == VMDEV_REG_TRAP)
		return ERR_PTR(-EINVAL);
	if (r->width < sizeof(arg->value) && arg->value >> (8 * r->width))
		return ERR_PTR(-EINVAL);
	return r;
}

static int ioeventfd_take(void *binding, const void *req)
{
	struct vmdev_ioeventfd_binding *b = binding;
	const struct vmdev_ioeventfd *arg = req;

	return vmdev_source_get(&b->src, arg->fd);
}

/* Bind b to arg's register of dev; under the context's mutex. */
static int ioeventfd_publish(struct vmdev_ctx *ctx, struct vmdev_device *dev,
			     void *binding, const void *req)
{
	struct vmdev_ioeventfd_binding *b = binding;
	const struct vmdev_ioeventfd *arg = req;
	const struct vmdev_reg *r;
	u64 pending;
	int ret;

	r = target(dev, arg);
	if (IS_ERR(r))
		return PTR_ERR(r);
	if (dev->bindings.nr_ioeventfds >= VMDEV_MAX_IOEVENTFDS)
		return -ENOSPC;
	ret = vmdev_bind_check_source(ctx, &dev->bindings, b->src.efd);
	if (ret)
		return ret;
	b->dev = dev;
	b->reg = arg->reg;
	b->offset = r->offset;
	b->width = r->width;
	b->value = arg->value;
	hlist_add_head(&b->node, &dev->bindings.ioeventfds);
	dev->bindings.nr_ioeventfds++;
	/* Writes the guest made before the hook count as made now. */
	pending = vmdev_source_install(&b->src, ioeventfd_signalled);
	if (pending) {
		rcu_read_lock();
		apply(b, pending, false);
		rcu_read_unlock();
	}
	return 0;
}

/*
 * The binding of efd to arg's register, unlisted and unhooked, or
 * -errno. Nothing but its own wakeup reaches an ioeventfd binding, so
 * once unhooked it needs no grace period (binding.c, steps 1 and 2).
 */
static void *ioeventfd_unpublish(struct vmdev_ctx *ctx,
				 struct vmdev_device *dev, const void *req,
				 const struct eventfd_ctx *efd)
{
	const struct vmdev_ioeventfd *arg = req;
	struct vmdev_ioeventfd_binding *b;

	hlist_for_each_entry(b, &dev->bindings.ioeventfds, node) {
		if (b->src.efd != efd || b->reg != arg->reg)
			continue;
		hlist_del(&b->node);
		dev->bindings.nr_ioeventfds--;
		/* Before the mutex goes: the wakeup writes the device. */
		vmdev_source_remove(&b->src);
		return b;
	}
	return ERR_PTR(-ENOENT);
}

static void ioeventfd_free(void *b)
{
	vmdev_ioeventfd_free(b);
}

static const struct vmdev_bind_ops ioeventfd_ops = {
	.size = sizeof(struct vmdev_ioeventfd_binding),
	.take = ioeventfd_take,
	.publish = ioeventfd_publish,
	.unpublish = ioeventfd_unpublish,
	.free = ioeventfd_free,
	.rcu_readers = false,	/* only its own wakeup, unhooked */
};

long vmdev_ioctl_ioeventfd(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_ioeventfd arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_IOEVENTFD_SIZE_VER0, uarg);
	if (ret)
		return ret;
	if (arg.pad)
		return -EINVAL;
	return vmdev_bind_ioctl(ctx, &ioeventfd_ops, &arg, arg.id, arg.flags,
				arg.fd);
}
