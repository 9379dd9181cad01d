// SPDX-License-Identifier: GPL-2.0
/*
 * What happens around the module while the commands run: eventfds
 * signalled (as KVM's ioeventfds and resamples would, and with counts
 * KVM never makes), drained, closed and replaced; registered with the
 * process's VM as KVM ioeventfds (so guest writes signal them from the
 * vCPU) and irqfds (so the module's signals inject interrupts); the
 * context replaced under the threads; short-lived children working on
 * the inherited context. And the choice of the next operation.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static int pool_fd(struct fz_thread *t)
{
	return t->proc->efds[fz_below(&t->rng, FZ_NR_EFDS)];
}

void fz_op_efd_signal(struct fz_thread *t)
{
	unsigned int x = fz_below(&t->rng, 100);
	uint64_t v = 1;

	if (x >= 85 && x < 95)
		v = 1 + fz_below(&t->rng, 1000);
	else if (x >= 95)
		v = fz_chance(&t->rng, 50) ? ~0ULL - 1 : fz_wild64(&t->rng);
	/* Full counters refuse (EAGAIN), ~0 is refused (EINVAL): fine. */
	if (write(pool_fd(t), &v, sizeof(v)) == sizeof(v))
		__atomic_fetch_add(&fz_sh->side.efd_signals, 1,
				   __ATOMIC_RELAXED);
}

void fz_op_efd_drain(struct fz_thread *t)
{
	uint64_t v;

	if (read(pool_fd(t), &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
}

/* Close a pool eventfd and put a new one in its place. */
void fz_op_efd_recycle(struct fz_thread *t)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), old;

	if (fd < 0)
		return;
	old = __atomic_exchange_n(&t->proc->efds[fz_below(&t->rng,
							   FZ_NR_EFDS)],
				  fd, __ATOMIC_RELAXED);
	close(old);
	__atomic_fetch_add(&fz_sh->side.efd_recycles, 1, __ATOMIC_RELAXED);
}

/* A KVM ioeventfd in an arena: guest writes there signal a pool eventfd. */
void fz_op_kvm_ioeventfd(struct fz_thread *t)
{
	static const uint8_t lens[] = { 1, 2, 4, 8 };
	struct fz_proc *p = t->proc;
	struct kvm_ioeventfd io = { .fd = pool_fd(t) };
	bool pio = fz_chance(&t->rng, 50);

	if (!p->have_vm)
		return;
	io.len = lens[fz_below(&t->rng, pio ? 3 : 4)];
	io.addr = pio ? FZ_PIO_ARENA + fz_below(&t->rng, FZ_PIO_ARENA_LEN - 8) :
		  FZ_MMIO_ARENA + fz_below(&t->rng, FZ_MMIO_ARENA_LEN - 8);
	if (pio)
		io.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (fz_chance(&t->rng, 60)) {
		io.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
		io.datamatch = fz_below(&t->rng, 4);
	}
	if (fz_chance(&t->rng, 40))
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (!ioctl(p->vm.vm_fd, KVM_IOEVENTFD, &io))
		__atomic_fetch_add(&fz_sh->side.kvm_ioeventfds, 1,
				   __ATOMIC_RELAXED);
}

/* A KVM irqfd (level ones with a resample eventfd) on a pool eventfd. */
void fz_op_kvm_irqfd(struct fz_thread *t)
{
	struct fz_proc *p = t->proc;
	struct kvm_irqfd q = {
		.fd = (uint32_t)pool_fd(t), .gsi = fz_below(&t->rng, 24),
	};

	if (!p->have_vm)
		return;
	if (fz_chance(&t->rng, 40)) {
		q.flags = KVM_IRQFD_FLAG_DEASSIGN;
	} else if (fz_chance(&t->rng, 50)) {
		q.flags = KVM_IRQFD_FLAG_RESAMPLE;
		q.resamplefd = (uint32_t)pool_fd(t);
	}
	if (!ioctl(p->vm.vm_fd, KVM_IRQFD, &q))
		__atomic_fetch_add(&fz_sh->side.kvm_irqfds, 1,
				   __ATOMIC_RELAXED);
}

