// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Register-device snapshots, the front end: the module's ioctls in kernel
 * mode, the shared core in user mode, so the blobs are the same bytes
 * (libvmdev/core/snapshot.c writes them in both).
 */
#include <stdlib.h>
#include <sys/ioctl.h>

#include <vmdev/snapshot.h>

#include "base/internal.h"
#include "snapshot.h"
#include "snapshot_internal.h"
#include "vm_internal.h"

int vmdev_snap_check_opts(const struct vmdev_snapshot_opts *opts,
			  bool resources)
{
	if (VMDEV_OPTS_CHECK(opts, resources))
		return -EINVAL;
	if (!resources && VMDEV_OPT(opts, resources, NULL))
		return vmdev_err(EINVAL);
	return VMDEV_OPT(opts, flags, 0) ? vmdev_err(EINVAL) : 0;
}

static int ctx_ioctl(struct vmdev_regdev *rd, unsigned long cmd,
		     struct vmdev_snapshot *s)
{
	return ioctl(rd->vm->ctx_fd, cmd, s) < 0 ? vmdev_err(errno) : 0;
}

static int kernel_save(struct vmdev_regdev *rd, void *buf, size_t len)
{
	struct vmdev_snapshot s = {
		.size = sizeof(s), .id = rd->kid, .buf = (uintptr_t)buf,
		.len = len > VMDEV_SNAPSHOT_MAX ? VMDEV_SNAPSHOT_MAX :
						  (uint32_t)len,
	};
	int ret = ctx_ioctl(rd, VMDEV_SAVE_DEVICE, &s);

	return ret ? ret : (int)s.len;
}

static int user_save(struct vmdev_regdev *rd, void *buf, size_t len)
{
	long n;

	if (!buf)
		return (int)vmdev_rdev_save_size(rd->rdev);
	n = vmdev_rdev_save(rd->rdev, buf, len);
	return n < 0 ? vmdev_err((int)-n) : (int)n;
}

int vmdev_snap_save_one(struct vmdev_regdev *rd, void *buf, size_t len)
{
	if (rd->vm->mode == VMDEV_VM_KERNEL)
		return kernel_save(rd, buf, len);
	return user_save(rd, buf, len);
}

int vmdev_regdev_save(struct vmdev_regdev *rd, void *buf, size_t len,
		      const struct vmdev_snapshot_opts *opts)
{
	int ret;

	if (!rd)
		return vmdev_err(EINVAL);
	ret = vmdev_snap_check_opts(opts, false);
	if (ret)
		return ret;
	return vmdev_snap_save_one(rd, buf, len);
}

static int kernel_restore(struct vmdev_regdev *rd, const void *blob,
			  size_t len, bool check)
{
	struct vmdev_snapshot s = {
		.size = sizeof(s), .id = rd->kid, .buf = (uintptr_t)blob,
		.len = (uint32_t)len,
		.flags = check ? VMDEV_SNAPSHOT_F_CHECK : 0,
	};

	return ctx_ioctl(rd, VMDEV_RESTORE_DEVICE, &s);
}

static int user_restore(struct vmdev_regdev *rd, const void *blob,
			size_t len, bool check)
{
	struct vmdev_rdev_events ev;
	void *scratch;
	int ret;

	scratch = malloc(vmdev_rdev_restore_scratch_size(rd->rdev));
	if (!scratch)
		return vmdev_err(ENOMEM);
	if (check)
		ret = vmdev_rdev_restore_check(rd->rdev, blob, len, scratch);
	else
		ret = vmdev_rdev_restore(rd->rdev, blob, len, scratch, &ev);
	free(scratch);
	if (ret)
		return vmdev_err(-ret);
	if (!check)
		vmdev_regdev_user_deliver(rd, &ev);
	return 0;
}

int vmdev_snap_restore_one(struct vmdev_regdev *rd, const void *blob,
			   size_t len, bool check)
{
	if (rd->vm->mode == VMDEV_VM_KERNEL)
		return kernel_restore(rd, blob, len, check);
	return user_restore(rd, blob, len, check);
}

int vmdev_regdev_restore(struct vmdev_regdev *rd, const void *blob,
			 size_t len, const struct vmdev_snapshot_opts *opts)
{
	int ret;

	if (!rd || !blob)
		return vmdev_err(EINVAL);
	ret = vmdev_snap_check_opts(opts, false);
	if (ret)
		return ret;
	/* Both modes: the module's bound, checked before any copy. */
	if (len > VMDEV_SNAPSHOT_MAX)
		return vmdev_err(E2BIG);
	return vmdev_snap_restore_one(rd, blob, len, false);
}
