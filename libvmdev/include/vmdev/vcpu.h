/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The vCPU run call of a VM context (<vmdev/vm.h>): enter the guest and
 * complete its PIO and MMIO exits until something needs the VMM. In
 * kernel mode vmdev.ko's run loop completes the register devices' exits
 * without leaving the kernel; in user mode KVM_RUN returns each exit and
 * the library completes it. Slow-path exits go to the context's I/O
 * manager in both modes.
 *
 * Documentation/fast-path-library.rst is the reference.
 */
#ifndef VMDEV_VCPU_H
#define VMDEV_VCPU_H

#include <vmdev/common.h>
#include <vmdev/vm.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kvm_run;
struct vmdev_vcpu;

struct vmdev_vcpu_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
};

/*
 * Run vCPU vcpu_fd (a KVM vCPU of this process, of the context's VM)
 * whose kvm_run page the caller mapped at run, run_size bytes (both
 * borrowed). Errors: -EINVAL (NULL, bad opts, run_size smaller than
 * struct kvm_run), -EBADF (negative fd), -ENOTTY (not a KVM vCPU fd),
 * -ENOMEM.
 */
VMDEV_API int vmdev_vcpu_new(struct vmdev_vm *vm, int vcpu_fd,
			     struct kvm_run *run, size_t run_size,
			     const struct vmdev_vcpu_opts *opts,
			     struct vmdev_vcpu **out);
/*
 * NULL is ignored. Not while the vCPU runs, nor from a device callback
 * (as vmdev_vm_free()).
 */
VMDEV_API void vmdev_vcpu_free(struct vmdev_vcpu *vcpu);

/* Results of vmdev_vcpu_run() besides a negative errno. */
#define VMDEV_VCPU_EXIT		0	/* not a PIO/MMIO exit */
#define VMDEV_VCPU_UNHANDLED	1	/* a PIO/MMIO exit left undone */

/*
 * Run the guest until an exit the library does not complete: returns
 * VMDEV_VCPU_EXIT with the exit in kvm_run (HLT, SHUTDOWN, ...), or
 * VMDEV_VCPU_UNHANDLED with a PIO or MMIO exit intact in kvm_run that no
 * device completed (vmdev_vcpu_unhandled() says why; the VMM completes
 * it and calls again), or a negative errno: -EINTR (a signal, or
 * immediate_exit), -EAGAIN (KVM's: an application processor woken
 * before its startup IPI; call again), -EPROTO (an exit KVM should not produce), KVM_RUN's
 * or VMDEV_RUN's other errors, -EINVAL (NULL). One thread at a time.
 */
VMDEV_API int vmdev_vcpu_run(struct vmdev_vcpu *vcpu);

/* Why the last vmdev_vcpu_run() returned VMDEV_VCPU_UNHANDLED. */
struct vmdev_vcpu_unhandled {
	size_t sz;			/* VMDEV_OPTS() fills it */
	int error;	/* the I/O manager's: -ENOENT (no device), ... */
	uint32_t done;	/* string PIO: elements completed before it */
};

/* -EINVAL (NULL, sz), -ENODATA (the last run did not return that). */
VMDEV_API int vmdev_vcpu_unhandled(const struct vmdev_vcpu *vcpu,
				   struct vmdev_vcpu_unhandled *info);

struct vmdev_vcpu_stats {
	size_t sz;			/* VMDEV_OPTS() fills it */
	uint64_t runs;		/* KVM_RUN or VMDEV_RUN calls */
	uint64_t kernel_exits;	/* PIO/MMIO exits done in the kernel */
	uint64_t user_exits;	/* PIO/MMIO exits completed in userspace */
	uint64_t returns;	/* returns of vmdev_vcpu_run() */
};

/* Fill *st up to st->sz; any thread. -EINVAL (NULL, sz). */
VMDEV_API int vmdev_vcpu_stats(const struct vmdev_vcpu *vcpu,
			       struct vmdev_vcpu_stats *st);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_VCPU_H */
