// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The reader side: guest accesses and lookups, from any number of vCPU
 * threads at once. Each takes no lock on the buses: it loads the
 * published map inside an RCU read-side critical section and
 * binary-searches it. The device callback runs inside that critical
 * section too, so a commit that removes the device waits for it before
 * dropping the device, with no shared counter written per access.
 */
#include "device.h"
#include "base/internal.h"
#include "io_manager.h"

static size_t max_len(enum vmdev_space space)
{
	return space == VMDEV_PIO ? VMDEV_PIO_MAX_LEN : VMDEV_MMIO_MAX_LEN;
}

static int check_access(const struct vmdev_io_manager *mgr,
			enum vmdev_space space, uint64_t addr,
			const void *data, size_t len)
{
	if (!mgr || !data || !vmdev_io_space_valid(space) || !len)
		return -EINVAL;
	if (len > max_len(space))
		return -E2BIG;
	if (addr > vmdev_io_space_last(space) || len - 1 > UINT64_MAX - addr)
		return -EINVAL;
	return 0;
}

/*
 * The entry holding all of [addr, last]: 0, -ENOENT when no entry touches
 * it, -ERANGE when one does without holding it all.
 */
static int route(const struct vmdev_io_bus *bus, uint64_t addr, uint64_t last,
		 const struct vmdev_io_entry **out)
{
	/* Disjoint ranges: only the last one starting <= last can touch. */
	const struct vmdev_io_entry *e = vmdev_io_bus_floor(bus, last);

	if (!e || e->last < addr)
		return -ENOENT;
	if (e->base > addr || e->last < last)
		return -ERANGE;
	*out = e;
	return 0;
}

/* vmdev_device_access() without touching the device, when it allows. */
static int access_entry(const struct vmdev_io_entry *e, enum vmdev_space space,
			uint64_t addr, void *data, size_t len, bool write)
{
	const struct vmdev_device_call *c = &e->call;

	if (!c->direct)
		return vmdev_device_access(e->dev, space, e->base,
					   addr - e->base, data, len, write);
	if (write ? !c->write : !c->read)
		return -EOPNOTSUPP;
	return write ? c->write(c->opaque, space, e->base, addr - e->base,
				data, len) :
		       c->read(c->opaque, space, e->base, addr - e->base,
			       data, len);
}

static int dispatch(struct vmdev_io_manager *mgr, enum vmdev_space space,
		    uint64_t addr, void *data, size_t len, bool write)
{
	const struct vmdev_io_entry *e;
	struct vmdev_io_map *map;
	int ret;

	ret = check_access(mgr, space, addr, data, len);
	if (!ret)
		ret = vmdev_rcu_read_lock();
	if (ret)
		return vmdev_err(-ret);
	map = rcu_dereference(mgr->map);
	ret = route(&map->bus[space], addr, addr + (len - 1), &e);
	if (!ret)
		ret = access_entry(e, space, addr, data, len, write);
	vmdev_rcu_read_unlock();
	return ret < 0 ? vmdev_err(-ret) : ret;
}

int vmdev_io_read(struct vmdev_io_manager *mgr, enum vmdev_space space,
		  uint64_t addr, void *data, size_t len)
{
	return dispatch(mgr, space, addr, data, len, false);
}

int vmdev_io_write(struct vmdev_io_manager *mgr, enum vmdev_space space,
		   uint64_t addr, const void *data, size_t len)
{
	/* The device layer passes data on to write() as const. */
	return dispatch(mgr, space, addr, (void *)data, len, true);
}

int vmdev_io_lookup(struct vmdev_io_manager *mgr, enum vmdev_space space,
		    uint64_t addr, struct vmdev_io_range *out)
{
	const struct vmdev_io_entry *e;
	int ret;

	if (!mgr || !out || !vmdev_io_space_valid(space) ||
	    addr > vmdev_io_space_last(space))
		return vmdev_err(EINVAL);
	ret = vmdev_rcu_read_lock();
	if (ret)
		return vmdev_err(-ret);
	ret = -ENOENT;
	e = vmdev_io_bus_floor(&rcu_dereference(mgr->map)->bus[space], addr);
	if (e && e->last >= addr) {
		out->base = e->base;
		out->size = e->last - e->base + 1;
		/* The range's reference keeps it alive until we leave. */
		out->dev = vmdev_device_get(e->dev);
		ret = 0;
	}
	vmdev_rcu_read_unlock();
	return ret ? vmdev_err(-ret) : 0;
}

ssize_t vmdev_io_nr_ranges(struct vmdev_io_manager *mgr,
			   enum vmdev_space space)
{
	ssize_t nr;
	int err;

	if (!mgr || !vmdev_io_space_valid(space))
		return vmdev_err(EINVAL);
	err = vmdev_rcu_read_lock();
	if (err)
		return vmdev_err(-err);
	nr = rcu_dereference(mgr->map)->bus[space].nr;
	vmdev_rcu_read_unlock();
	return nr;
}
