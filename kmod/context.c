// SPDX-License-Identifier: GPL-2.0
/*
 * Devices enter and leave a context here, under the context's mutex, and
 * become visible or invisible to accesses with one RCU publish of the
 * bus. Adding is all-or-nothing: every check that can fail runs before
 * the device is published. Removing waits for a grace period, so no
 * access still running can touch a device once it is freed.
 */
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "context.h"
#include "device.h"
#include "notify.h"
#include "objects.h"
#include "trace.h"

/* Id 0 is never used, so a zeroed struct never names a device. */
#define VMDEV_ID_LIMIT	XA_LIMIT(1, INT_MAX)

struct vmdev_ctx *vmdev_ctx_create(void)
{
	struct vmdev_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return NULL;
	mutex_init(&ctx->lock);
	xa_init_flags(&ctx->devices, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	atomic64_set(&ctx->unclaimed, 0);
	if (vmdev_nl_ctx_add(ctx)) {
		kfree(ctx);
		return NULL;
	}
	vmdev_obj_inc(VMDEV_OBJ_CONTEXTS);
	return ctx;
}

/*
 * The file's last reference is gone: no ioctl runs and no access can
 * start, so everything is freed at once without waiting for readers.
 */
void vmdev_ctx_destroy(struct vmdev_ctx *ctx)
{
	struct vmdev_device *dev;
	unsigned long id;

	/* Out of observers' sight, then off KVM's bus: no vCPU reaches it. */
	vmdev_nl_ctx_del(ctx);
	vmdev_l3_detach(ctx);
	xa_for_each(&ctx->devices, id, dev)
		vmdev_device_free(dev);
	xa_destroy(&ctx->devices);
	vmdev_bus_destroy(&ctx->bus);
	vmdev_vm_release(&ctx->vm);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	vmdev_obj_dec(VMDEV_OBJ_CONTEXTS);
}

static struct vmdev_bus_table *bus_table(struct vmdev_ctx *ctx)
{
	return rcu_dereference_protected(ctx->bus.table,
					 lockdep_is_held(&ctx->lock));
}

/*
 * Make table the bus that accesses see, with the one store that orders
 * its contents before it (and one per level 3 window, which reads its
 * own copy of the pointer). The previous table is returned for the
 * caller to free once no reader can hold it any more.
 */
static struct vmdev_bus_table *publish(struct vmdev_ctx *ctx,
				       struct vmdev_bus_table *table)
{
	vmdev_l3_publish(ctx, table);
	return rcu_replace_pointer(ctx->bus.table, table,
				   lockdep_is_held(&ctx->lock));
}

static int check_room(struct vmdev_ctx *ctx, const struct vmdev_device *dev)
{
	if (ctx->nr_devices >= VMDEV_MAX_DEVICES ||
	    dev->nr_ranges > VMDEV_MAX_RANGES - ctx->nr_ranges)
		return -ENOSPC;
	return 0;
}

/*
 * Give dev an id, write the id to *uid and publish the device's ranges.
 * The id goes out before anything is visible, so a fault there leaves the
 * context as it was; nothing can fail after the publish.
 */
int vmdev_ctx_add(struct vmdev_ctx *ctx, struct vmdev_device *dev,
		  u32 __user *uid)
{
	struct vmdev_bus_table *table = NULL;
	int ret;

	dev->ctx_id = ctx->nl.id;
	mutex_lock(&ctx->lock);
	ret = check_room(ctx, dev);
	if (ret)
		goto unlock;
	if (dev->nr_ranges) {
		table = vmdev_bus_with(bus_table(ctx), dev->ranges,
				       dev->nr_ranges, dev);
		if (IS_ERR(table)) {
			ret = PTR_ERR(table);
			goto unlock;
		}
	}
	/* A NULL entry reserves the id: lookups see no device there yet. */
	ret = xa_alloc_cyclic(&ctx->devices, &dev->id, NULL, VMDEV_ID_LIMIT,
			      &ctx->next_id, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto free_table;
	if (put_user(dev->id, uid)) {
		ret = -EFAULT;
		goto release_id;
	}
	/* Storing into the reserved slot needs no memory. */
	ret = xa_err(xa_store(&ctx->devices, dev->id, dev, GFP_KERNEL_ACCOUNT));
	if (ret)
		goto release_id;
	if (table) {
		table = publish(ctx, table);
		kvfree_rcu(table, rcu);
		vmdev_l3_sync(ctx);
	}
	ctx->nr_devices++;
	ctx->nr_ranges += dev->nr_ranges;
	vmdev_nl_dev_added(ctx, dev);
	trace_vmdev_device_create(ctx->nl.id, dev->id, dev->name,
				  dev->nr_ranges);
	mutex_unlock(&ctx->lock);
	return 0;

release_id:
	xa_erase(&ctx->devices, dev->id);
free_table:
	kvfree(table);
unlock:
	mutex_unlock(&ctx->lock);
	return ret;
}

/*
 * Unpublish a device and free it once every access and VMM call that
 * may have found it has finished.
 */
int vmdev_ctx_remove(struct vmdev_ctx *ctx, u32 id)
{
	struct vmdev_bus_table *table = NULL;
	struct vmdev_device *dev;

	mutex_lock(&ctx->lock);
	dev = xa_load(&ctx->devices, id);
	if (!dev) {
		mutex_unlock(&ctx->lock);
		return -ENOENT;
	}
	if (dev->nr_ranges) {
		table = vmdev_bus_without(bus_table(ctx), dev, dev->nr_ranges);
		if (IS_ERR(table)) {
			mutex_unlock(&ctx->lock);
			return PTR_ERR(table);
		}
		table = publish(ctx, table);
		vmdev_l3_sync(ctx);
	}
	xa_erase(&ctx->devices, id);
	ctx->nr_devices--;
	ctx->nr_ranges -= dev->nr_ranges;
	vmdev_nl_dev_removed(ctx, dev);
	trace_vmdev_device_destroy(ctx->nl.id, dev->id, dev->name,
				   dev->nr_ranges);
	mutex_unlock(&ctx->lock);

	synchronize_rcu();
	kvfree(table);
	vmdev_device_free(dev);
	return 0;
}

/*
 * Run fn on the device with this id (-ENOENT if there is none) and
 * deliver its events. The VMM's calls find devices locklessly, like
 * accesses: a concurrent destroy waits for them in synchronize_rcu().
 */
int vmdev_ctx_call(struct vmdev_ctx *ctx, u32 id, vmdev_device_fn fn,
		   void *arg)
{
	struct vmdev_rdev_events ev = {};
	struct vmdev_device *dev;
	int ret = -ENOENT;

	rcu_read_lock();
	dev = xa_load(&ctx->devices, id);
	if (dev) {
		ret = fn(dev, arg, &ev);
		vmdev_notify(dev, &ev);
	}
	rcu_read_unlock();
	return ret;
}
