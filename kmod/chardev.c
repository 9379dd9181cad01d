// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmdev. Every open creates a context (one VM); every ioctl on the
 * file works on that context only, so contexts are isolated by
 * construction. The node is root-only (0600): granting it to a group is
 * the administrator's choice, with a udev rule (Documentation/module.rst).
 *
 * Commands are matched by type and number only: the size encoded in the
 * command is ignored because each extensible struct carries its own
 * size, which is authoritative (linux/vmdev.h).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/vmdev.h>

#include "chardev.h"
#include "context.h"
#include "ioctl.h"

static const vmdev_ioctl_fn vmdev_ioctls[] = {
	[_IOC_NR(VMDEV_CREATE_DEVICE)] = vmdev_ioctl_create_device,
	[_IOC_NR(VMDEV_DESTROY_DEVICE)] = vmdev_ioctl_destroy_device,
	[_IOC_NR(VMDEV_RESET_DEVICE)] = vmdev_ioctl_reset_device,
	[_IOC_NR(VMDEV_ACCESS)] = vmdev_ioctl_access,
	[_IOC_NR(VMDEV_ACCESS_BATCH)] = vmdev_ioctl_access_batch,
	[_IOC_NR(VMDEV_REG_READ)] = vmdev_ioctl_reg_read,
	[_IOC_NR(VMDEV_REG_WRITE)] = vmdev_ioctl_reg_write,
	[_IOC_NR(VMDEV_FIFO_IO)] = vmdev_ioctl_fifo_io,
	[_IOC_NR(VMDEV_GET_STATS)] = vmdev_ioctl_get_stats,
	[_IOC_NR(VMDEV_RUN)] = vmdev_ioctl_run,
	[_IOC_NR(VMDEV_IRQFD)] = vmdev_ioctl_irqfd,
	[_IOC_NR(VMDEV_IOEVENTFD)] = vmdev_ioctl_ioeventfd,
	[_IOC_NR(VMDEV_NOTIFYFD)] = vmdev_ioctl_notifyfd,
	[_IOC_NR(VMDEV_KVM_ATTACH)] = vmdev_ioctl_kvm_attach,
	[_IOC_NR(VMDEV_GET_LEVEL)] = vmdev_ioctl_get_level,
	[_IOC_NR(VMDEV_SAVE_DEVICE)] = vmdev_ioctl_save_device,
	[_IOC_NR(VMDEV_RESTORE_DEVICE)] = vmdev_ioctl_restore_device,
	[_IOC_NR(VMDEV_SAVE_CONTEXT)] = vmdev_ioctl_save_context,
	[_IOC_NR(VMDEV_RESTORE_CONTEXT)] = vmdev_ioctl_restore_context,
	[_IOC_NR(VMDEV_BATCH)] = vmdev_ioctl_batch,
};

static long vmdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != VMDEV_IOC_MAGIC)
		return -ENOTTY;
	if (nr == _IOC_NR(VMDEV_GET_API_VERSION))
		return VMDEV_API_VERSION;
	if (nr >= ARRAY_SIZE(vmdev_ioctls))
		return -ENOTTY;
	/* nr selects a function pointer: no speculation past the bound. */
	nr = array_index_nospec(nr, ARRAY_SIZE(vmdev_ioctls));
	if (!vmdev_ioctls[nr])
		return -ENOTTY;
	return vmdev_ioctls[nr](file->private_data, (void __user *)arg);
}

static int vmdev_open(struct inode *inode, struct file *file)
{
	struct vmdev_ctx *ctx;

	ctx = vmdev_ctx_create();
	if (!ctx)
		return -ENOMEM;
	/* misc_open() left the miscdevice here; the context replaces it. */
	file->private_data = ctx;
	/* Not seekable: stream_open() makes lseek() fail with ESPIPE. */
	return stream_open(inode, file);
}

static int vmdev_release(struct inode *inode, struct file *file)
{
	vmdev_ctx_destroy(file->private_data);
	return 0;
}

/*
 * .owner pins the module while a context is open: rmmod fails with
 * EBUSY until every file of /dev/vmdev is closed.
 */
static const struct file_operations vmdev_fops = {
	.owner = THIS_MODULE,
	.open = vmdev_open,
	.release = vmdev_release,
	.unlocked_ioctl = vmdev_ioctl,
	/* Every argument has the same layout for 32-bit callers. */
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice vmdev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmdev",
	.fops = &vmdev_fops,
	.mode = 0600,
};

int vmdev_chardev_init(void)
{
	return misc_register(&vmdev_misc);
}

void vmdev_chardev_uninit(void)
{
	misc_deregister(&vmdev_misc);
}
