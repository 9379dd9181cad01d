// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_NOTIFYFD: a doorbell register signals an eventfd each time it
 * rings, whatever made it ring: a guest write through the access ioctls
 * or the run loop, or a write applied from an ioeventfd. A backend (a
 * vhost-like worker, the VMM's own thread) waits on that eventfd and
 * reads the latched value with VMDEV_REG_READ.
 */
#include <linux/eventfd.h>
#include <linux/rcupdate.h>
#include <linux/vmdev.h>

#include "binding.h"
#include "context.h"
#include "device.h"
#include "ioctl.h"
#include "uarg.h"

/* First version of struct vmdev_notifyfd (rules in linux/vmdev.h). */
#define VMDEV_NOTIFYFD_SIZE_VER0	offsetofend(struct vmdev_notifyfd, pad)

/* The doorbell slot of arg's register, -EINVAL if it is no doorbell. */
static int doorbell_slot(struct vmdev_device *dev,
			 const struct vmdev_notifyfd *arg)
{
	int slot = vmdev_rdev_doorbell_slot(dev->rdev, arg->reg);

	return slot < 0 ? -EINVAL : slot;
}

static int notifyfd_take(void *binding, const void *req)
{
	struct vmdev_notifyfd_binding *b = binding;
	const struct vmdev_notifyfd *arg = req;

	return vmdev_sink_init(&b->sink, arg->fd);
}

/* Bind b to arg's doorbell of dev; under the context's mutex. */
static int notifyfd_publish(struct vmdev_ctx *ctx, struct vmdev_device *dev,
			    void *binding, const void *req)
{
	struct vmdev_notifyfd_binding *b = binding;
	const struct vmdev_notifyfd *arg = req;
	int slot, ret;

	slot = doorbell_slot(dev, arg);
	if (slot < 0)
		return slot;
	if (rcu_access_pointer(dev->bindings.notifyfds[slot]))
		return -EEXIST;
	ret = vmdev_bind_check_sink(ctx, &dev->bindings, b->sink.efd);
	if (ret)
		return ret;
	rcu_assign_pointer(dev->bindings.notifyfds[slot], b);
	return 0;
}

/*
 * The binding of efd to arg's doorbell, unpublished, or -errno. A sink
 * has nothing to unhook: step 2 of binding.c is empty.
 */
static void *notifyfd_unpublish(struct vmdev_ctx *ctx,
				struct vmdev_device *dev, const void *req,
				const struct eventfd_ctx *efd)
{
	const struct vmdev_notifyfd *arg = req;
	struct vmdev_notifyfd_binding *b;
	int slot;

	slot = doorbell_slot(dev, arg);
	if (slot < 0)
		return ERR_PTR(slot);
	b = rcu_dereference_protected(dev->bindings.notifyfds[slot],
				      lockdep_is_held(&ctx->lock));
	if (!b || b->sink.efd != efd)
		return ERR_PTR(-ENOENT);
	RCU_INIT_POINTER(dev->bindings.notifyfds[slot], NULL);
	return b;
}

static void notifyfd_free(void *b)
{
	vmdev_notifyfd_free(b);
}

static const struct vmdev_bind_ops notifyfd_ops = {
	.size = sizeof(struct vmdev_notifyfd_binding),
	.take = notifyfd_take,
	.publish = notifyfd_publish,
	.unpublish = notifyfd_unpublish,
	.free = notifyfd_free,
	.rcu_readers = true,	/* deliveries find the sink in its slot */
};

long vmdev_ioctl_notifyfd(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_notifyfd arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_NOTIFYFD_SIZE_VER0, uarg);
	if (ret)
		return ret;
	if (arg.pad)
		return -EINVAL;
	return vmdev_bind_ioctl(ctx, &notifyfd_ops, &arg, arg.id, arg.flags,
				arg.fd);
}
