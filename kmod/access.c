// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_ACCESS and VMDEV_ACCESS_BATCH: the VMM hands guest accesses
 * (from its exits, or from KVM's coalesced ring) to the in-kernel bus.
 * A batch is copied in once, run in order and stops at the first access
 * the kernel does not complete, so the VMM can handle that one and
 * resubmit the rest without reordering guest accesses.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmdev.h>

#include "dispatch.h"
#include "ioctl.h"
#include "uarg.h"

/* struct vmdev_access has no size field: it is fixed, like an exit. */
static int access_one(struct vmdev_ctx *ctx, struct vmdev_access *a)
{
	int ret;

	if (a->pad || a->dir > VMDEV_DIR_WRITE)
		return -EINVAL;
	ret = vmdev_dispatch(ctx, a->space, a->addr, a->len,
			     a->dir == VMDEV_DIR_WRITE, &a->data);
	if (ret < 0)
		return ret;
	a->result = ret;
	return 0;
}

long vmdev_ioctl_access(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_access a;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	ret = access_one(ctx, &a);
	if (ret)
		return ret;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

/* Run entries in order up to the first one not completed; 0 or -errno. */
static int run_batch(struct vmdev_ctx *ctx, struct vmdev_access *e,
		     u32 count, u32 *done)
{
	int ret = 0;
	u32 i;

	for (i = 0; i < count; i++) {
		ret = access_one(ctx, &e[i]);
		if (ret || e[i].result != VMDEV_RESULT_DONE)
			break;
	}
	*done = i;
	return ret;
}

/*
 * The accesses that ran have changed device state whatever happens next,
 * so their results and `done` are written back even when an entry fails:
 * the completed entries, plus the one the VMM must handle if the batch
 * stopped at a slow-path access.
 */
static int write_back(void __user *uarg, struct vmdev_access_batch *arg,
		      const struct vmdev_access *e, bool stopped_slow)
{
	u32 n = arg->done + stopped_slow;

	if (copy_to_user(u64_to_user_ptr(arg->entries), e, n * sizeof(*e)))
		return -EFAULT;
	return vmdev_uarg_put(uarg, arg);
}

long vmdev_ioctl_access_batch(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_access_batch arg;
	struct vmdev_access *e;
	int ret, wret;

	ret = vmdev_uarg_get(&arg, VMDEV_ACCESS_BATCH_SIZE_VER0, uarg);
	if (ret)
		return ret;
	if (arg.pad || !arg.count)
		return -EINVAL;
	if (arg.count > VMDEV_MAX_BATCH)
		return -E2BIG;
	e = vmdev_uarg_dup_array(arg.entries, arg.count, sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	ret = run_batch(ctx, e, arg.count, &arg.done);
	wret = write_back(uarg, &arg, e, !ret && arg.done < arg.count);
	kvfree(e);
	return ret ? ret : wret;
}
