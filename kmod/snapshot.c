// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of register devices (Documentation/snapshot.rst): save and
 * restore one device (VMDEV_SAVE_DEVICE, VMDEV_RESTORE_DEVICE) or every
 * device of the context (VMDEV_SAVE_CONTEXT, VMDEV_RESTORE_CONTEXT). The
 * blob is the shared core's (libvmdev/core/snapshot.c), the same bytes
 * libvmdev's user mode writes.
 *
 * User memory is touched only outside the device lock and RCU sections:
 * a save goes to a kernel buffer and is copied out after; a restore is
 * copied in once, bounded by VMDEV_SNAPSHOT_MAX, then validated and
 * applied from that copy.
 */
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmdev.h>

#include "context.h"
#include "device.h"
#include "ioctl.h"
#include "notify.h"
#include "snapshot.h"
#include "uarg.h"

#define VMDEV_SNAPSHOT_SIZE_VER0	offsetofend(struct vmdev_snapshot, flags)

/* A device operation's argument: a kernel buffer and what it holds. */
struct snap_op {
	void *buf;
	size_t len;
	void *scratch;
	bool check;		/* restore: validate only */
	long ret;		/* save: bytes written */
};

/* Flags: VMDEV_SNAPSHOT_F_CHECK for restores, none for saves. */
static int get_snapshot(struct vmdev_snapshot *arg, void __user *uarg,
			bool ctx, bool restore)
{
	u32 known = restore ? VMDEV_SNAPSHOT_F_CHECK : 0;
	int ret;

	ret = vmdev_uarg_get(arg, VMDEV_SNAPSHOT_SIZE_VER0, uarg);
	if (ret)
		return ret;
	if ((arg->flags & ~known) || (ctx && arg->id))
		return -EINVAL;
	return 0;
}

/*
 * A size query (buf 0) or a buffer too small: len says what is needed,
 * and userspace learns it even from -ENOSPC.
 */
static int answer_size(void __user *uarg, struct vmdev_snapshot *arg,
		       size_t need)
{
	bool query = !arg->buf;
	int ret;

	arg->len = (u32)need;
	ret = vmdev_uarg_put(uarg, arg);
	if (ret)
		return ret;
	return query ? 0 : -ENOSPC;
}

static int copy_blob_out(void __user *uarg, struct vmdev_snapshot *arg,
			 const void *buf, size_t len)
{
	if (copy_to_user(u64_to_user_ptr(arg->buf), buf, len))
		return -EFAULT;
	arg->len = (u32)len;
	return vmdev_uarg_put(uarg, arg);
}

static int save_size(struct vmdev_device *dev, void *arg,
		     struct vmdev_rdev_events *ev)
{
	struct snap_op *op = arg;

	op->len = vmdev_rdev_save_size(dev->rdev);
	return 0;
}

static int save_one(struct vmdev_device *dev, void *arg,
		    struct vmdev_rdev_events *ev)
{
	struct snap_op *op = arg;

	op->ret = vmdev_rdev_save(dev->rdev, op->buf, op->len);
	/* Not the device sized before: its id was reused meanwhile. */
	return op->ret < 0 ? -ENOENT : 0;
}

long vmdev_ioctl_save_device(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_snapshot arg;
	struct snap_op op = {};
	int ret;

	ret = get_snapshot(&arg, uarg, false, false);
	if (!ret)
		ret = vmdev_ctx_call(ctx, arg.id, save_size, &op);
	if (ret)
		return ret;
	if (!arg.buf || arg.len < op.len)
		return answer_size(uarg, &arg, op.len);
	op.buf = kvmalloc(op.len, GFP_KERNEL_ACCOUNT);
	if (!op.buf)
		return -ENOMEM;
	ret = vmdev_ctx_call(ctx, arg.id, save_one, &op);
	if (!ret)
		ret = copy_blob_out(uarg, &arg, op.buf, op.ret);
	kvfree(op.buf);
	return ret;
}

/*
 * The blob, copied in once (charged to the caller's memory cgroup);
 * ERR_PTR on a bad length, no memory or a fault.
 */
static void *blob_in(const struct vmdev_snapshot *arg)
{
	void *blob;

	if (!arg->len)
		return ERR_PTR(-EBADMSG);
	if (arg->len > VMDEV_SNAPSHOT_MAX)
		return ERR_PTR(-E2BIG);
	blob = kvmalloc(arg->len, GFP_KERNEL_ACCOUNT);
	if (!blob)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(blob, u64_to_user_ptr(arg->buf), arg->len)) {
		kvfree(blob);
		return ERR_PTR(-EFAULT);
	}
	return blob;
}

static int restore_one(struct vmdev_device *dev, void *arg,
		       struct vmdev_rdev_events *ev)
{
	struct snap_op *op = arg;

	if (op->check)
		return vmdev_rdev_restore_check(dev->rdev, op->buf, op->len,
						op->scratch);
	return vmdev_rdev_restore(dev->rdev, op->buf, op->len, op->scratch,
				  ev);
}

