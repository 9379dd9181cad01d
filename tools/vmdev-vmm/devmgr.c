// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The MMIO device manager (devmgr.h). Adding a device is a sequence of
 * steps each undone, in reverse, by devmgr_undo(): resources, device
 * model, transport, register device (ranges published), doorbells,
 * interrupt line, I/O thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmdev/devices.h>
#include <vmdev/regdev.h>

#include "blk.h"
#include "devmgr.h"
#include "rng.h"

struct devmgr_dev {
	struct vmdev_resources *res;
	uint64_t base;
	uint32_t irq;
	void *model;
	void (*model_free)(void *model);
	struct virtio_mmio *t;
	struct vmdev_regdev *rd;
};

struct devmgr {
	struct vmdev_vm *vm;
	const struct virtio_mem *mem;
	struct vmdev_resource_manager *rm;
	bool own_rm;
	size_t n;
	struct devmgr_dev *devs[DEVMGR_MAX_DEVICES];
};

int devmgr_create(struct vmdev_vm *vm, const struct virtio_mem *mem,
		  const struct devmgr_opts *opts, struct devmgr **out)
{
	struct devmgr_opts o = opts ? *opts : (struct devmgr_opts){ 0 };
	struct vmdev_addr_window mmio;
	struct devmgr *dm;
	int ret;

	if (!vm || !mem || !out)
		return -EINVAL;
	if (!o.mmio_size) {
		o.mmio_base = DEVMGR_MMIO_BASE;
		o.mmio_size = DEVMGR_MMIO_SIZE;
	}
	if (!o.irq_count) {
		o.irq_base = DEVMGR_IRQ_BASE;
		o.irq_count = DEVMGR_IRQ_COUNT;
	}
	if (o.mmio_base + o.mmio_size - 1 < o.mmio_base ||
	    o.irq_base + o.irq_count - 1 < o.irq_base)
		return -EINVAL;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->vm = vm;
	dm->mem = mem;
	dm->rm = o.rm;
	if (!dm->rm) {
		mmio = (struct vmdev_addr_window){ o.mmio_base, o.mmio_size };
		VMDEV_OPTS(vmdev_resource_manager_opts, ro, .mmio = &mmio,
			   .nr_mmio = 1,
			   .legacy_irq = { o.irq_base, o.irq_count });
		ret = vmdev_resource_manager_new(&ro, &dm->rm);
		if (ret) {
			free(dm);
			return ret;
		}
		dm->own_rm = true;
	}
	*out = dm;
	return 0;
}

/* Undo whatever of an add got done, in reverse order. */
static void devmgr_undo(struct devmgr *dm, struct devmgr_dev *d)
{
	virtio_mmio_stop(d->t);
	/* Unbinds doorbells and the line; waits for accesses in flight. */
	vmdev_regdev_free(d->rd);
	virtio_mmio_free(d->t);
	if (d->model)
		d->model_free(d->model);
	if (d->res) {
		vmdev_resource_manager_release(dm->rm, d->res);
		vmdev_resources_free(d->res);
	}
	free(d);
}

static int devmgr_alloc(struct devmgr *dm, struct devmgr_dev *d)
{
	const struct vmdev_constraint c[2] = {
		{ .type = VMDEV_RES_MMIO, .range = {
			.size = VMDEV_VIRTIO_MMIO_WINDOW,
			.align = DEVMGR_WINDOW_ALIGN } },
		{ .type = VMDEV_RES_LEGACY_IRQ, .id = { .count = 1 } },
	};
	struct vmdev_range_res r;
	int ret;

	ret = vmdev_resource_manager_allocate(dm->rm, c, 2, &d->res);
	if (ret)
		return ret;
	vmdev_resources_get_ranges(d->res, VMDEV_RES_MMIO, &r, 1);
	d->base = r.base;
	return vmdev_resources_get_legacy_irq(d->res, &d->irq);
}

/* The register device: virtio-mmio map with the model's device ID. */
static int devmgr_regdev(struct devmgr *dm, struct devmgr_dev *d,
			 const char *name, uint32_t device_id)
{
	VMDEV_OPTS(vmdev_devmap_opts, mo, .virtio_device_id = device_id);
	VMDEV_OPTS(vmdev_regdev_opts, ro, .name = name,
		   .slow_read = virtio_mmio_slow_read,
		   .slow_write = virtio_mmio_slow_write, .opaque = d->t);
	struct vmdev_devmap *map;
	int ret;

	ret = vmdev_devmap_new(VMDEV_DEVMAP_VIRTIO_MMIO, &mo, &map);
	if (ret)
		return ret;
	ret = vmdev_devmap_apply(map, &ro);
	if (!ret)
		ret = vmdev_regdev_new(dm->vm, d->res, &ro, &d->rd);
	vmdev_devmap_free(map);
	return ret;
}

/* QueueNotify writes of each queue index: ioeventfds, no exit. */
static int devmgr_doorbells(struct devmgr_dev *d, uint16_t nr_queues)
{
	uint16_t q;
	int ret;

	for (q = 0; q < nr_queues; q++) {
		VMDEV_OPTS(vmdev_doorbell_opts, db, .space = VMDEV_MMIO,
			   .addr = d->base + VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY_OFF,
			   .len = 4, .reg = VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY,
			   .flags = VMDEV_DOORBELL_F_DATAMATCH,
			   .datamatch = q);
		ret = vmdev_regdev_doorbell_add(d->rd, &db);
		if (ret)
			return ret;
	}
	return 0;
}

