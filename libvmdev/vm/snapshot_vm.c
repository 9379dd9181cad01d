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

/* The register devices' sections: their bound, or -E2BIG. */
static long regdevs_bound(struct vmdev_vm *vm)
{
	struct vmdev_regdev *rd;
	size_t need = 0;
	int n;

	for (rd = vm->snap_devs; rd; rd = rd->snap_next) {
		n = vmdev_snap_save_one(rd, NULL, 0);
		if (n < 0)
			return n;
		need += VMDEV_SNAP_SEC_SIZE + (size_t)n;
		if (need > VMDEV_SNAPSHOT_MAX)
			return -E2BIG;
	}
	return (long)need;
}

/* A section of a payload of n bytes: its size, padding included. */
static size_t sec_size(size_t n)
{
	return n ? VMDEV_SNAP_SEC_SIZE + (n + 7) / 8 * 8 : 0;
}

/* The bound of the vm's blob, or -E2BIG; under vm->lock. */
static int vm_save_size(struct vm_snap *s)
{
	long regs = regdevs_bound(s->vm), user;
	size_t need;

	if (regs < 0)
		return vmdev_err((int)-regs);
	user = vm_snap_user_bound(s);
	if (user < 0)
		return vmdev_err((int)-user);
	need = VMDEV_SNAP_HDR_SIZE + (size_t)regs + (size_t)user +
	       sec_size(vm_snap_layout_len(s));
	if (s->img)
		need += sec_size(vm_snap_res_len(s->img));
	return need > VMDEV_SNAPSHOT_MAX ? vmdev_err(E2BIG) : (int)need;
}

static long regdevs_save(struct vmdev_vm *vm, uint8_t *buf, size_t len,
			 size_t pos, uint32_t *nr)
{
	struct vmdev_regdev *rd;
	int n;

	for (rd = vm->snap_devs; rd; rd = rd->snap_next, ++*nr) {
		n = vmdev_snap_save_one(rd, buf + pos + VMDEV_SNAP_SEC_SIZE,
					len - pos - VMDEV_SNAP_SEC_SIZE);
		if (n < 0)
			return n;
		vmdev_snap_ctx_sec(buf + pos, rd->snap_id, (uint32_t)n);
		pos += VMDEV_SNAP_SEC_SIZE + (size_t)n;
	}
	return (long)pos;
}

/* Sections whose payload the layout and resource encoders write. */
static size_t put_layout(const struct vm_snap *s, uint8_t *p)
{
	size_t n = vm_snap_layout_len(s);

	if (!n)
		return 0;
	vmdev_snap_sec_put(p, VMDEV_SNAP_TAG_LAYOUT, (uint32_t)n, 0);
	vm_snap_layout_put(s, p + VMDEV_SNAP_SEC_SIZE);
	return sec_size(n);	/* records are 8-byte multiples */
}

static size_t put_res(const struct vm_snap *s, uint8_t *p)
{
	size_t n;

	if (!s->img)
		return 0;
	n = vm_snap_res_len(s->img);
	vmdev_snap_sec_put(p, VMDEV_SNAP_TAG_RESOURCES, (uint32_t)n, 0);
	vm_snap_res_put(s->img, p + VMDEV_SNAP_SEC_SIZE);
	return sec_size(n);
}

/*
 * len is at least the bound just computed, which the layout and the
 * image (fixed while s is open) cannot outgrow; devices are bounded by
 * their own saves, which return -ENOSPC if they grew since.
 */
static int vm_save(struct vm_snap *s, uint8_t *buf, size_t len)
{
	uint32_t nr = 0;
	long pos;
	size_t n;

	pos = regdevs_save(s->vm, buf, len, VMDEV_SNAP_HDR_SIZE, &nr);
	if (pos < 0)
		return (int)pos;
	n = put_layout(s, buf + pos);
	nr += n > 0;
	pos = vm_snap_user_save(s, buf, len, (size_t)pos + n, &nr);
	if (pos < 0)
		return vmdev_err((int)-pos);
	n = put_res(s, buf + pos);
	nr += n > 0;
	pos += (long)n;
	vmdev_snap_ctx_finish(buf, (size_t)pos, nr);
	return (int)pos;
}

