// SPDX-License-Identifier: GPL-2.0
/*
 * One worker process: its context (shared by its threads), the devices
 * it created and remembers, its pool of eventfds, its threads.
 *
 * The threads share everything on purpose: one destroys the device
 * another is accessing or binding, closes the eventfd another is about
 * to bind, replaces the context under all of them (fz_recycle_ctx()).
 * Only the table of devices is kept under a lock, so that ids stay
 * meaningful; what the ids name may be gone by the time they are used.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fuzz.h"

bool fz_stopping(void)
{
	return __atomic_load_n(&fz_sh->stop, __ATOMIC_RELAXED) ||
	       fz_now_ns() > fz_sh->hard_stop_ns;
}

/* The thread begins operation what (a static string). */
void fz_beat(struct fz_thread *t, const char *what)
{
	struct fz_beat *b = &fz_sh->beat[t->proc->index][t->index];
	uint64_t now = fz_now_ns();

	if (t->child)
		return;
	b->hist[b->nr_hist % FZ_HIST] = what;
	b->hist_ns[b->nr_hist % FZ_HIST] = now;
	b->nr_hist++;
	b->what = what;
	__atomic_store_n(&b->beat_ns, now, __ATOMIC_RELAXED);
}

/* The context to use: the process's own, or now and then the shared one. */
int fz_proc_ctx(struct fz_thread *t, unsigned int *gen)
{
	struct fz_proc *p = t->proc;

	if (fz_chance(&t->rng, 8)) {
		*gen = 0;
		return p->shared_ctx;
	}
	*gen = __atomic_load_n(&p->ctx_gen, __ATOMIC_ACQUIRE);
	return p->ctx;
}