static int devmgr_plug(struct devmgr *dm, struct devmgr_dev *d,
		       const struct virtio_dev_ops *ops, const char *name)
{
	int ret;

	ret = devmgr_alloc(dm, d);
	if (!ret)
		ret = virtio_mmio_new(ops, d->model, dm->mem, &d->t);
	if (!ret)
		ret = devmgr_regdev(dm, d, name, ops->device_id);
	if (!ret)
		ret = devmgr_doorbells(d, ops->nr_queues);
	if (!ret)
		ret = vmdev_regdev_irq_bind(d->rd, VMDEV_VIRTIO_MMIO_IRQ,
					    d->irq, NULL);
	if (!ret)
		ret = virtio_mmio_start(d->t, d->rd);
	return ret;
}

/* Add model (taken over: freed with model_free on failure too). */
static int devmgr_add(struct devmgr *dm, void *model,
		      void (*model_free)(void *),
		      const struct virtio_dev_ops *ops, const char *name,
		      struct devmgr_dev **out)
{
	struct devmgr_dev *d;
	int ret;

	if (dm->n == DEVMGR_MAX_DEVICES) {
		model_free(model);
		return -ENOSPC;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		model_free(model);
		return -ENOMEM;
	}
	d->model = model;
	d->model_free = model_free;
	ret = devmgr_plug(dm, d, ops, name);
	if (ret) {
		devmgr_undo(dm, d);
		return ret;
	}
	dm->devs[dm->n++] = d;
	if (out)
		*out = d;
	return 0;
}

static void devmgr_blk_free(void *b)
{
	virtio_blk_free(b);
}

static void devmgr_rng_free(void *r)
{
	virtio_rng_free(r);
}

int devmgr_add_blk(struct devmgr *dm, const char *path, bool read_only,
		   struct devmgr_dev **out)
{
	struct virtio_blk *b;
	int ret;

	if (!dm || !path)
		return -EINVAL;
	ret = virtio_blk_new(path, read_only, &b);
	if (ret)
		return ret;
	return devmgr_add(dm, b, devmgr_blk_free, virtio_blk_ops(b),
			  "virtio-blk", out);
}

int devmgr_add_rng(struct devmgr *dm, struct devmgr_dev **out)
{
	struct virtio_rng *r;
	int ret;

	if (!dm)
		return -EINVAL;
	ret = virtio_rng_new(&r);
	if (ret)
		return ret;
	return devmgr_add(dm, r, devmgr_rng_free, virtio_rng_ops(r),
			  "virtio-rng", out);
}

int devmgr_remove(struct devmgr *dm, struct devmgr_dev *d)
{
	size_t i;

	if (!dm || !d)
		return -EINVAL;
	for (i = 0; i < dm->n && dm->devs[i] != d; i++)
		;
	if (i == dm->n)
		return -ENOENT;
	memmove(&dm->devs[i], &dm->devs[i + 1],
		(dm->n - i - 1) * sizeof(dm->devs[0]));
	dm->n--;
	devmgr_undo(dm, d);
	return 0;
}

void devmgr_destroy(struct devmgr *dm)
{
	if (!dm)
		return;
	while (dm->n)
		devmgr_remove(dm, dm->devs[dm->n - 1]);
	if (dm->own_rm)
		vmdev_resource_manager_free(dm->rm);
	free(dm);
}

int devmgr_cmdline(const struct devmgr *dm, char *buf, size_t len)
{
	size_t i, total = 0;
	int n;

	if (!dm || (!buf && len))
		return -EINVAL;
	if (len)
		buf[0] = '\0';
	for (i = 0; i < dm->n; i++) {
		n = snprintf(buf ? buf + (total < len ? total : len) : NULL,
			     total < len ? len - total : 0,
			     "%svirtio_mmio.device=0x%x@0x%" PRIx64 ":%" PRIu32,
			     i ? " " : "", VMDEV_VIRTIO_MMIO_WINDOW,
			     dm->devs[i]->base, dm->devs[i]->irq);
		if (n < 0)
			return -EINVAL;
		total += n;
	}
	return (int)total;
}

struct vmdev_resource_manager *devmgr_resources(const struct devmgr *dm)
{
	return dm ? dm->rm : NULL;
}

size_t devmgr_count(const struct devmgr *dm)
{
	return dm ? dm->n : 0;
}

struct devmgr_dev *devmgr_get(const struct devmgr *dm, size_t i)
{
	return dm && i < dm->n ? dm->devs[i] : NULL;
}

uint64_t devmgr_dev_base(const struct devmgr_dev *d)
{
	return d->base;
}

uint32_t devmgr_dev_irq(const struct devmgr_dev *d)
{
	return d->irq;
}

struct virtio_mmio *devmgr_dev_transport(const struct devmgr_dev *d)
{
	return d->t;
}

struct vmdev_regdev *devmgr_dev_regdev(const struct devmgr_dev *d)
{
	return d->rd;
}