/* Under vm->lock: the device side now, and the allocations if asked. */
static int snap_open(struct vm_snap *s, struct vmdev_vm *vm,
		     const struct vmdev_snapshot_opts *opts, bool image)
{
	int ret;

	*s = (struct vm_snap){ .res = VMDEV_OPT(opts, resources, NULL) };
	ret = vm_snap_open(s, vm);
	if (!ret && s->res && image)
		ret = vmdev_res_image_take(s->res, &s->img);
	return ret;
}

int vmdev_vm_save(struct vmdev_vm *vm, void *buf, size_t len,
		  const struct vmdev_snapshot_opts *opts)
{
	struct vm_snap s;
	int ret;

	if (!vm)
		return vmdev_err(EINVAL);
	ret = vmdev_snap_check_opts(opts, true);
	if (ret)
		return ret;
	pthread_mutex_lock(&vm->lock);
	ret = snap_open(&s, vm, opts, true);
	if (ret)
		ret = vmdev_err(-ret);
	else
		ret = vm_save_size(&s);
	if (ret >= 0 && buf)
		ret = len < (size_t)ret ? vmdev_err(ENOSPC) :
					  vm_save(&s, buf, len);
	pthread_mutex_unlock(&vm->lock);
	/* Out of the lock: a reference it drops may be a device's last. */
	vm_snap_close(&s);
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

/* The resources the blob and the call carry: the same, and they fit. */
static int res_check(struct vm_snap *s, const struct vm_blob *b)
{
	int ret;

	if (!s->res != !b->res)
		return -EMEDIUMTYPE;
	if (!s->res)
		return 0;
	ret = vm_snap_res_decode(b->res, b->res_len, &s->img);
	return ret ? ret : vmdev_res_image_check(s->res, s->img);
}

/* The vm's side against the blob's: its layout, its devices. */
static int layout_check(const struct vm_snap *s, const struct vm_blob *b)
{
	uint32_t have = 0;
	struct vmdev_regdev *rd;

	for (rd = s->vm->snap_devs; rd; rd = rd->snap_next)
		have++;
	if (have != b->nr_devs || !b->layout != !s->has_user)
		return -EMEDIUMTYPE;
	if (b->layout)
		return vm_snap_layout_check(s, b->layout, b->layout_len);
	return 0;
}

/* Every check, in the order of the format's errors; nothing changes. */
static int check_all(struct vm_snap *s, const void *blob, size_t len,
		     const struct vm_blob *b)
{
	int ret = layout_check(s, b);

	if (!ret)
		ret = res_check(s, b);
	if (!ret && b->nr_user != s->nr_stateful)
		ret = -EMEDIUMTYPE;
	if (ret)
		return vmdev_err(-ret);
	ret = vm_restore(s->vm, blob, len, true);
	if (!ret)
		ret = vm_snap_user_restore(s, blob, len, true);
	return ret < 0 ? vmdev_err(-ret) : 0;
}

/*
 * Allocations first: the one step that is undone if a later one fails
 * (memory for a user-mode device's scratch, a module error, a device
 * callback that breaks its word after its check).
 */
static int apply_all(struct vm_snap *s, const void *blob, size_t len)
{
	int ret = s->img ? vmdev_res_image_apply(s->res, s->img) : 0;

	if (ret)
		return vmdev_err(-ret);
	ret = vm_restore(s->vm, blob, len, false);
	if (!ret)
		ret = vm_snap_user_restore(s, blob, len, false);
	if (ret && s->img)
		vmdev_res_image_undo(s->res, s->img);
	return ret < 0 ? vmdev_err(-ret) : 0;
}

int vmdev_vm_restore(struct vmdev_vm *vm, const void *blob, size_t len,
		     const struct vmdev_snapshot_opts *opts)
{
	struct vm_blob b;
	struct vm_snap s;
	int ret;

	if (!vm || !blob)
		return vmdev_err(EINVAL);
	ret = vmdev_snap_check_opts(opts, true);
	if (ret)
		return ret;
	if (len > VMDEV_SNAPSHOT_MAX)
		return vmdev_err(E2BIG);
	ret = vm_blob_parse(blob, len, &b);
	if (ret)
		return vmdev_err(-ret);
	pthread_mutex_lock(&vm->lock);
	ret = snap_open(&s, vm, opts, false);
	if (ret)
		ret = vmdev_err(-ret);
	else
		ret = check_all(&s, blob, len, &b);
	if (!ret)
		ret = apply_all(&s, blob, len);
	pthread_mutex_unlock(&vm->lock);
	/* Out of the lock: a reference it drops may be a device's last. */
	vm_snap_close(&s);
	return ret;
}
