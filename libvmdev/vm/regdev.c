// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Register devices of a VM context, the front end: one declaration, the
 * same checks, books and I/O manager registration in both modes; what
 * differs (the module's ioctls, or the core in this process) is behind
 * vm->ops.
 *
 * Every device is also a thread-safe device of the context's I/O manager
 * at its ranges. That is where the vCPU loop sends the exits that reach
 * userspace: in user mode all of them (the core completes what it can,
 * the rest goes to the slow-path callbacks); in kernel mode only those the
 * module left (straight to the slow path) and accesses the VMM dispatches
 * itself (asked to the module first). It also makes the I/O manager
 * refuse a userspace device over a register device, in both modes.
 *
 * Lifetime: the I/O manager's device owns rd and frees it in its release
 * callback, after the last range reference is dropped, which is after a
 * grace period that follows the removal of every binding.
 */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "vm_internal.h"

/* Element values move as the low bytes of a u64, as the core takes them. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "guest data is copied as little-endian values");

static int slow_path(struct vmdev_regdev *rd, enum vmdev_space space,
		     uint64_t base, uint64_t offset, void *data, size_t len,
		     bool write)
{
	if (write)
		return rd->slow_write ?
		       rd->slow_write(rd->opaque, space, base, offset, data,
				      len) : -EOPNOTSUPP;
	return rd->slow_read ?
	       rd->slow_read(rd->opaque, space, base, offset, data, len) :
	       -EOPNOTSUPP;
}

static int regdev_io(struct vmdev_regdev *rd, enum vmdev_space space,
		     uint64_t base, uint64_t offset, void *data, size_t len,
		     bool write)
{
	uint64_t v = 0;
	int ret;

	if (write)
		memcpy(&v, data, len);
	if (vmdev_declined_take(space, base + offset, len, write))
		ret = VMDEV_RDEV_SLOW;
	else
		ret = rd->vm->ops->access(rd, space, base + offset, offset,
					  len, write, &v);
	if (ret == VMDEV_RDEV_SLOW)
		return slow_path(rd, space, base, offset, data, len, write);
	if (!ret && !write)
		memcpy(data, &v, len);
	return ret;
}

static int regdev_read(void *opaque, enum vmdev_space space, uint64_t base,
		       uint64_t offset, void *data, size_t len)
{
	return regdev_io(opaque, space, base, offset, data, len, false);
}

static int regdev_write(void *opaque, enum vmdev_space space, uint64_t base,
			uint64_t offset, const void *data, size_t len)
{
	return regdev_io(opaque, space, base, offset, (void *)data, len, true);
}

/*
 * The I/O manager dropped its last reference, a grace period after every
 * binding was unpublished: nothing can reach rd.
 */
static void regdev_release(void *opaque)
{
	struct vmdev_regdev *rd = opaque;
	uint32_t i;

	if (rd->kid || rd->rdev)
		rd->vm->ops->destroy(rd);
	vmdev_doorbell_release_all(rd);
	vmdev_notify_release_all(rd);
	vmdev_irqline_release_all(rd);
	for (i = 0; i < VMDEV_MAX_IRQS; i++)
		pthread_mutex_destroy(&rd->lines[i].lock);
	pthread_mutex_destroy(&rd->lock);
	vmdev_resources_free(rd->res);
	vmdev_vm_put(rd->vm);
	free(rd->regs);
	free(rd);
}

/* ---- Creation ------------------------------------------------------------ */

struct regdev_ranges {
	struct vmdev_range r[VMDEV_MAX_DEV_RANGES];
	uint32_t n;
};

/* The PIO and MMIO ranges of res, as the UAPI describes them. */
static int collect_ranges(const struct vmdev_resources *res,
			  struct regdev_ranges *out)
{
	const struct vmdev_resource *r;
	size_t i;

	out->n = 0;
	for (i = 0; (r = vmdev_resources_get(res, i)); i++) {
		if (r->type != VMDEV_RES_PIO && r->type != VMDEV_RES_MMIO)
			continue;
		if (out->n == VMDEV_MAX_DEV_RANGES)
			return vmdev_err(E2BIG);
		out->r[out->n++] = (struct vmdev_range){
			.base = r->range.base, .len = r->range.size,
			.space = r->type == VMDEV_RES_PIO ? VMDEV_SPACE_PIO :
							    VMDEV_SPACE_MMIO,
		};
	}
	return 0;
}

/* The device's own copy of its ranges, for unregistration. */
static int copy_ranges(struct vmdev_regdev *rd, const struct regdev_ranges *rg)
{
	struct vmdev_resource r = { 0 };
	uint32_t i;
	int ret;

	ret = vmdev_resources_new(&rd->res);
	for (i = 0; !ret && i < rg->n; i++) {
		r.type = rg->r[i].space == VMDEV_SPACE_PIO ? VMDEV_RES_PIO :
							     VMDEV_RES_MMIO;
		r.range.base = rg->r[i].base;
		r.range.size = rg->r[i].len;
		ret = vmdev_resources_append(rd->res, &r);
	}
	rd->nr_ranges = rg->n;
	return ret;
}

static void desc_of(const struct vmdev_regdev_opts *o,
		    struct vmdev_rdev_desc *d)
{
	*d = (struct vmdev_rdev_desc){
		.flags = o->flags, .dev_size = o->dev_size,
		.nr_regs = o->nr_regs, .nr_links = o->nr_links,
		.nr_irqs = o->nr_irqs, .regs = o->regs, .links = o->links,
		.irqs = o->irqs,
	};
}

static int check_opts(const struct vmdev_regdev_opts *o,
		      struct vmdev_rdev_desc *d)
{
	int ret;

	if (!o || VMDEV_OPTS_CHECK(o, opaque) ||
	    o->sz < offsetof(struct vmdev_regdev_opts, irqs) +
		    sizeof(o->irqs))
		return vmdev_err(EINVAL);
	if (o->name && strnlen(o->name, REGDEV_NAME_MAX) == REGDEV_NAME_MAX)
		return vmdev_err(EINVAL);
	desc_of(o, d);
	/* The module checks again; failing here keeps both modes equal. */
	ret = vmdev_rdev_check(d);
	return ret ? vmdev_err(-ret) : 0;
}

static struct vmdev_regdev *regdev_alloc(struct vmdev_vm *vm,
					 const struct vmdev_regdev_opts *o)
{
	struct vmdev_regdev *rd = calloc(1, sizeof(*rd));
	uint32_t i;

	if (!rd)
		return NULL;
	rd->regs = calloc(o->nr_regs ? o->nr_regs : 1, sizeof(*rd->regs));
	if (!rd->regs) {
		free(rd);
		return NULL;
	}
	if (o->nr_regs)
		memcpy(rd->regs, o->regs, o->nr_regs * sizeof(*rd->regs));
	rd->nr_regs = o->nr_regs;
	rd->nr_irqs = o->nr_irqs;
	if (o->nr_irqs)
		memcpy(rd->irqs, o->irqs, o->nr_irqs * sizeof(*rd->irqs));
	strcpy(rd->name, o->name ? o->name : "regdev");
	rd->slow_read = VMDEV_OPT(o, slow_read, NULL);
	rd->slow_write = VMDEV_OPT(o, slow_write, NULL);
	rd->opaque = VMDEV_OPT(o, opaque, NULL);
	pthread_mutex_init(&rd->lock, NULL);
	for (i = 0; i < VMDEV_MAX_IRQS; i++)
		pthread_mutex_init(&rd->lines[i].lock, NULL);
	for (i = 0; i < VMDEV_RDEV_MAX_DOORBELLS; i++) {
		rd->notify[i].fd = -1;
		atomic_init(&rd->user_notify[i], -1);
	}
	rd->vm = vm;
	vmdev_vm_get(vm);
	return rd;
}

static int make_iodev(struct vmdev_regdev *rd)
{
	VMDEV_OPTS(vmdev_device_opts, dopts,
		   .kind = VMDEV_DEVICE_THREAD_SAFE, .read = regdev_read,
		   .write = regdev_write, .release = regdev_release,
		   .opaque = rd);

	return vmdev_device_new(&dopts, &rd->iodev);
}

/* Count the device and its ranges against the context's limits. */
static int reserve(struct vmdev_vm *vm, uint32_t nr_ranges, int sign)
{
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	if (sign > 0 && (vm->nr_devices == VMDEV_MAX_DEVICES ||
			 vm->nr_ranges + nr_ranges > VMDEV_MAX_RANGES)) {
		ret = vmdev_err(ENOSPC);
	} else {
		vm->nr_devices += sign;
		vm->nr_ranges += sign * (int)nr_ranges;
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

/*
 * Stage the ranges first (overlaps are refused before the module is
 * asked), create the device in its backend, then publish the ranges.
 */
static int plug(struct vmdev_regdev *rd, const struct vmdev_rdev_desc *desc,
		const struct regdev_ranges *rg)
{
	struct vmdev_io_txn *txn;
	ssize_t n;
	int ret;

	ret = vmdev_io_txn_begin(rd->vm->io, &txn);
	if (ret)
		return ret;
	n = vmdev_io_txn_register(txn, rd->iodev, rd->res);
	if (n < 0) {
		vmdev_io_txn_cancel(txn);
		return (int)n;
	}
	ret = rd->vm->ops->create(rd, desc, rg->r, rg->n);
	if (ret) {
		vmdev_io_txn_cancel(txn);
		return ret;
	}
	ret = vmdev_io_txn_commit(txn);
	if (ret)
		rd->vm->ops->destroy(rd);
	return ret;
}

int vmdev_regdev_new(struct vmdev_vm *vm, const struct vmdev_resources *res,
		     const struct vmdev_regdev_opts *opts,
		     struct vmdev_regdev **out)
{
	struct vmdev_rdev_desc desc;
	struct vmdev_regdev *rd;
	struct regdev_ranges rg;
	int ret;

	if (!vm || !res || !out)
		return vmdev_err(EINVAL);
	ret = check_opts(opts, &desc);
	if (!ret)
		ret = collect_ranges(res, &rg);
	if (!ret)
		ret = reserve(vm, rg.n, 1);
	if (ret)
		return ret;
	rd = regdev_alloc(vm, opts);
	if (!rd) {
		reserve(vm, rg.n, -1);
		return vmdev_err(ENOMEM);
	}
	ret = copy_ranges(rd, &rg);
	if (!ret)
		ret = make_iodev(rd);
	if (!ret)
		ret = plug(rd, &desc, &rg);
	if (ret) {
		reserve(vm, rg.n, -1);
		if (rd->iodev)
			vmdev_device_put(rd->iodev);	/* releases rd */
		else
			regdev_release(rd);
		return vmdev_err(-ret);
	}
	vmdev_snap_track(rd);
	*out = rd;
	return 0;
}

/* ---- Teardown ------------------------------------------------------------ */

/*
 * The last reference of the device, after a grace period: rd goes. On
 * liburcu's call_rcu thread (a teardown from a device callback), the
 * context must not go too, as that may wait for call_rcu work: the
 * context's other users wait for this (vmdev_vm_drain_deferred()) before
 * they drop their references, so ours is never the last one.
 */
static void put_iodev(struct rcu_head *head)
{
	struct vmdev_regdev *rd = caa_container_of(head, struct vmdev_regdev,
						   rcu);
	struct vmdev_vm *vm = rd->vm;

	vmdev_vm_get(vm);
	vmdev_device_put(rd->iodev);	/* releases rd */
	atomic_fetch_sub(&vm->deferred, 1);
	vmdev_vm_put(vm);
}

void vmdev_regdev_free(struct vmdev_regdev *rd)
{
	if (!rd)
		return;
	vmdev_snap_untrack(rd);
	pthread_mutex_lock(&rd->lock);
	vmdev_doorbell_unbind_all(rd);
	vmdev_notify_unbind_all(rd);
	vmdev_irqline_unbind_all(rd);
	pthread_mutex_unlock(&rd->lock);
	/* Waits for the accesses in flight through userspace. */
	vmdev_io_unregister(rd->vm->io, rd->res);
	if (rd->vm->ops->unplug)
		rd->vm->ops->unplug(rd);
	reserve(rd->vm, rd->nr_ranges, -1);
	/*
	 * Doorbell hits and deliveries read the bindings under RCU too, and
	 * a device without ranges had no grace period yet: one more before
	 * the release frees what they read.
	 */
	if (vmdev_in_rcu_reader())
		atomic_fetch_add(&rd->vm->deferred, 1);
	vmdev_rcu_defer(&rd->rcu, put_iodev);
}

/* ---- The VMM side -------------------------------------------------------- */

int vmdev_regdev_reg_read(struct vmdev_regdev *rd, uint32_t reg,
			  uint64_t *val)
{
	if (!rd || !val)
		return vmdev_err(EINVAL);
	return rd->vm->ops->reg_read(rd, reg, val);
}

int vmdev_regdev_reg_write(struct vmdev_regdev *rd, uint32_t reg,
			   uint64_t val)
{
	if (!rd)
		return vmdev_err(EINVAL);
	return rd->vm->ops->reg_write(rd, reg, val);
}

static int fifo_io(struct vmdev_regdev *rd, uint32_t reg, bool fill,
		   void *buf, uint32_t count)
{
	if (!rd || !buf || !count)
		return vmdev_err(EINVAL);
	if (count > VMDEV_MAX_FIFO)
		return vmdev_err(E2BIG);
	return rd->vm->ops->fifo(rd, reg, fill, buf, count);
}

int vmdev_regdev_fifo_drain(struct vmdev_regdev *rd, uint32_t reg, void *buf,
			    uint32_t count)
{
	return fifo_io(rd, reg, false, buf, count);
}

int vmdev_regdev_fifo_fill(struct vmdev_regdev *rd, uint32_t reg,
			   const void *buf, uint32_t count)
{
	return fifo_io(rd, reg, true, (void *)buf, count);
}

int vmdev_regdev_reset(struct vmdev_regdev *rd)
{
	if (!rd)
		return vmdev_err(EINVAL);
	return rd->vm->ops->reset(rd);
}

int vmdev_regdev_stats(struct vmdev_regdev *rd, struct vmdev_regdev_stats *st)
{
	struct vmdev_regdev_stats s = { .sz = sizeof(s) };
	int ret;

	if (!rd || !st || st->sz < sizeof(size_t))
		return vmdev_err(EINVAL);
	ret = rd->vm->ops->stats(rd, &s);
	if (ret)
		return ret;
	return vmdev_fill_out(st, st->sz, &s, sizeof(s));
}
