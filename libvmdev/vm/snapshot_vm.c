// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Snapshots of every register device of a vm at once: a context blob
 * (the core's format) with one section per device, keyed by the device's
 * creation number in its vm (1, 2, ...: the same in both modes, unlike
 * the module's ids), built from the per-device saves of snapshot.c. So a
 * vm saved in one mode restores in the other, into a vm whose devices
 * were created in the same order with the same maps.
 */
#include <pthread.h>

#include <vmdev/snapshot.h>

#include "base/internal.h"
#include "snapshot.h"
#include "snapshot_internal.h"
#include "vm_internal.h"

void vmdev_snap_track(struct vmdev_regdev *rd)
{
	struct vmdev_vm *vm = rd->vm;
	struct vmdev_regdev **p;

	pthread_mutex_lock(&vm->lock);
	rd->snap_id = ++vm->snap_next_id;
	for (p = &vm->snap_devs; *p; p = &(*p)->snap_next)
		;
	*p = rd;
	pthread_mutex_unlock(&vm->lock);
}

void vmdev_snap_untrack(struct vmdev_regdev *rd)
{
	struct vmdev_vm *vm = rd->vm;
	struct vmdev_regdev **p;

	pthread_mutex_lock(&vm->lock);
	for (p = &vm->snap_devs; *p; p = &(*p)->snap_next) {
		if (*p == rd) {
			*p = rd->snap_next;
			break;
		}
	}
	pthread_mutex_unlock(&vm->lock);
}

/* The bound of the vm's blob, or -E2BIG; under vm->lock. */
static int vm_save_size(struct vmdev_vm *vm)
{
	struct vmdev_regdev *rd;
	size_t need = VMDEV_SNAP_HDR_SIZE;
	int n;

	for (rd = vm->snap_devs; rd; rd = rd->snap_next) {
		n = vmdev_snap_save_one(rd, NULL, 0);
		if (n < 0)
			return n;
		need += VMDEV_SNAP_SEC_SIZE + (size_t)n;
		if (need > VMDEV_SNAPSHOT_MAX)
			return vmdev_err(E2BIG);
	}
	return (int)need;
}

static int vm_save(struct vmdev_vm *vm, uint8_t *buf, size_t len)
{
	struct vmdev_regdev *rd;
	size_t pos = VMDEV_SNAP_HDR_SIZE;
	uint32_t nr = 0;
	int n;

	for (rd = vm->snap_devs; rd; rd = rd->snap_next, nr++) {
		n = vmdev_snap_save_one(rd, buf + pos + VMDEV_SNAP_SEC_SIZE,
					len - pos - VMDEV_SNAP_SEC_SIZE);
		if (n < 0)
			return n;
		vmdev_snap_ctx_sec(buf + pos, rd->snap_id, (uint32_t)n);
		pos += VMDEV_SNAP_SEC_SIZE + (size_t)n;
	}
	vmdev_snap_ctx_finish(buf, pos, nr);
	return (int)pos;
}

int vmdev_vm_save(struct vmdev_vm *vm, void *buf, size_t len,
		  const struct vmdev_snapshot_opts *opts)
{
	int ret;

	if (!vm)
		return vmdev_err(EINVAL);
	ret = vmdev_snap_check_opts(opts);
	if (ret)
		return ret;
	pthread_mutex_lock(&vm->lock);
	ret = vm_save_size(vm);
	if (ret >= 0 && buf)
		ret = len < (size_t)ret ? vmdev_err(ENOSPC) :
					  vm_save(vm, buf, len);
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

/*
 * The device of creation number id, searched from *at: sections come by
 * ascending id and the list is in creation order, so a restore walks
 * the list once.
 */
static struct vmdev_regdev *find(struct vmdev_vm *vm, uint32_t id,
				 struct vmdev_regdev **at)
{
	struct vmdev_regdev *rd = *at && (*at)->snap_id <= id ? *at :
				  vm->snap_devs;

	for (; rd && rd->snap_id != id; rd = rd->snap_next)
		;
	*at = rd;
	return rd;
}

/* Every section to its device, validated only or applied. */
static int vm_restore(struct vmdev_vm *vm, const void *blob, size_t len,
		      bool check)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE, dlen;
	struct vmdev_regdev *rd, *at = NULL;
	const void *dblob;
	uint32_t id;
	int ret;

	while ((ret = vmdev_snap_ctx_next(blob, len, &pos, &id, &dblob,
					  &dlen)) > 0) {
		rd = find(vm, id, &at);
		if (!rd)
			return vmdev_err(EMEDIUMTYPE);
		ret = vmdev_snap_restore_one(rd, dblob, dlen, check);
		if (ret)
			return ret;
	}
	return ret ? vmdev_err(-ret) : 0;
}

int vmdev_vm_restore(struct vmdev_vm *vm, const void *blob, size_t len,
		     const struct vmdev_snapshot_opts *opts)
{
	struct vmdev_regdev *rd;
	uint32_t nr, have = 0;
	int ret;

	if (!vm || !blob)
		return vmdev_err(EINVAL);
	ret = vmdev_snap_check_opts(opts);
	if (ret)
		return ret;
	if (len > VMDEV_SNAPSHOT_MAX)
		return vmdev_err(E2BIG);
	ret = vmdev_snap_ctx_check(blob, len, &nr);
	if (ret)
		return vmdev_err(-ret);
	pthread_mutex_lock(&vm->lock);
	for (rd = vm->snap_devs; rd; rd = rd->snap_next)
		have++;
	ret = have == nr ? vm_restore(vm, blob, len, true) :
			   vmdev_err(EMEDIUMTYPE);
	if (!ret)
		ret = vm_restore(vm, blob, len, false);
	pthread_mutex_unlock(&vm->lock);
	return ret;
}
