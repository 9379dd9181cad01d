// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfd bindings: VMDEV_IRQFD, VMDEV_IOEVENTFD, VMDEV_NOTIFYFD, bound
 * and unbound (about a third of the calls) with the process's eventfds,
 * which other threads signal, drain, close and replace, register with
 * KVM as irqfds and ioeventfds, and bind on other devices: duplicates,
 * eventfds a device both signals and consumes, descriptors that are
 * closed or no eventfd, all come up. Lines, registers and values are
 * the device's most of the time.
 */
#include <pthread.h>
#include <unistd.h>

#include "fuzz.h"

static uint32_t bind_flags(struct fz_thread *t)
{
	unsigned int x = fz_below(&t->rng, 100);

	if (x < 62)
		return 0;
	if (x < 97)
		return VMDEV_BIND_F_DEASSIGN;
	return fz_wild32(&t->rng);
}

/* Remember a binding made, for an unbind to name it exactly. */
static void remember(struct fz_thread *t, const struct fz_bind *b)
{
	struct fz_proc *p = t->proc;

	if (t->child)
		return;
	pthread_mutex_lock(&p->lock);
	p->binds[p->nr_binds++ % FZ_MAX_BINDS] = *b;
	pthread_mutex_unlock(&p->lock);
}

/*
 * Most unbinds name a binding that was made (maybe since unbound, its
 * device destroyed, its descriptor closed): the teardown paths run
 * under the other threads' signals and accesses. false: pick anew.
 */
static bool recall(struct fz_thread *t, enum fz_ioc ioc, struct fz_bind *b)
{
	struct fz_proc *p = t->proc;
	unsigned int n, i, start;
	bool found = false;

	if (t->child || fz_chance(&t->rng, 30))
		return false;
	pthread_mutex_lock(&p->lock);
	n = p->nr_binds < FZ_MAX_BINDS ? p->nr_binds : FZ_MAX_BINDS;
	start = n ? fz_below(&t->rng, n) : 0;
	for (i = 0; i < n && !found; i++) {
		if (p->binds[(start + i) % n].ioc == ioc) {
			*b = p->binds[(start + i) % n];
			found = true;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

static void close_dup(int fd)
{
	if (fd >= 0)
		close(fd);
}

void fz_op_irqfd(struct fz_thread *t)
{
	struct vmdev_irqfd b = { .size = sizeof(b), .resample_fd = -1 };
	struct fz_dev d;
	int ctx, dup1, dup2 = -1;

	struct fz_bind r;

	b.id = fz_pick_id(t, &d, &ctx);
	b.line = d.nr_irqs && fz_chance(&t->rng, 90) ?
		 fz_below(&t->rng, d.nr_irqs) : fz_below(&t->rng, 10);
	b.flags = bind_flags(t);
	b.fd = fz_pick_efd(t, &dup1);
	if (fz_chance(&t->rng, 40))
		b.resample_fd = fz_pick_efd(t, &dup2);
	if (b.flags == VMDEV_BIND_F_DEASSIGN && recall(t, FZ_IRQFD, &r)) {
		ctx = r.ctx;
		b.id = r.id;
		b.line = r.idx;
		b.fd = r.fd;
	}
	if (!fz_ioctl_ext(t, ctx, FZ_IRQFD, VMDEV_IRQFD, &b, sizeof(b), NULL,
			  0, 5, NULL) && !b.flags && dup1 < 0)
		remember(t, &(struct fz_bind){ FZ_IRQFD, ctx, b.id, b.line,
					       b.fd });
	close_dup(dup1);
	close_dup(dup2);
}

/* Types the guest writes at their own offset, and the rest now and then. */
#define GUEST_WRITABLE	((1U << VMDEV_REG_RW) | (1U << VMDEV_REG_W1C) | \
			 (1U << VMDEV_REG_W1S) | (1U << VMDEV_REG_FIFO_IN) | \
			 (1U << VMDEV_REG_DOORBELL) | (1U << VMDEV_REG_COR))

void fz_op_ioeventfd(struct fz_thread *t)
{
	struct vmdev_ioeventfd b = { .size = sizeof(b) };
	struct fz_dev d;
	int ctx, dup;

	struct fz_bind r;

	b.id = fz_pick_id(t, &d, &ctx);
	b.reg = fz_pick_reg(t, &d, GUEST_WRITABLE);
	b.flags = bind_flags(t);
	b.fd = fz_pick_efd(t, &dup);
	b.value = fz_chance(&t->rng, 70) ? fz_below(&t->rng, 4) :
		  fz_wild64(&t->rng);
	if (fz_chance(&t->rng, 3))
		b.pad = fz_wild32(&t->rng);
	if (b.flags == VMDEV_BIND_F_DEASSIGN && recall(t, FZ_IOEVENTFD, &r)) {
		ctx = r.ctx;
		b.id = r.id;
		b.reg = r.idx;
		b.fd = r.fd;
	}
	if (!fz_ioctl_ext(t, ctx, FZ_IOEVENTFD, VMDEV_IOEVENTFD, &b,
			  sizeof(b), NULL, 0, 5, NULL) && !b.flags && dup < 0)
		remember(t, &(struct fz_bind){ FZ_IOEVENTFD, ctx, b.id, b.reg,
					       b.fd });
	close_dup(dup);
}

void fz_op_notifyfd(struct fz_thread *t)
{
	struct vmdev_notifyfd b = { .size = sizeof(b) };
	struct fz_dev d;
	int ctx, dup;

	struct fz_bind r;

	b.id = fz_pick_id(t, &d, &ctx);
	b.reg = fz_pick_reg(t, &d, 1U << VMDEV_REG_DOORBELL);
	b.flags = bind_flags(t);
	b.fd = fz_pick_efd(t, &dup);
	if (fz_chance(&t->rng, 3))
		b.pad = fz_wild32(&t->rng);
	if (b.flags == VMDEV_BIND_F_DEASSIGN && recall(t, FZ_NOTIFYFD, &r)) {
		ctx = r.ctx;
		b.id = r.id;
		b.reg = r.idx;
		b.fd = r.fd;
	}
	if (!fz_ioctl_ext(t, ctx, FZ_NOTIFYFD, VMDEV_NOTIFYFD, &b, sizeof(b),
			  NULL, 0, 5, NULL) && !b.flags && dup < 0)
		remember(t, &(struct fz_bind){ FZ_NOTIFYFD, ctx, b.id, b.reg,
					       b.fd });
	close_dup(dup);
}
