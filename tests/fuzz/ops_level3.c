// SPDX-License-Identifier: GPL-2.0
/*
 * Level 3: VMDEV_KVM_ATTACH with the process's own VM fd (which may
 * succeed, and then puts the context's devices on that VM's KVM bus
 * while the other threads create, destroy and access them), with
 * descriptors that are not VMs, and with flags and padding set;
 * VMDEV_GET_LEVEL of any address of any space; and VMDEV_BATCH begun
 * and ended in any order (a batch left open holds the windows until
 * another thread ends it or the context goes).
 */
#include <stddef.h>
#include <linux/vmdev.h>

#include "fuzz.h"

void fz_op_kvm_attach(struct fz_thread *t)
{
	struct vmdev_kvm_attach a = { .size = sizeof(a) };
	struct fz_proc *p = t->proc;
	unsigned int x = fz_below(&t->rng, 100), gen;

	if (x < 50 && p->have_vm)
		a.vm_fd = p->vm.vm_fd;
	else if (x < 60 && p->have_vm)
		a.vm_fd = p->vm.vcpu_fd;
	else if (x < 80)
		a.vm_fd = t->proc->efds[fz_below(&t->rng, FZ_NR_EFDS)];
	else if (x < 90)
		a.vm_fd = fz_proc_ctx(t, &gen);
	else
		a.vm_fd = (int)fz_u64(&t->rng);
	if (fz_chance(&t->rng, 10))
		a.flags = (uint32_t)fz_u64(&t->rng);
	if (fz_chance(&t->rng, 5))
		a.pad = (uint32_t)fz_u64(&t->rng);
	fz_ioctl_ext(t, fz_proc_ctx(t, &gen), FZ_KVM_ATTACH, VMDEV_KVM_ATTACH,
		     &a, sizeof(a), NULL, 0, 6, NULL);
}

void fz_op_level(struct fz_thread *t)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_level, level), 16, false },
	};
	struct vmdev_level l = { .size = sizeof(l) };
	unsigned int gen;

	l.space = fz_chance(&t->rng, 95) ? fz_below(&t->rng, 2) :
					   (uint32_t)fz_u64(&t->rng);
	l.addr = fz_chance(&t->rng, 50) ? fz_below(&t->rng, 0x10000) :
					  fz_u64(&t->rng);
	if (fz_chance(&t->rng, 5))
		l.level = (uint32_t)fz_u64(&t->rng);
	fz_ioctl_ext(t, fz_proc_ctx(t, &gen), FZ_GET_LEVEL, VMDEV_GET_LEVEL,
		     &l, sizeof(l), outs, 1, 6, NULL);
}

void fz_op_dev_batch(struct fz_thread *t)
{
	struct vmdev_batch b = { .size = sizeof(b) };
	unsigned int gen;

	b.op = fz_chance(&t->rng, 95) ? 1 + fz_below(&t->rng, 2) :
					(uint32_t)fz_u64(&t->rng);
	if (fz_chance(&t->rng, 5))
		b.flags = (uint32_t)fz_u64(&t->rng);
	if (fz_chance(&t->rng, 5))
		b.pad = (uint32_t)fz_u64(&t->rng);
	fz_ioctl_ext(t, fz_proc_ctx(t, &gen), FZ_BATCH, VMDEV_BATCH,
		     &b, sizeof(b), NULL, 0, 6, NULL);
}
