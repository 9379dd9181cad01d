// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM side of register devices: raw register state (VMDEV_REG_READ,
 * VMDEV_REG_WRITE) and FIFO registers (VMDEV_FIFO_IO: drain what the
 * guest transmitted, fill what it will receive). Devices are found under
 * RCU like accesses; user memory is only touched outside that section,
 * through a bounce buffer, never under the device's raw spinlock.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmdev.h>

#include "context.h"
#include "device.h"
#include "ioctl.h"
#include "uarg.h"

/* Largest register, hence largest FIFO entry, in bytes. */
#define VMDEV_MAX_WIDTH	8

static int get_reg_io(struct vmdev_reg_io *arg, void __user *uarg)
{
	int ret;

	ret = vmdev_uarg_get(arg, VMDEV_REG_IO_SIZE_VER0, uarg);
	if (ret)
		return ret;
	return arg->pad ? -EINVAL : 0;
}

static int reg_read(struct vmdev_device *dev, void *arg,
		    struct vmdev_rdev_events *ev)
{
	struct vmdev_reg_io *io = arg;

	return vmdev_rdev_reg_read(dev->rdev, io->reg, &io->value);
}

static int reg_write(struct vmdev_device *dev, void *arg,
		     struct vmdev_rdev_events *ev)
{
	struct vmdev_reg_io *io = arg;

	return vmdev_rdev_reg_write(dev->rdev, io->reg, io->value, ev);
}

long vmdev_ioctl_reg_read(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_reg_io arg;
	int ret;

	ret = get_reg_io(&arg, uarg);
	if (!ret)
		ret = vmdev_ctx_call(ctx, arg.id, reg_read, &arg);
	if (!ret)
		ret = vmdev_uarg_put(uarg, &arg);
	return ret;
}

long vmdev_ioctl_reg_write(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_reg_io arg;
	int ret;

	ret = get_reg_io(&arg, uarg);
	if (!ret)
		ret = vmdev_ctx_call(ctx, arg.id, reg_write, &arg);
	return ret;
}

/* A FIFO operation on the bounce buffer; io->done is its result. */
struct fifo_op {
	struct vmdev_fifo_io *io;
	void *buf;
	u32 width;		/* entry size the buffer was filled with */
};

static int fifo_width(struct vmdev_device *dev, void *arg,
		      struct vmdev_rdev_events *ev)
{
	struct fifo_op *op = arg;

	op->width = vmdev_rdev_reg_width(dev->rdev, op->io->reg);
	return op->width ? 0 : -ENOENT;
}

static int fifo_move(struct vmdev_device *dev, void *arg,
		     struct vmdev_rdev_events *ev)
{
	struct fifo_op *op = arg;
	struct vmdev_fifo_io *io = op->io;
	u32 width = op->width;
	int ret;

	/*
	 * The id may name another device than when the buffer was filled
	 * (destroyed, and its id reused after the allocator wrapped): only
	 * the width matters to the buffer, which holds entries of any width.
	 */
	ret = fifo_width(dev, arg, ev);
	if (ret)
		return ret;
	if (op->width != width)
		return -ENOENT;
	if (io->op == VMDEV_FIFO_DRAIN)
		ret = vmdev_rdev_fifo_drain(dev->rdev, io->reg, op->buf,
					    io->count, ev);
	else
		ret = vmdev_rdev_fifo_fill(dev->rdev, io->reg, op->buf,
					   io->count, ev);
	if (ret < 0)
		return ret;
	io->done = ret;
	return 0;
}

static int check_fifo_io(const struct vmdev_fifo_io *io)
{
	if (io->op > VMDEV_FIFO_FILL || !io->count)
		return -EINVAL;
	return io->count > VMDEV_MAX_FIFO ? -E2BIG : 0;
}

/*
 * Filling copies the entries in before the device is touched; draining
 * copies them out after. Entries drained are gone from the FIFO even if
 * that last copy faults (-EFAULT).
 */
static int fifo_io(struct vmdev_ctx *ctx, struct fifo_op *op)
{
	struct vmdev_fifo_io *io = op->io;
	void __user *ubuf = u64_to_user_ptr(io->buf);
	int ret;

	ret = vmdev_ctx_call(ctx, io->id, fifo_width, op);
	if (ret)
		return ret;
	if (io->op == VMDEV_FIFO_FILL &&
	    copy_from_user(op->buf, ubuf, (size_t)io->count * op->width))
		return -EFAULT;
	ret = vmdev_ctx_call(ctx, io->id, fifo_move, op);
	if (ret)
		return ret;
	if (io->op == VMDEV_FIFO_DRAIN &&
	    copy_to_user(ubuf, op->buf, (size_t)io->done * op->width))
		return -EFAULT;
	return 0;
}

long vmdev_ioctl_fifo_io(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_fifo_io arg;
	struct fifo_op op = { .io = &arg };
	int ret;

	ret = vmdev_uarg_get(&arg, VMDEV_FIFO_IO_SIZE_VER0, uarg);
	if (!ret)
		ret = check_fifo_io(&arg);
	if (ret)
		return ret;
	op.buf = kvmalloc_array(arg.count, VMDEV_MAX_WIDTH, GFP_KERNEL_ACCOUNT);
	if (!op.buf)
		return -ENOMEM;
	ret = fifo_io(ctx, &op);
	kvfree(op.buf);
	if (ret)
		return ret;
	return vmdev_uarg_put(uarg, &arg);
}