long vmdev_ioctl_restore_device(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_snapshot arg;
	struct snap_op op = {};
	int ret;

	ret = get_snapshot(&arg, uarg, false, true);
	if (ret)
		return ret;
	op.buf = blob_in(&arg);
	if (IS_ERR(op.buf))
		return PTR_ERR(op.buf);
	op.len = arg.len;
	op.check = arg.flags & VMDEV_SNAPSHOT_F_CHECK;
	op.scratch = kvmalloc(vmdev_rdev_restore_scratch_max(),
			      GFP_KERNEL_ACCOUNT);
	ret = op.scratch ? vmdev_ctx_call(ctx, arg.id, restore_one, &op) :
			   -ENOMEM;
	kvfree(op.scratch);
	kvfree(op.buf);
	return ret;
}

/* Bytes the context's blob takes at most, or -E2BIG; under ctx->lock. */
static long ctx_save_size(struct vmdev_ctx *ctx)
{
	struct vmdev_device *dev;
	unsigned long id;
	size_t need = VMDEV_SNAP_HDR_SIZE;

	xa_for_each(&ctx->devices, id, dev) {
		need += VMDEV_SNAP_SEC_SIZE + vmdev_rdev_save_size(dev->rdev);
		if (need > VMDEV_SNAPSHOT_MAX)
			return -E2BIG;
	}
	return (long)need;
}

/* Every device by ascending id, each in one section of its lock. */
static long ctx_save(struct vmdev_ctx *ctx, void *buf, size_t len)
{
	struct vmdev_device *dev;
	unsigned long id;
	long pos = VMDEV_SNAP_HDR_SIZE;
	u32 nr = 0;

	xa_for_each(&ctx->devices, id, dev) {
		pos = vmdev_snap_ctx_add(buf, len, pos, dev->id, dev->rdev);
		if (pos < 0)
			return pos;
		nr++;
	}
	vmdev_snap_ctx_finish(buf, pos, nr);
	return pos;
}

/*
 * The device set cannot change while ctx->lock is held: the blob holds
 * exactly the devices of one instant, each consistent on its own (see
 * the documentation for what pausing the vCPUs adds).
 */
long vmdev_ioctl_save_context(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_snapshot arg;
	void *buf = NULL;
	long need, n;
	int ret;

	ret = get_snapshot(&arg, uarg, true, false);
	if (ret)
		return ret;
	mutex_lock(&ctx->lock);
	need = ctx_save_size(ctx);
	if (need < 0 || !arg.buf || arg.len < need) {
		mutex_unlock(&ctx->lock);
		return need < 0 ? need : answer_size(uarg, &arg, need);
	}
	buf = kvmalloc(need, GFP_KERNEL_ACCOUNT);
	n = buf ? ctx_save(ctx, buf, need) : -ENOMEM;
	mutex_unlock(&ctx->lock);
	ret = n < 0 ? n : copy_blob_out(uarg, &arg, buf, n);
	kvfree(buf);
	return ret;
}

/*
 * The blob's devices must be exactly the context's, each blob valid for
 * its device; -EMEDIUMTYPE for another set of devices. Under ctx->lock.
 */
static int ctx_restore_check(struct vmdev_ctx *ctx, const void *blob,
			     size_t len, void *scratch)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE, dlen;
	struct vmdev_device *dev;
	const void *dblob;
	u32 nr, id;
	int ret;

	ret = vmdev_snap_ctx_check(blob, len, &nr);
	if (ret)
		return ret;
	if (nr != ctx->nr_devices)
		return -EMEDIUMTYPE;
	while ((ret = vmdev_snap_ctx_next(blob, len, &pos, &id, &dblob,
					  &dlen)) > 0) {
		dev = xa_load(&ctx->devices, id);
		if (!dev)
			return -EMEDIUMTYPE;
		ret = vmdev_rdev_restore_check(dev->rdev, dblob, dlen, scratch);
		if (ret)
			return ret;
	}
	return ret;
}

/*
 * Every device validated, then each applied (which cannot fail after
 * the check: maps are immutable and the device set is held still) and
 * its lines delivered, as vmdev_ctx_call() does.
 */
static int ctx_restore(struct vmdev_ctx *ctx, const void *blob, size_t len,
		       void *scratch, bool check)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE, dlen;
	struct vmdev_rdev_events ev;
	struct vmdev_device *dev;
	const void *dblob;
	u32 id;
	int ret;

	ret = ctx_restore_check(ctx, blob, len, scratch);
	if (ret || check)
		return ret;
	while ((ret = vmdev_snap_ctx_next(blob, len, &pos, &id, &dblob,
					  &dlen)) > 0) {
		rcu_read_lock();
		dev = xa_load(&ctx->devices, id);
		ret = vmdev_rdev_restore(dev->rdev, dblob, dlen, scratch, &ev);
		if (!ret)
			vmdev_notify(dev, &ev);
		rcu_read_unlock();
		if (ret)
			return ret;
	}
	return ret;
}

long vmdev_ioctl_restore_context(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_snapshot arg;
	void *blob, *scratch;
	int ret;

	ret = get_snapshot(&arg, uarg, true, true);
	if (ret)
		return ret;
	blob = blob_in(&arg);
	if (IS_ERR(blob))
		return PTR_ERR(blob);
	scratch = kvmalloc(vmdev_rdev_restore_scratch_max(),
			   GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (scratch) {
		mutex_lock(&ctx->lock);
		ret = ctx_restore(ctx, blob, arg.len, scratch,
				  arg.flags & VMDEV_SNAPSHOT_F_CHECK);
		mutex_unlock(&ctx->lock);
	}
	kvfree(scratch);
	kvfree(blob);
	return ret;
}
