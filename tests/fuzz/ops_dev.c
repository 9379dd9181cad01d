// SPDX-License-Identifier: GPL-2.0
/*
 * Operations on devices: create, destroy and reset them, the VMM side of
 * their registers and FIFOs, their counters; and the commands that are
 * no command (unknown numbers and types) or the version.
 *
 * Besides the checks of every call (call.c), these check what the UAPI
 * promises of a well-formed request whatever else happens: a create
 * request built valid is refused only for the context's state (EEXIST,
 * ENOSPC) or memory; an id is positive and below 2^31; a register reads
 * back within its width; a FIFO moves at most what it was asked to.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

/* The device was made on this very context, still open: see proc.c. */
static bool same_ctx(struct fz_thread *t, const struct fz_dev *d)
{
	return d->ctx == t->proc->shared_ctx ||
	       __atomic_load_n(&t->proc->ctx_gen, __ATOMIC_ACQUIRE) == d->gen;
}

void fz_op_create(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_create_device, id), 4, false },
	};
	struct fz_map *m = &t->map;
	struct vmdev_create_device *c = &m->req;
	bool mutated = false, arrays_ok;
	unsigned int gen, expect;
	struct fz_ext x;
	int ctx;
	long ret;

	fz_map_gen(t, m);
	if (fz_chance(&t->rng, 25)) {
		fz_map_mutate(t, m);
		mutated = true;
	}
	ctx = fz_proc_ctx(t, &gen);
	c->regs = fz_array_ptr(t, m->regs, c->nr_regs * sizeof(m->regs[0]),
			       (uint8_t *)m->regs);
	c->links = fz_array_ptr(t, m->links, c->nr_links * sizeof(m->links[0]),
				(uint8_t *)m->links);
	c->irqs = fz_array_ptr(t, m->irqs, c->nr_irqs * sizeof(m->irqs[0]),
			       (uint8_t *)m->irqs);
	c->ranges = fz_array_ptr(t, m->ranges,
				 c->nr_ranges * sizeof(m->ranges[0]),
				 (uint8_t *)m->ranges);
	arrays_ok = (!c->nr_regs || c->regs == (uintptr_t)m->regs) &&
		    (!c->nr_links || c->links == (uintptr_t)m->links) &&
		    (!c->nr_irqs || c->irqs == (uintptr_t)m->irqs) &&
		    (!c->nr_ranges || c->ranges == (uintptr_t)m->ranges);
	c->id = fz_wild32(&t->rng);	/* an output: ignored on input */
	expect = fz_create_expect(m);
	ret = fz_ioctl_ext(t, ctx, FZ_CREATE_DEVICE, VMDEV_CREATE_DEVICE, c,
			   sizeof(*c), outs, 1, 6, &x);
	if (!ret) {
		if (!c->id || c->id > INT_MAX)
			fz_violation("CREATE_DEVICE made device id %u", c->id);
		fz_dev_add(t, ctx, gen, m, c->id);
	}
	if (!arrays_ok || !fz_ext_clean(&x, sizeof(*c)) || ret == -ENOMEM)
		return;
	if ((expect & FZ_EXPECT_OK) ?
	    (ret && ret != -EEXIST && ret != -ENOSPC) :
	    !((ret == -EINVAL && (expect & FZ_EXPECT_EINVAL)) ||
	      (ret == -E2BIG && (expect & FZ_EXPECT_E2BIG))))
		fz_violation("CREATE_DEVICE answered %s to a request the core "
			     "%s (expected %#x; %s map, dev_size %u, %u regs, "
			     "%u links, %u irqs, %u ranges, flags %#x)",
			     ret ? strerror((int)-ret) : "success",
			     (expect & FZ_EXPECT_OK) ? "and the UAPI accept" :
			     "or the UAPI refuse", expect,
			     mutated ? "a mutated" : "a generated", c->dev_size,
			     c->nr_regs, c->nr_links, c->nr_irqs, c->nr_ranges,
			     c->flags);
}

