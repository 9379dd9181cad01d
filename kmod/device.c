// SPDX-License-Identifier: GPL-2.0
/*
 * Creating and freeing register devices. A create request is copied in
 * with one copy per array (register map, links, interrupt lines,
 * ranges), each bounded by its UAPI limit before anything is allocated;
 * the map is validated and instantiated by the shared core. Below the
 * context (context.c), which adds and removes them, and the ioctls
 * (device_cmd.c), which use both.
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bus.h"
#include "device.h"
#include "objects.h"
#include "uarg.h"

static int check_create(const struct vmdev_create_device *arg)
{
	if (strnlen(arg->name, sizeof(arg->name)) == sizeof(arg->name))
		return -EINVAL;
	if (arg->nr_regs > VMDEV_MAX_REGS || arg->nr_links > VMDEV_MAX_LINKS ||
	    arg->nr_irqs > VMDEV_MAX_IRQS ||
	    arg->nr_ranges > VMDEV_MAX_DEV_RANGES)
		return -E2BIG;
	return 0;
}

static struct vmdev_device *device_alloc(const struct vmdev_create_device *arg)
{
	struct vmdev_device *dev;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	strscpy(dev->name, arg->name, sizeof(dev->name));
	vmdev_obj_inc(VMDEV_OBJ_DEVICES);
	return dev;
}

/* The core device of the request's map. */
static int device_map(struct vmdev_device *dev,
		      const struct vmdev_create_device *arg)
{
	struct vmdev_rdev_desc desc = {
		.flags = arg->flags,
		.dev_size = arg->dev_size,
		.nr_regs = arg->nr_regs,
		.nr_links = arg->nr_links,
		.nr_irqs = arg->nr_irqs,
	};
	struct vmdev_reg *regs;
	struct vmdev_link *links;
	struct vmdev_irq *irqs;
	int ret;

	regs = vmdev_uarg_dup_array(arg->regs, arg->nr_regs, sizeof(*regs));
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	links = vmdev_uarg_dup_array(arg->links, arg->nr_links, sizeof(*links));
	ret = PTR_ERR_OR_ZERO(links);
	if (ret)
		goto free_regs;
	irqs = vmdev_uarg_dup_array(arg->irqs, arg->nr_irqs, sizeof(*irqs));
	ret = PTR_ERR_OR_ZERO(irqs);
	if (ret)
		goto free_links;
	desc.regs = regs;
	desc.links = links;
	desc.irqs = irqs;
	ret = vmdev_rdev_create(&desc, &dev->rdev);
	dev->nr_regs = arg->nr_regs;
	kvfree(irqs);
free_links:
	kvfree(links);
free_regs:
	kvfree(regs);
	return ret;
}

/* The request's ranges, in one copy, validated and put in bus order. */
static int device_ranges(struct vmdev_device *dev,
			 const struct vmdev_create_device *arg)
{
	if (copy_from_user(dev->ranges, u64_to_user_ptr(arg->ranges),
			   arg->nr_ranges * sizeof(*dev->ranges)))
		return -EFAULT;
	dev->nr_ranges = arg->nr_ranges;
	return vmdev_bus_check_ranges(dev->ranges, dev->nr_ranges);
}

struct vmdev_device *vmdev_device_create(const struct vmdev_create_device *arg)
{
	struct vmdev_device *dev;
	int ret;

	ret = check_create(arg);
	if (ret)
		return ERR_PTR(ret);
	dev = device_alloc(arg);
	if (IS_ERR(dev))
		return dev;
	ret = device_ranges(dev, arg);
	if (!ret)
		ret = device_map(dev, arg);
	if (ret) {
		vmdev_device_free(dev);
		return ERR_PTR(ret);
	}
	return dev;
}

void vmdev_device_free(struct vmdev_device *dev)
{
	vmdev_bindings_release(dev);
	if (dev->rdev)
		vmdev_rdev_destroy(dev->rdev);
	kfree(dev);
	vmdev_obj_dec(VMDEV_OBJ_DEVICES);
}
