// SPDX-License-Identifier: GPL-2.0
/*
 * The device ioctls: create (a device built by device.c, then added to
 * the context by context.c), destroy and reset.
 */
#include "context.h"
#include "device.h"
#include "ioctl.h"
#include "uarg.h"

long vmdev_ioctl_create_device(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_create_device __user *ucreate = uarg;
	struct vmdev_create_device arg;
	struct vmdev_device *dev;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_CREATE_DEVICE_SIZE_VER0, uarg);
	if (ret)
		return ret;
	dev = vmdev_device_create(&arg);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	/* id is the only output, and every version of the struct holds it. */
	ret = vmdev_ctx_add(ctx, dev, &ucreate->id);
	if (ret)
		vmdev_device_free(dev);
	return ret;
}

long vmdev_ioctl_destroy_device(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_device_id arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_DEVICE_ID_SIZE_VER0, uarg);
	if (ret)
		return ret;
	return vmdev_ctx_remove(ctx, arg.id);
}

static int reset(struct vmdev_device *dev, void *arg,
		 struct vmdev_rdev_events *ev)
{
	vmdev_rdev_reset(dev->rdev, ev);
	return 0;
}

long vmdev_ioctl_reset_device(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_device_id arg;
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_DEVICE_ID_SIZE_VER0, uarg);
	if (ret)
		return ret;
	ret = vmdev_ctx_call(ctx, arg.id, reset, NULL);
	if (!ret)
		vmdev_nl_dev_reset(ctx, arg.id);
	return ret;
}
