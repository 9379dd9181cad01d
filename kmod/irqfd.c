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

static int irqfd_take(void *binding, const void *req)
{
	struct vmdev_irqfd_binding *b = binding;
	const struct vmdev_irqfd *arg = req;
	int ret;

	ret = vmdev_sink_init(&b->trigger, arg->fd);
	if (ret || arg->resample_fd == NO_RESAMPLE)
		return ret;
	ret = vmdev_source_get(&b->resample, arg->resample_fd);
	if (ret)
		goto put_trigger;
	b->has_resample = true;
	/* KVM would feed its own EOIs back as interrupts. */
	if (b->resample.efd != b->trigger.efd)
		return 0;
	vmdev_sink_release(&b->trigger);
	vmdev_source_put(&b->resample);
	return -EINVAL;

put_trigger:
	vmdev_sink_release(&b->trigger);
	return ret;
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

/* Bind b to arg's line of dev; under the context's mutex. */
static int irqfd_publish(struct vmdev_ctx *ctx, struct vmdev_device *dev,
			 void *binding, const void *req)
{
	struct vmdev_irqfd_binding *b = binding;
	const struct vmdev_irqfd *arg = req;
	int ret;

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

/* The binding of efd to arg's line, unpublished and unhooked, or -errno. */
static void *irqfd_unpublish(struct vmdev_ctx *ctx, struct vmdev_device *dev,
			     const void *req, const struct eventfd_ctx *efd)
{
	const struct vmdev_irqfd *arg = req;
	struct vmdev_irqfd_binding *b;

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

static void irqfd_free(void *b)
{
	vmdev_irqfd_free(b);
}

static const struct vmdev_bind_ops irqfd_ops = {
	.size = sizeof(struct vmdev_irqfd_binding),
	.take = irqfd_take,
	.publish = irqfd_publish,
	.unpublish = irqfd_unpublish,
	.free = irqfd_free,
	.rcu_readers = true,	/* deliveries find the trigger in its slot */
};

long vmdev_ioctl_irqfd(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_irqfd arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_IRQFD_SIZE_VER0, uarg);
	if (ret)
		return ret;
	return vmdev_bind_ioctl(ctx, &irqfd_ops, &arg, arg.id, arg.flags,
				arg.fd);
}