/* A remembered device, copied out; false if none is. */
bool fz_pick_dev(struct fz_thread *t, struct fz_dev *d)
{
	struct fz_proc *p = t->proc;
	bool found = false;

	if (t->child) {
		*d = t->snap;
		return d->id != 0;
	}
	pthread_mutex_lock(&p->lock);
	if (p->nr_devs) {
		*d = p->devs[fz_below(&t->rng, p->nr_devs)];
		found = true;
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

/*
 * The id for a command that names a device, with the context it lives
 * in: usually a device this process made (maybe destroyed since), else
 * an id no one has (0, near the limits, random). d describes the device
 * (nr_regs 0 for an unknown one).
 */
uint32_t fz_pick_id(struct fz_thread *t, struct fz_dev *d, int *ctx)
{
	unsigned int gen;

	if (fz_chance(&t->rng, 88) && fz_pick_dev(t, d)) {
		*ctx = d->ctx;
		return d->id;
	}
	memset(d, 0, sizeof(*d));
	*ctx = fz_proc_ctx(t, &gen);
	if (fz_chance(&t->rng, 50))
		d->id = 1 + fz_below(&t->rng, 400);
	else
		d->id = fz_wild32(&t->rng);
	return d->id;
}

/*
 * A register index of device d for a command that wants one of types
 * (a mask of 1 << VMDEV_REG_*): mostly one of those the map has, else
 * any of its registers, one past them, or anything.
 */
uint32_t fz_pick_reg(struct fz_thread *t, const struct fz_dev *d,
		     uint32_t types)
{
	uint32_t n = d->nr_regs < FZ_DEV_REGS ? d->nr_regs : FZ_DEV_REGS;
	uint32_t i, start = n ? fz_below(&t->rng, n) : 0;
	unsigned int x = fz_below(&t->rng, 100);

	if (n && x < 75) {
		for (i = 0; i < n; i++) {
			if (types & (1U << d->type[(start + i) % n]))
				return (start + i) % n;
		}
	}
	if (d->nr_regs && x < 90)
		return fz_below(&t->rng, d->nr_regs);
	if (x < 96)
		return d->nr_regs + fz_below(&t->rng, 3);
	return fz_wild32(&t->rng);
}

/* Remember a device made from m; the oldest one goes when it is full. */
void fz_dev_add(struct fz_thread *t, int ctx, unsigned int gen,
		const struct fz_map *m, uint32_t id)
{
	struct fz_proc *p = t->proc;
	struct fz_dev d = { .id = id, .ctx = ctx, .gen = gen };
	uint32_t i;

	if (t->child)
		return;
	d.nr_regs = (uint16_t)m->req.nr_regs;
	d.nr_irqs = (uint16_t)m->req.nr_irqs;
	for (i = 0; i < m->req.nr_regs && i < FZ_DEV_REGS; i++) {
		d.type[i] = m->regs[i].type;
		d.width[i] = m->regs[i].width;
		d.flags[i] = m->regs[i].flags;
	}
	d.nr_ranges = m->req.nr_ranges;
	memcpy(d.ranges, m->ranges, d.nr_ranges * sizeof(d.ranges[0]));
	pthread_mutex_lock(&p->lock);
	if (p->nr_devs < FZ_MAX_DEVS)
		p->devs[p->nr_devs++] = d;
	else
		p->devs[fz_below(&t->rng, FZ_MAX_DEVS)] = d;
	pthread_mutex_unlock(&p->lock);
}

void fz_dev_forget(struct fz_thread *t, int ctx, uint32_t id)
{
	struct fz_proc *p = t->proc;
	unsigned int i;

	if (t->child)
		return;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nr_devs; i++) {
		if (p->devs[i].id == id && p->devs[i].ctx == ctx)
			p->devs[i--] = p->devs[--p->nr_devs];
	}
	pthread_mutex_unlock(&p->lock);
}

/*
 * A descriptor for an eventfd argument: mostly one of the pool (which
 * another thread may be replacing: closed, or reused for anything), a
 * dup() of one (*dup_fd, for the caller to close: the same eventfd
 * under another number), a descriptor that is no eventfd, or none.
 */
int fz_pick_efd(struct fz_thread *t, int *dup_fd)
{
	struct fz_proc *p = t->proc;
	int fd = p->efds[fz_below(&t->rng, FZ_NR_EFDS)];
	int closed;

	*dup_fd = -1;
	switch (fz_below(&t->rng, 32)) {
	case 0:
	case 1:
		*dup_fd = dup(fd);
		return *dup_fd;
	case 2:
		return p->ctx;
	case 3:
		return p->null_fd;
	case 4:
		return p->have_vm ? p->vm.vm_fd : p->null_fd;
	case 5:
		return p->have_vm ? p->vm.vcpu_fd : -1;
	case 6:
		return fz_chance(&t->rng, 50) ? -1 : (int)fz_wild32(&t->rng);
	case 7:
		closed = eventfd(0, EFD_CLOEXEC);
		if (closed >= 0)
			close(closed);
		return closed;
	default:
		return fd;
	}
}

/*
 * Replace the process's context by a new, empty one under the same
 * descriptor number, while the other threads use it: their calls in
 * flight finish on the old one, which goes when the last of them does.
 */
void fz_recycle_ctx(struct fz_thread *t)
{
	struct fz_proc *p = t->proc;
	unsigned int i;
	int fd;

	if (t->child)
		return;
	fd = open("/dev/vmdev", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	/*
	 * The generation is odd while the context changes, like a seqlock's
	 * count: a check that reads the same even generation before and
	 * after a call knows the call reached the context it meant.
	 */
	pthread_mutex_lock(&p->lock);
	__atomic_fetch_add(&p->ctx_gen, 1, __ATOMIC_ACQ_REL);
	if (dup2(fd, p->ctx) == p->ctx) {
		for (i = 0; i < p->nr_devs; i++) {
			if (p->devs[i].ctx == p->ctx)
				p->devs[i--] = p->devs[--p->nr_devs];
		}
		__atomic_fetch_add(&fz_sh->side.ctx_recycles, 1,
				   __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&p->ctx_gen, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&p->lock);
	close(fd);
}

static void *thread_main(void *arg)
{
	struct fz_thread *t = arg;
	void *tick = NULL;

	fz_sh->beat[t->proc->index][t->index].tid = gettid();
	fz_beat(t, "start");
	/* The runner is kicked often; the others only when they run a vCPU. */
	if (fz_tick_start(t, t->index ? 50000 : 10000, &tick))
		fz_violation("proc %u thread %u: no timer: %s", t->proc->index,
			     t->index, strerror(errno));
	if (t->index == 0 && t->proc->have_vm) {
		fz_runner(t);
	} else {
		while (!fz_stopping()) {
			fz_op_random(t);
			fz_beat(t, "idle");
		}
	}
	fz_tick_stop(tick);
	fz_beat(t, "done");
	return NULL;
}

static int proc_setup(struct fz_proc *p)
{
	unsigned int i;

	p->ctx = open("/dev/vmdev", O_RDWR | O_CLOEXEC);
	if (p->ctx < 0)
		return -errno;
	p->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (p->null_fd < 0)
		return -errno;
	for (i = 0; i < FZ_NR_EFDS; i++) {
		p->efds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (p->efds[i] < 0)
			return -errno;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_rwlock_init(&p->vcpu_lock, NULL);
	return fz_runner_setup(p);
}

/* The body of a worker process; its exit status. */
int fz_proc_main(struct fz_proc *p)
{
	static struct fz_thread threads[FZ_MAX_THREADS];
	pthread_t tids[FZ_MAX_THREADS];
	unsigned int i, n = fz_cfg->threads;
	int ret;

	ret = proc_setup(p);
	if (ret) {
		fz_violation("proc %u: set-up failed: %s", p->index,
			     strerror(-ret));
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct fz_thread *t = &threads[i];

		t->proc = p;
		t->index = i;
		fz_rng_seed(&t->rng, fz_cfg->seed, (p->index + 1) << 8 | i);
		if (fz_mem_init(&t->mem)) {
			fz_violation("proc %u: no memory", p->index);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		ret = pthread_create(&tids[i], NULL, thread_main, &threads[i]);
		if (ret) {
			fz_violation("proc %u: pthread_create: %s", p->index,
				     strerror(ret));
			n = i;
			__atomic_store_n(&fz_sh->stop, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	/* Contexts and the VM go with the process: its exit closes them. */
	return 0;
}