/* DESTROY_DEVICE or RESET_DEVICE of a device or of an id. */
static long device_id_op(struct fz_thread *t, enum fz_ioc ioc,
			 unsigned long cmd, struct fz_dev *d, int *ctx)
{
	struct vmdev_device_id a = { .size = sizeof(a) };

	a.id = fz_pick_id(t, d, ctx);
	return fz_ioctl_ext(t, *ctx, ioc, cmd, &a, sizeof(a), NULL, 0, 6,
			    NULL);
}

void fz_op_destroy(struct fz_thread *t)
{
	struct fz_dev d;
	int ctx;

	if (!device_id_op(t, FZ_DESTROY_DEVICE, VMDEV_DESTROY_DEVICE, &d, &ctx))
		fz_dev_forget(t, ctx, d.id);
}

void fz_op_reset(struct fz_thread *t)
{
	struct fz_dev d;
	int ctx;

	device_id_op(t, FZ_RESET_DEVICE, VMDEV_RESET_DEVICE, &d, &ctx);
}

/*
 * What the VMM reads of a register (register-devices.rst): a FIFO's
 * number of queued entries, at most its depth; else a value that fits
 * the register's width.
 */
static bool reg_value_ok(const struct fz_dev *d, uint32_t reg, uint64_t v)
{
	if (d->type[reg] == VMDEV_REG_FIFO_IN ||
	    d->type[reg] == VMDEV_REG_FIFO_OUT)
		return v <= VMDEV_MAX_FIFO;
	return d->width[reg] >= 8 || !(v >> (8 * d->width[reg]));
}

void fz_op_reg(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_reg_io, value), 8, false },
	};
	struct vmdev_reg_io io = { .size = sizeof(io) };
	bool write = fz_chance(&t->rng, 50);
	unsigned int gen_before;
	struct fz_dev d;
	int ctx;
	long ret;

	io.id = fz_pick_id(t, &d, &ctx);
	io.reg = fz_pick_reg(t, &d, ~0U);
	io.value = fz_chance(&t->rng, 50) ? fz_below(&t->rng, 4) :
		   fz_wild64(&t->rng);
	if (fz_chance(&t->rng, 3))
		io.pad = fz_wild32(&t->rng);
	gen_before = __atomic_load_n(&t->proc->ctx_gen, __ATOMIC_ACQUIRE);
	if (write) {
		fz_ioctl_ext(t, ctx, FZ_REG_WRITE, VMDEV_REG_WRITE, &io,
			     sizeof(io), NULL, 0, 6, NULL);
		return;
	}
	io.value = fz_u64(&t->rng);	/* an output: ignored on input */
	ret = fz_ioctl_ext(t, ctx, FZ_REG_READ, VMDEV_REG_READ, &io,
			   sizeof(io), outs, 1, 6, NULL);
	if (!ret && d.id && io.reg < d.nr_regs && io.reg < FZ_DEV_REGS &&
	    d.gen == gen_before && same_ctx(t, &d) &&
	    !reg_value_ok(&d, io.reg, io.value))
		fz_violation("REG_READ of register %u (type %u, width %u) of "
			     "device %u read %#llx", io.reg, d.type[io.reg],
			     d.width[io.reg], d.id,
			     (unsigned long long)io.value);
}