/*
 * A child that inherits everything (the context, the eventfds, the vCPU
 * and its mapping) makes a few calls on them and exits, while the
 * parent's threads go on. It takes no lock (another thread may have
 * held one at the fork) and remembers only the device picked before.
 */
void fz_op_fork(struct fz_thread *t)
{
	static void (*const ops[])(struct fz_thread *) = {
		fz_op_access, fz_op_batch, fz_op_reg, fz_op_fifo,
		fz_op_stats, fz_op_reset, fz_op_irqfd, fz_op_ioeventfd,
		fz_op_notifyfd, fz_op_run, fz_op_destroy,
	};
	uint64_t seed = fz_u64(&t->rng);
	struct fz_dev d;
	pid_t pid;
	int i, st;

	if (!fz_pick_dev(t, &d))
		memset(&d, 0, sizeof(d));
	pid = fork();
	if (pid == 0) {
		t->child = true;
		t->snap = d;
		fz_rng_seed(&t->rng, seed, 0);
		for (i = 0; i < 24 && !fz_stopping(); i++)
			ops[fz_below(&t->rng, sizeof(ops) / sizeof(ops[0]))](t);
		_exit(0);
	}
	if (pid < 0)
		return;
	__atomic_fetch_add(&fz_sh->side.forks, 1, __ATOMIC_RELAXED);
	if (waitpid(pid, &st, 0) == pid && (!WIFEXITED(st) || WEXITSTATUS(st)))
		fz_violation("a forked child of proc %u ended with status %#x",
			     t->proc->index, st);
}

static void op_recycle(struct fz_thread *t)
{
	fz_recycle_ctx(t);
}

/* The next operation of a fuzzing thread, by weight. */
void fz_op_random(struct fz_thread *t)
{
	static const struct {
		void (*fn)(struct fz_thread *t);
		const char *name;
		unsigned int weight;	/* thousandths of a percent */
	} ops[] = {
		{ fz_op_create, "CREATE_DEVICE", 12000 },
		{ fz_op_destroy, "DESTROY_DEVICE", 1200 },
		{ fz_op_reset, "RESET_DEVICE", 2500 },
		{ fz_op_access, "ACCESS", 14000 },
		{ fz_op_batch, "ACCESS_BATCH", 6000 },
		{ fz_op_reg, "REG_READ/WRITE", 10000 },
		{ fz_op_fifo, "FIFO_IO", 6000 },
		{ fz_op_stats, "GET_STATS", 3500 },
		{ fz_op_run, "RUN", 3000 },
		{ fz_op_irqfd, "IRQFD", 6000 },
		{ fz_op_ioeventfd, "IOEVENTFD", 6000 },
		{ fz_op_notifyfd, "NOTIFYFD", 5000 },
		{ fz_op_kvm_attach, "KVM_ATTACH", 600 },
		{ fz_op_level, "GET_LEVEL", 2000 },
		{ fz_op_snapshot, "SAVE/RESTORE", 4000 },
		{ fz_op_dev_batch, "BATCH", 1000 },
		{ fz_op_unknown, "unknown command", 2000 },
		{ fz_op_version, "GET_API_VERSION", 1000 },
		{ fz_op_efd_signal, "eventfd write", 6000 },
		{ fz_op_efd_drain, "eventfd read", 2000 },
		{ fz_op_efd_recycle, "eventfd replace", 1000 },
		{ fz_op_kvm_ioeventfd, "KVM_IOEVENTFD", 2000 },
		{ fz_op_kvm_irqfd, "KVM_IRQFD", 2000 },
		{ fz_op_remap_run, "kvm_run remap", 600 },
		{ fz_op_scribble, "kvm_run scribble", 600 },
		/* Rare: each undoes much (a fork copies the process). */
		{ fz_op_fork, "fork", 40 },
		{ op_recycle, "context replace", 1 },
	};
	unsigned int i, n = sizeof(ops) / sizeof(ops[0]), sum = 0, x;

	for (i = 0; i < n; i++)
		sum += ops[i].weight;
	x = fz_below(&t->rng, sum);
	for (i = 0; i < n - 1 && x >= ops[i].weight; i++)
		x -= ops[i].weight;
	fz_beat(t, ops[i].name);
	ops[i].fn(t);
}
