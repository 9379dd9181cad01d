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

/*
 * The device of the request's map: the core's device with ours in front
 * of it, in one allocation, so that a guest access touches one
 * (fast-path.rst, "What level 3 costs").
 */
static struct vmdev_device *device_map(const struct vmdev_create_device *arg)
{
	struct vmdev_rdev_desc desc = {
		.flags = arg->flags,
		.dev_size = arg->dev_size,
		.nr_regs = arg->nr_regs,
		.nr_links = arg->nr_links,
		.nr_irqs = arg->nr_irqs,
	};
	struct vmdev_device *dev = NULL;
	struct vmdev_rdev *rdev;
	struct vmdev_reg *regs;
	struct vmdev_link *links;
	struct vmdev_irq *irqs;
	void *head;
	int ret;

	regs = vmdev_uarg_dup_array(arg->regs, arg->nr_regs, sizeof(*regs));
	if (IS_ERR(regs))
		return ERR_CAST(regs);
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
	ret = vmdev_rdev_create_with_head(&desc, sizeof(*dev), &head, &rdev);
	if (!ret) {
		dev = head;
		dev->rdev = rdev;
		dev->nr_regs = arg->nr_regs;
	}
	kvfree(irqs);
free_links:
	kvfree(links);
free_regs:
	kvfree(regs);
	return ret ? ERR_PTR(ret) : dev;
}

/* The request's ranges, in one copy, validated and put in bus order. */
static int device_ranges(struct vmdev_range *ranges,
			 const struct vmdev_create_device *arg)
{
	if (copy_from_user(ranges, u64_to_user_ptr(arg->ranges),
			   arg->nr_ranges * sizeof(*ranges)))
		return -EFAULT;
	return vmdev_bus_check_ranges(ranges, arg->nr_ranges);
}

struct vmdev_device *vmdev_device_create(const struct vmdev_create_device *arg)
{
	struct vmdev_range ranges[VMDEV_MAX_DEV_RANGES];
	struct vmdev_device *dev;
	int ret;

	ret = check_create(arg);
	if (ret)
		return ERR_PTR(ret);
	/* The ranges first, checked before anything is allocated. */
	ret = device_ranges(ranges, arg);
	if (ret)
		return ERR_PTR(ret);
	dev = device_map(arg);
	if (IS_ERR(dev))
		return dev;
	strscpy(dev->name, arg->name, sizeof(dev->name));
	memcpy(dev->ranges, ranges, arg->nr_ranges * sizeof(*ranges));
	dev->nr_ranges = arg->nr_ranges;
	vmdev_obj_inc(VMDEV_OBJ_DEVICES);
	return dev;
}

void vmdev_device_free(struct vmdev_device *dev)
{
	vmdev_bindings_release(dev);
	vmdev_obj_dec(VMDEV_OBJ_DEVICES);
	vmdev_rdev_destroy(dev->rdev);	/* dev's memory with it */
}