void fz_op_fifo(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_fifo_io, done), 4, false },
	};
	struct vmdev_fifo_io io = { .size = sizeof(io) };
	struct fz_rng *rng = &t->rng;
	struct fz_dev d;
	unsigned int x;
	uint32_t i;
	int ctx;
	long ret;

	io.id = fz_pick_id(t, &d, &ctx);
	io.op = fz_chance(rng, 95) ? fz_below(rng, 2) : fz_wild32(rng);
	io.reg = fz_pick_reg(t, &d, io.op == VMDEV_FIFO_DRAIN ?
			     1U << VMDEV_REG_FIFO_IN : 1U << VMDEV_REG_FIFO_OUT);
	x = fz_below(rng, 100);
	if (x < 80)
		io.count = 1 + fz_below(rng, 64);
	else if (x < 85)
		io.count = 0;
	else if (x < 95)
		io.count = 1 + fz_below(rng, VMDEV_MAX_FIFO);
	else
		io.count = VMDEV_MAX_FIFO + 1 + fz_below(rng, 8);
	if (io.op == VMDEV_FIFO_FILL) {
		for (i = 0; i < io.count && i < VMDEV_MAX_FIFO; i++)
			((uint64_t *)t->fifo)[i] = fz_u64(rng);
	}
	/* Entries are the register's width: 8 bytes each is enough. */
	io.buf = fz_array_ptr(t, t->fifo, (size_t)(io.count < VMDEV_MAX_FIFO ?
						   io.count : VMDEV_MAX_FIFO) *
			      (d.nr_regs && io.reg < FZ_DEV_REGS &&
			       io.reg < d.nr_regs && d.width[io.reg] ?
			       d.width[io.reg] : 8),
			      t->fifo);
	io.done = fz_u32(rng);	/* an output: ignored on input */
	ret = fz_ioctl_ext(t, ctx, FZ_FIFO_IO, VMDEV_FIFO_IO, &io, sizeof(io),
			   outs, 1, 6, NULL);
	if (!ret && io.done > io.count)
		fz_violation("FIFO_IO moved %u entries of %u", io.done,
			     io.count);
}

void fz_op_stats(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_stats, fast), 40, false },
	};
	struct vmdev_stats s = { .size = sizeof(s) };
	struct fz_dev d;
	int ctx;

	s.id = fz_pick_id(t, &d, &ctx);
	s.fast = fz_u64(&t->rng);	/* outputs: ignored on input */
	fz_ioctl_ext(t, ctx, FZ_GET_STATS, VMDEV_GET_STATS, &s, sizeof(s),
		     outs, 1, 6, NULL);
}

/* Number 0 is the version, whatever the direction and size bits say. */
void fz_op_version(struct fz_thread *t)
{
	struct fz_call c = {
		.ioc = FZ_GET_API_VERSION,
		.cmd = _IOC(fz_below(&t->rng, 4), VMDEV_IOC_MAGIC, 0,
			    fz_below(&t->rng, _IOC_SIZEMASK + 1)),
	};
	unsigned int gen;
	size_t len;

	if (fz_chance(&t->rng, 50))
		c.cmd = VMDEV_GET_API_VERSION;
	c.arg = fz_place(t, t->fifo, 64, fz_pick_where(t, 50), &len);
	fz_ioctl(t, fz_proc_ctx(t, &gen), &c);
}

/*
 * A command no one has: an unused number of our type (the gaps between
 * and after the commands), or another type with any number, with any
 * argument. ENOTTY, and nothing touched.
 */
void fz_op_unknown(struct fz_thread *t)
{
	static const uint8_t gaps[] = { 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	struct fz_rng *rng = &t->rng;
	struct fz_call c = { .ioc = FZ_UNKNOWN, .checked = true };
	unsigned int type = VMDEV_IOC_MAGIC, nr, gen;
	uint8_t junk[256];
	size_t len;

	switch (fz_below(rng, 3)) {
	case 0:
		nr = gaps[fz_below(rng, sizeof(gaps))];
		break;
	case 1:
		nr = 0x1a + fz_below(rng, 0x100 - 0x1a);
		break;
	default:
		do
			type = fz_below(rng, 0x100);
		while (type == VMDEV_IOC_MAGIC);
		nr = fz_below(rng, 0x100);
		break;
	}
	c.cmd = _IOC(fz_below(rng, 4), type, nr, fz_below(rng, 0x100));
	for (len = 0; len < sizeof(junk); len++)
		junk[len] = (uint8_t)fz_u64(rng);
	c.arg = fz_place(t, junk, sizeof(junk), FZ_AT_BUF, &len);
	c.len = len;
	if (fz_chance(rng, 20)) {
		c.arg = fz_place(t, junk, sizeof(junk), fz_pick_where(t, 100),
				 &len);
		c.checked = false;
	}
	fz_ioctl(t, fz_proc_ctx(t, &gen), &c);
}
