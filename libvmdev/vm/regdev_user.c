// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The user backend: the register-device core runs in this process and
 * the library delivers what its operations report, as vmdev.ko does in
 * the kernel: an edge line that rises triggers its group once; a level
 * line follows the device (assert while asserted, clear when not), and
 * the interrupt manager's resampler fires it again after each EOI while
 * it stays asserted; a doorbell that rings signals its notify eventfd.
 *
 * Deliveries read the bindings under RCU (the I/O manager's callbacks run
 * inside its read-side section; the VMM-side calls take one), so an
 * unbind only has to unpublish and wait for a grace period.
 */
#include <sys/eventfd.h>

#include "base/internal.h"
#include "vm_internal.h"

static void count(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/*
 * A level line changed. Events of concurrent accesses may be delivered
 * out of order, so the level delivered is the device's at the time of
 * delivery, read under the line's lock: the last delivery always leaves
 * the group as the device is.
 */
static void deliver_level(struct vmdev_regdev *rd, uint32_t line,
			  struct vmdev_irq_group *grp)
{
	struct regdev_line *l = &rd->lines[line];

	pthread_mutex_lock(&l->lock);
	/* Unless an unbind lowered the line after this delivery found it. */
	if (rcu_dereference(l->live) == grp) {
		if (vmdev_rdev_irq_asserted(rd->rdev, line))
			vmdev_irq_group_assert(grp, 0);
		else
			vmdev_irq_group_clear(grp, 0);
	}
	pthread_mutex_unlock(&l->lock);
}

/*
 * Inside an RCU read-side section: the lines in changed, rose among them.
 * A signal that fails (a full eventfd counter) has nobody to report to:
 * the access that raised it is done.
 */
static void deliver_lines(struct vmdev_regdev *rd, uint32_t rose,
			  uint32_t changed)
{
	struct vmdev_irq_group *grp;
	uint32_t i;

	for (; changed; changed &= changed - 1) {
		i = __builtin_ctz(changed);
		grp = rcu_dereference(rd->lines[i].live);
		if (!grp)
			continue;
		if (rd->irqs[i].flags & VMDEV_IRQ_F_LEVEL)
			deliver_level(rd, i, grp);
		else if (rose & (1U << i))
			vmdev_irq_group_trigger(grp, 0);
	}
}

/* Inside an RCU read-side section: everything an operation reported. */
static void deliver(struct vmdev_regdev *rd, const struct vmdev_rdev_events *ev)
{
	uint32_t bits;
	int fd;

	deliver_lines(rd, ev->irq_rose, ev->irq_rose | ev->irq_fell);
	for (bits = ev->doorbells; bits; bits &= bits - 1) {
		fd = atomic_load_explicit(&rd->user_notify[__builtin_ctz(bits)],
					  memory_order_acquire);
		if (fd >= 0)
			eventfd_write(fd, 1);
	}
	if (ev->irq_rose)
		count(&rd->stats.irqs, __builtin_popcount(ev->irq_rose));
	if (ev->doorbells)
		count(&rd->stats.doorbells, __builtin_popcount(ev->doorbells));
}

/* Deliver from a VMM-side call, outside any read-side section. */
static void deliver_locked(struct vmdev_regdev *rd,
			   const struct vmdev_rdev_events *ev)
{
	if (!ev->irq_rose && !ev->irq_fell && !ev->doorbells)
		return;
	/* -ENOMEM (thread not registered): nothing is bound to signal. */
	if (vmdev_rcu_read_lock())
		return;
	deliver(rd, ev);
	vmdev_rcu_read_unlock();
}

void vmdev_regdev_user_deliver(struct vmdev_regdev *rd,
			       const struct vmdev_rdev_events *ev)
{
	deliver_locked(rd, ev);
}

static int user_create(struct vmdev_regdev *rd,
		       const struct vmdev_rdev_desc *desc,
		       const struct vmdev_range *ranges, uint32_t nr_ranges)
{
	int ret;

	(void)ranges;
	(void)nr_ranges;
	ret = vmdev_rdev_create(desc, &rd->rdev);
	return ret ? vmdev_err(-ret) : 0;
}

static void user_destroy(struct vmdev_regdev *rd)
{
	vmdev_rdev_destroy(rd->rdev);
	rd->rdev = NULL;
}

/* Called by the I/O manager's dispatch: inside its read-side section. */
static int user_access(struct vmdev_regdev *rd, enum vmdev_space space,
		       uint64_t addr, uint64_t offset, uint32_t len, bool write,
		       uint64_t *data)
{
	struct vmdev_rdev_events ev;
	int ret;

	(void)space;
	(void)addr;
	ret = vmdev_rdev_access(rd->rdev, offset, len, write, data, &ev);
	if (ret < 0)
		return vmdev_err(-ret);
	count(ret ? &rd->stats.slow : &rd->stats.fast, 1);
	deliver(rd, &ev);
	return ret;
}

void vmdev_regdev_user_apply(struct vmdev_regdev *rd, uint32_t reg,
			     uint64_t value)
{
	const struct vmdev_reg *r = &rd->regs[reg];
	struct vmdev_rdev_events ev;

	if (vmdev_rdev_access(rd->rdev, r->offset, r->width, true, &value,
			      &ev))
		return;	/* a bank not selected now: a hole that traps */
	count(&rd->stats.ioeventfds, 1);
	deliver(rd, &ev);
}

static int user_reset(struct vmdev_regdev *rd)
{
	struct vmdev_rdev_events ev;

	vmdev_rdev_reset(rd->rdev, &ev);
	deliver_locked(rd, &ev);
	return 0;
}

static int user_reg_read(struct vmdev_regdev *rd, uint32_t reg, uint64_t *val)
{
	int ret = vmdev_rdev_reg_read(rd->rdev, reg, val);

	return ret ? vmdev_err(-ret) : 0;
}

static int user_reg_write(struct vmdev_regdev *rd, uint32_t reg, uint64_t val)
{
	struct vmdev_rdev_events ev;
	int ret;

	ret = vmdev_rdev_reg_write(rd->rdev, reg, val, &ev);
	if (ret)
		return vmdev_err(-ret);
	deliver_locked(rd, &ev);
	return 0;
}

static int user_fifo(struct vmdev_regdev *rd, uint32_t reg, bool fill,
		     void *buf, uint32_t count)
{
	struct vmdev_rdev_events ev;
	int ret;

	if (fill)
		ret = vmdev_rdev_fifo_fill(rd->rdev, reg, buf, count, &ev);
	else
		ret = vmdev_rdev_fifo_drain(rd->rdev, reg, buf, count, &ev);
	if (ret < 0)
		return vmdev_err(-ret);
	deliver_locked(rd, &ev);
	return ret;
}

static int user_stats(struct vmdev_regdev *rd, struct vmdev_regdev_stats *st)
{
	st->fast = atomic_load_explicit(&rd->stats.fast, memory_order_relaxed);
	st->slow = atomic_load_explicit(&rd->stats.slow, memory_order_relaxed);
	st->irqs = atomic_load_explicit(&rd->stats.irqs, memory_order_relaxed);
	st->doorbells = atomic_load_explicit(&rd->stats.doorbells,
					     memory_order_relaxed);
	st->ioeventfds = atomic_load_explicit(&rd->stats.ioeventfds,
					      memory_order_relaxed);
	return 0;
}

/* The library drives level lines itself and resamples them. */
static uint32_t user_irq_group_flags(bool level)
{
	return level ? VMDEV_IRQ_GROUP_LEVEL : 0;
}

/*
 * Publish the line, then bring the group to the device's level: a line
 * asserted already is signalled (an edge line once), not counted as a
 * rise, since it rose before.
 */
static int user_irq_bind(struct vmdev_regdev *rd, uint32_t line,
			 struct vmdev_irq_group *grp)
{
	rcu_assign_pointer(rd->lines[line].live, grp);
	if (vmdev_rdev_irq_asserted(rd->rdev, line) &&
	    !vmdev_rcu_read_lock()) {
		deliver_lines(rd, 1U << line, 1U << line);
		vmdev_rcu_read_unlock();
	}
	return 0;
}

/*
 * Unpublish, then lower a level line, under its lock, so that neither a
 * delivery in flight nor the resampler raises it again: a device that is
 * not bound any more interrupts nobody.
 */
static int user_irq_unbind(struct vmdev_regdev *rd, uint32_t line,
			   struct vmdev_irq_group *grp)
{
	struct regdev_line *l = &rd->lines[line];

	rcu_assign_pointer(l->live, NULL);
	if (rd->irqs[line].flags & VMDEV_IRQ_F_LEVEL) {
		pthread_mutex_lock(&l->lock);
		vmdev_irq_group_clear(grp, 0);
		pthread_mutex_unlock(&l->lock);
	}
	return 0;
}

/* The vCPU loop matches user-mode doorbells in the context's table. */
static int user_doorbell_add(struct vmdev_regdev *rd, struct doorbell *db)
{
	(void)rd;
	db->fd = -1;
	return 0;
}

static void user_doorbell_remove(struct vmdev_regdev *rd, struct doorbell *db)
{
	(void)rd;
	(void)db;
}

static int user_notify_bind(struct vmdev_regdev *rd, uint32_t reg, int fd)
{
	int slot = vmdev_rdev_doorbell_slot(rd->rdev, reg);

	if (slot < 0)
		return vmdev_err(-slot);
	atomic_store_explicit(&rd->user_notify[slot], fd, memory_order_release);
	return 0;
}

static int user_notify_unbind(struct vmdev_regdev *rd, uint32_t reg, int fd)
{
	int slot = vmdev_rdev_doorbell_slot(rd->rdev, reg);

	(void)fd;
	if (slot < 0)
		return vmdev_err(-slot);
	atomic_store_explicit(&rd->user_notify[slot], -1, memory_order_release);
	return 0;
}

const struct regdev_backend vmdev_regdev_user_ops = {
	.create = user_create,
	.destroy = user_destroy,
	.access = user_access,
	.reset = user_reset,
	.reg_read = user_reg_read,
	.reg_write = user_reg_write,
	.fifo = user_fifo,
	.stats = user_stats,
	.irq_group_flags = user_irq_group_flags,
	.irq_bind = user_irq_bind,
	.irq_unbind = user_irq_unbind,
	.doorbell_add = user_doorbell_add,
	.doorbell_remove = user_doorbell_remove,
	.notify_bind = user_notify_bind,
	.notify_unbind = user_notify_unbind,
};
