// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_RUN from the threads that are not the runner, with the vCPU and
 * kvm_run arguments it must check: the process's own vCPU (which the
 * runner is running: the call waits for it, then runs the guest until
 * this thread's tick), the parent's vCPU (another process's VM),
 * descriptors that are no vCPU or none; its mapping, a second mapping of
 * it, mappings that are read-only, private, from its second page, longer
 * than its pages, addresses inside it, elsewhere or nowhere.
 *
 * And two ways of changing the run page under a running loop: replacing
 * the second mapping (which the runner passes now and then), and
 * overwriting the exit the loop is about to read.
 */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

/* The vcpu_fd argument; *to_close: a dup() to close afterwards, or -1. */
static int pick_vcpu(struct fz_thread *t, int *to_close)
{
	struct fz_proc *p = t->proc;

	*to_close = -1;
	switch (fz_below(&t->rng, 10)) {
	case 0:
		return p->foreign_vcpu;
	case 1:
	case 2:
		/* No vCPU (an eventfd, /dev/null...) or no descriptor. */
		return fz_pick_efd(t, to_close);
	case 3:
		return p->ctx;
	default:
		return p->have_vm ? p->vm.vcpu_fd : p->foreign_vcpu;
	}
}

static uint64_t pick_run(struct fz_thread *t, int vcpu)
{
	struct fz_proc *p = t->proc;
	uint8_t *run = (uint8_t *)p->vm.run;

	if (vcpu == p->foreign_vcpu)
		return (uintptr_t)p->foreign_run;
	switch (fz_below(&t->rng, 14)) {
	case 0:
		return (uintptr_t)__atomic_load_n(&p->run_alias,
						  __ATOMIC_RELAXED);
	case 1:
		return (uintptr_t)p->run_ro;
	case 2:
		return (uintptr_t)p->run_priv;
	case 3:
		return (uintptr_t)p->run_pio;
	case 4:
		return (uintptr_t)p->run_big;
	case 5:
		return (uintptr_t)(run ? run + 8 * (1 + fz_below(&t->rng, 64)) :
				   NULL);
	case 6:
		return (uintptr_t)t->mem.buf;
	case 7:
		return (uintptr_t)t->mem.none;
	case 8:
		return fz_wild64(&t->rng);
	default:
		return (uintptr_t)run;
	}
}

void fz_op_run(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		/* exits is written back when the loop ran, error or not. */
		{ offsetof(struct vmdev_run, exits), 8, true },
	};
	struct vmdev_run r = { .size = sizeof(r), .exits = ~0ULL };
	struct fz_proc *p = t->proc;
	unsigned int gen;
	int ctx, to_close;

	r.vcpu_fd = pick_vcpu(t, &to_close);
	r.kvm_run = pick_run(t, r.vcpu_fd);
	if (fz_chance(&t->rng, 4))
		r.flags = fz_wild32(&t->rng);
	if (fz_chance(&t->rng, 4))
		r.pad = fz_wild32(&t->rng);
	ctx = fz_proc_ctx(t, &gen);
	/*
	 * Our tick ends the guest this call may run (see runner.c); the
	 * runner does not reload the guest under it. A child takes no lock.
	 */
	if (p->have_vm)
		fz_guard(t, p->vm.run);
	if (p->have_vm && !t->child)
		pthread_rwlock_rdlock(&p->vcpu_lock);
	fz_ioctl_ext(t, ctx, FZ_RUN, VMDEV_RUN, &r, sizeof(r), outs, 1, 5,
		     NULL);
	if (p->have_vm && !t->child)
		pthread_rwlock_unlock(&p->vcpu_lock);
	fz_guard(t, NULL);
	if (to_close >= 0)
		close(to_close);
}

/*
 * Replace the second mapping of the run page, and unmap the old one,
 * which the runner may be passing to VMDEV_RUN right now: the loop must
 * then fail (EFAULT, EINVAL), not use a page that is not there.
 */
void fz_op_remap_run(struct fz_thread *t)
{
	struct fz_proc *p = t->proc;
	void *m, *old;

	if (!p->have_vm)
		return;
	m = mmap(NULL, p->vm.run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 p->vm.vcpu_fd, 0);
	if (m == MAP_FAILED)
		return;
	old = __atomic_exchange_n(&p->run_alias, m, __ATOMIC_RELAXED);
	if (old)
		munmap(old, p->vm.run_size);
	__atomic_fetch_add(&fz_sh->side.run_remaps, 1, __ATOMIC_RELAXED);
}

/*
 * Overwrite the exit in the run page while the runner's loop may be
 * reading it: the reason and the I/O or MMIO fields (count, size,
 * data_offset, port, address, length). The page is the VMM's memory;
 * the loop must treat it as such and leave it to the VMM or fail, never
 * reach outside the mapping or the exit data.
 */
void fz_op_scribble(struct fz_thread *t)
{
	struct fz_proc *p = t->proc;
	uint8_t *run = (uint8_t *)p->vm.run;
	size_t off = offsetof(struct kvm_run, io);
	uint32_t i, n = 1 + fz_below(&t->rng, 4);
	uint32_t v;

	if (!p->have_vm)
		return;
	for (i = 0; i < n; i++) {
		/* Rarely the reason: the runner reloads its guest for it. */
		if (fz_chance(&t->rng, 3)) {
			v = fz_chance(&t->rng, 50) ?
			    (fz_chance(&t->rng, 50) ? KVM_EXIT_IO : KVM_EXIT_MMIO) :
			    fz_wild32(&t->rng);
			__atomic_store_n(&p->vm.run->exit_reason, v,
					 __ATOMIC_RELAXED);
			continue;
		}
		/* A 32-bit store at a random place of the exit union. */
		v = fz_wild32(&t->rng);
		memcpy(run + off + 4 * fz_below(&t->rng, 8), &v, sizeof(v));
	}
	__atomic_fetch_add(&fz_sh->side.scribbles, 1, __ATOMIC_RELAXED);
}
