// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_IRQFD: an interrupt line of a device drives an eventfd that the
 * VMM registers as a KVM irqfd, so device interrupts reach the guest
 * without the VMM.
 *
 * Edge lines signal once per rising edge: KVM pulses the GSI. Level
 * lines signal when they rise; KVM then holds the GSI until the guest's
 * EOI, lowers it and signals the irqfd's resample eventfd, which this
 * module hooks: if the device still asserts the line, the trigger is
 * signalled again, so a level interrupt keeps firing until the guest
 * clears its cause. A line already asserted when bound is signalled at
 * once, so no assertion is lost to the order of set-up calls.
 */
#include <linux/eventfd.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmdev.h>

#include "binding.h"
#include "context.h"
#include "device.h"
#include "ioctl.h"
#include "notify.h"
#include "trace.h"
#include "uarg.h"

/* First version of struct vmdev_irqfd (rules in linux/vmdev.h). */
#define VMDEV_IRQFD_SIZE_VER0	offsetofend(struct vmdev_irqfd, resample_fd)

/* resample_fd of a line bound without one. */
#define NO_RESAMPLE		(-1)

/*
 * The guest EOId the line (KVM lowered its GSI): re-fire it if the
 * device still asserts it. Several EOIs consumed at once are one look
 * at the line.
 */
static void resample(struct vmdev_source *src, u64 count)
{
	struct vmdev_irqfd_binding *b =
		container_of(src, struct vmdev_irqfd_binding, resample);
	bool asserted = vmdev_rdev_irq_asserted(b->dev->rdev, b->line);

	trace_vmdev_irq_resample(b->dev->ctx_id, b->dev->id, b->line,
				 asserted);
	if (!asserted)
		return;
	atomic64_inc(&b->dev->stats.resampled);
	rcu_read_lock();
	vmdev_notify_line(b->dev, b->line, true);
	rcu_read_unlock();
}

static struct vmdev_irqfd_binding *irqfd_get(const struct vmdev_irqfd *arg)
{
	struct vmdev_irqfd_binding *b;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return ERR_PTR(-ENOMEM);
	ret = vmdev_sink_init(&b->trigger, arg->fd);
	if (ret)
		goto free;
	if (arg->resample_fd != NO_RESAMPLE) {
		ret = vmdev_source_get(&b->resample, arg->resample_fd);
		if (ret)
			goto put_trigger;
		b->has_resample = true;
		/* KVM would feed its own EOIs back as interrupts. */
		if (b->resample.efd == b->trigger.efd) {
			vmdev_irqfd_free(b);
			return ERR_PTR(-EINVAL);
		}
	}
	return b;

put_trigger:
	vmdev_sink_release(&b->trigger);
free:
	kfree(b);
	return ERR_PTR(ret);
}

/* Whether b may be bound to line of dev; under the context's mutex. */
static int irqfd_check(struct vmdev_ctx *ctx, struct vmdev_device *dev,
		       const struct vmdev_irqfd_binding *b, u32 line)
{
	struct vmdev_bindings *set = &dev->bindings;
	int ret;

	if (line >= vmdev_rdev_nr_irqs(dev->rdev))
		return -EINVAL;
	if (b->has_resample &&
	    !(vmdev_rdev_irq_flags(dev->rdev, line) & VMDEV_IRQ_F_LEVEL))
		return -EINVAL;
	if (rcu_access_pointer(set->irqfds[line]))
		return -EEXIST;
	ret = vmdev_bind_check_sink(ctx, set, b->trigger.efd);
	if (!ret && b->has_resample)
		ret = vmdev_bind_check_source(ctx, set, b->resample.efd);
	return ret;
}

/*
 * Bind b to arg's line; under the context's mutex, which also keeps the
 * device alive (a destroy takes it before anything else).
 */
static int irqfd_publish(struct vmdev_ctx *ctx, struct vmdev_irqfd_binding *b,
			 const struct vmdev_irqfd *arg)
{
	struct vmdev_device *dev;
	int ret;

	lockdep_assert_held(&ctx->lock);
	dev = vmdev_bind_find(ctx, arg->id);
	if (!dev)
		return -ENOENT;
	ret = irqfd_check(ctx, dev, b, arg->line);
	if (ret)
		return ret;
	b->dev = dev;
	b->line = arg->line;
	/* An EOI already pending changes nothing: the line is looked at below. */
	if (b->has_resample)
		vmdev_source_install(&b->resample, resample);
	rcu_assign_pointer(dev->bindings.irqfds[b->line], b);
	/* From here every rise is signalled; one that came before is too. */
	if (vmdev_rdev_irq_asserted(dev->rdev, b->line)) {
		rcu_read_lock();
		vmdev_notify_line(dev, b->line, false);
		rcu_read_unlock();
	}
	return 0;
}

static int irqfd_assign(struct vmdev_ctx *ctx, const struct vmdev_irqfd *arg)
{
	struct vmdev_irqfd_binding *b;
	int ret;

	b = irqfd_get(arg);
	if (IS_ERR(b))
		return PTR_ERR(b);
	mutex_lock(&ctx->lock);
	ret = irqfd_publish(ctx, b, arg);
	mutex_unlock(&ctx->lock);
	if (ret)
		vmdev_irqfd_free(b);
	return ret;
}

/* The binding of fd to arg's line, unpublished and unhooked, or -errno. */
static struct vmdev_irqfd_binding *
irqfd_unpublish(struct vmdev_ctx *ctx, const struct vmdev_irqfd *arg,
		const struct eventfd_ctx *efd)
{
	struct vmdev_irqfd_binding *b;
	struct vmdev_device *dev;

	lockdep_assert_held(&ctx->lock);
	dev = vmdev_bind_find(ctx, arg->id);
	if (!dev)
		return ERR_PTR(-ENOENT);
	if (arg->line >= vmdev_rdev_nr_irqs(dev->rdev))
		return ERR_PTR(-EINVAL);
	b = rcu_dereference_protected(dev->bindings.irqfds[arg->line],
				      lockdep_is_held(&ctx->lock));
	if (!b || b->trigger.efd != efd)
		return ERR_PTR(-ENOENT);
	RCU_INIT_POINTER(dev->bindings.irqfds[arg->line], NULL);
	/* Before the mutex goes: the resample wakeup reads the device. */
	vmdev_irqfd_unhook(b);
	return b;
}

/* Teardown steps 1 to 4 of binding.c for one line. */
static int irqfd_deassign(struct vmdev_ctx *ctx, const struct vmdev_irqfd *arg)
{
	struct vmdev_irqfd_binding *b;
	struct eventfd_ctx *efd;

	efd = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(efd))
		return PTR_ERR(efd);
	mutex_lock(&ctx->lock);
	b = irqfd_unpublish(ctx, arg, efd);
	mutex_unlock(&ctx->lock);
	eventfd_ctx_put(efd);
	if (IS_ERR(b))
		return PTR_ERR(b);
	synchronize_rcu();
	vmdev_irqfd_free(b);
	return 0;
}

long vmdev_ioctl_irqfd(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_irqfd arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_IRQFD_SIZE_VER0, uarg);
	if (ret)
		return ret;
	if (arg.flags & ~VMDEV_BIND_F_ALL)
		return -EINVAL;
	if (arg.flags & VMDEV_BIND_F_DEASSIGN)
		return irqfd_deassign(ctx, &arg);
	return irqfd_assign(ctx, &arg);
}
