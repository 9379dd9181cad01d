/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the I/O manager tests (tests/host/io_*.c): resource
 * sets built from a list, and a device that records what it is called
 * with.
 */
#ifndef VMDEV_TEST_IO_COMMON_H
#define VMDEV_TEST_IO_COMMON_H

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <vmdev/io.h>

#define RANGE(t, b, s)	{ .type = (t), .range = { .base = (b), .size = (s) } }
#define PIO(b, s)	RANGE(VMDEV_RES_PIO, b, s)
#define MMIO(b, s)	RANGE(VMDEV_RES_MMIO, b, s)
#define IRQ(n)		{ .type = VMDEV_RES_LEGACY_IRQ, .irq = (n) }

/* A resource set from a list: RES(&res, PIO(0x60, 1), MMIO(0x1000, 8)). */
#define RES(out, ...)							\
	res_build(out, (const struct vmdev_resource[]){ __VA_ARGS__ },	\
		  sizeof((const struct vmdev_resource[]){ __VA_ARGS__ }) / \
		  sizeof(struct vmdev_resource))

static inline int res_build(struct vmdev_resources **out,
			    const struct vmdev_resource *r, size_t n)
{
	size_t i;
	int err;

	err = vmdev_resources_new(out);
	for (i = 0; !err && i < n; i++)
		err = vmdev_resources_append(*out, &r[i]);
	if (err) {
		vmdev_resources_free(*out);
		*out = NULL;
	}
	return err;
}

/* The resource type of a bus's ranges. */
static inline uint32_t io_type(enum vmdev_space space)
{
	return space == VMDEV_PIO ? VMDEV_RES_PIO : VMDEV_RES_MMIO;
}

/* One range as a set, for the many tests that need just that. */
static inline struct vmdev_resources *res_one(enum vmdev_space space,
					      uint64_t base, uint64_t size)
{
	struct vmdev_resource r = RANGE(io_type(space), base, size);
	struct vmdev_resources *res;

	return res_build(&res, &r, 1) ? NULL : res;
}

/*
 * Register dev at one range (or unregister it, dev NULL), on the manager
 * or, with txn, staged in the transaction: what the call returned.
 */
static inline ssize_t io_one(struct vmdev_io_manager *mgr,
			     struct vmdev_io_txn *txn,
			     struct vmdev_device *dev, enum vmdev_space space,
			     uint64_t base, uint64_t size)
{
	struct vmdev_resources *res = res_one(space, base, size);
	ssize_t ret;

	if (!res)
		return -ENOMEM;
	if (txn)
		ret = dev ? vmdev_io_txn_register(txn, dev, res) :
			    vmdev_io_txn_unregister(txn, res);
	else
		ret = dev ? vmdev_io_register(mgr, dev, res) :
			    vmdev_io_unregister(mgr, res);
	vmdev_resources_free(res);
	return ret;
}

/* What a recording device saw last, and how often it was called. */
struct rec {
	atomic_int reads;
	atomic_int writes;
	atomic_int released;
	enum vmdev_space space;
	uint64_t base;
	uint64_t offset;
	size_t len;
	uint8_t data[8];	/* last write */
	int ret;		/* what the callbacks return */
	uint8_t tag;		/* reads return tag + offset + i in byte i */
};

static inline void rec_note(struct rec *rec, enum vmdev_space space,
			    uint64_t base, uint64_t offset, size_t len)
{
	rec->space = space;
	rec->base = base;
	rec->offset = offset;
	rec->len = len;
}

static inline int rec_read(void *opaque, enum vmdev_space space,
			   uint64_t base, uint64_t offset, void *data,
			   size_t len)
{
	struct rec *rec = opaque;
	uint8_t *p = data;
	size_t i;

	rec_note(rec, space, base, offset, len);
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(rec->tag + offset + i);
	atomic_fetch_add(&rec->reads, 1);
	return rec->ret;
}

static inline int rec_write(void *opaque, enum vmdev_space space,
			    uint64_t base, uint64_t offset, const void *data,
			    size_t len)
{
	struct rec *rec = opaque;

	rec_note(rec, space, base, offset, len);
	if (len > sizeof(rec->data))
		len = sizeof(rec->data);
	memcpy(rec->data, data, len);
	atomic_fetch_add(&rec->writes, 1);
	return rec->ret;
}

static inline void rec_release(void *opaque)
{
	struct rec *rec = opaque;

	atomic_fetch_add(&rec->released, 1);
}

/* A recording device of the given kind, or NULL. */
static inline struct vmdev_device *rec_device(struct rec *rec,
					      enum vmdev_device_kind kind)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .kind = kind, .read = rec_read,
		   .write = rec_write, .release = rec_release, .opaque = rec);
	struct vmdev_device *dev;

	return vmdev_device_new(&opts, &dev) ? NULL : dev;
}

/* Whether a read at addr reaches a device: 0, or the error. */
static inline int probe(struct vmdev_io_manager *mgr, enum vmdev_space space,
			uint64_t addr)
{
	uint8_t b;

	return vmdev_io_read(mgr, space, addr, &b, 1);
}

#endif /* VMDEV_TEST_IO_COMMON_H */
