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
#include <linux/slab.h>
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

/* Bind b to arg's doorbell; under the context's mutex. */
static int notifyfd_publish(struct vmdev_ctx *ctx,
			    struct vmdev_notifyfd_binding *b,
			    const struct vmdev_notifyfd *arg)
{
	struct vmdev_device *dev;
	int slot, ret;

	lockdep_assert_held(&ctx->lock);
	dev = vmdev_bind_find(ctx, arg->id);
	if (!dev)
		return -ENOENT;
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

static int notifyfd_assign(struct vmdev_ctx *ctx,
			   const struct vmdev_notifyfd *arg)
{
	struct vmdev_notifyfd_binding *b;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	ret = vmdev_sink_init(&b->sink, arg->fd);
	if (ret) {
		kfree(b);
		return ret;
	}
	mutex_lock(&ctx->lock);
	ret = notifyfd_publish(ctx, b, arg);
	mutex_unlock(&ctx->lock);
	if (ret)
		vmdev_notifyfd_free(b);
	return ret;
}

/* The binding of efd to arg's doorbell, unpublished, or -errno. */
static struct vmdev_notifyfd_binding *
notifyfd_unpublish(struct vmdev_ctx *ctx, const struct vmdev_notifyfd *arg,
		   const struct eventfd_ctx *efd)
{
	struct vmdev_notifyfd_binding *b;
	struct vmdev_device *dev;
	int slot;

	lockdep_assert_held(&ctx->lock);
	dev = vmdev_bind_find(ctx, arg->id);
	if (!dev)
		return ERR_PTR(-ENOENT);
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

/* A sink has nothing to unhook: teardown steps 1, 3 and 4 of binding.c. */
static int notifyfd_deassign(struct vmdev_ctx *ctx,
			     const struct vmdev_notifyfd *arg)
{
	struct vmdev_notifyfd_binding *b;
	struct eventfd_ctx *efd;

	efd = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(efd))
		return PTR_ERR(efd);
	mutex_lock(&ctx->lock);
	b = notifyfd_unpublish(ctx, arg, efd);
	mutex_unlock(&ctx->lock);
	eventfd_ctx_put(efd);
	if (IS_ERR(b))
		return PTR_ERR(b);
	synchronize_rcu();
	vmdev_notifyfd_free(b);
	return 0;
}

long vmdev_ioctl_notifyfd(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_notifyfd arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_NOTIFYFD_SIZE_VER0, uarg);
	if (ret)
		return ret;
	if (arg.pad || (arg.flags & ~VMDEV_BIND_F_ALL))
		return -EINVAL;
	if (arg.flags & VMDEV_BIND_F_DEASSIGN)
		return notifyfd_deassign(ctx, &arg);
	return notifyfd_assign(ctx, &arg);
}
