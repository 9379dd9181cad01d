/* SPDX-License-Identifier: GPL-2.0 */
/* A KVM exit, read from a vCPU's kvm_run page, completed on the bus. */
#ifndef VMDEV_KVM_EXIT_H
#define VMDEV_KVM_EXIT_H

struct vmdev_ctx;
struct vmdev_vcpu;

/* vmdev_kvm_exit_complete() results besides -errno. */
enum vmdev_kvm_exit {
	VMDEV_KVM_EXIT_DONE,	/* completed: resume the guest */
	VMDEV_KVM_EXIT_USER,	/* for the VMM: return to userspace */
};

int vmdev_kvm_exit_complete(struct vmdev_ctx *ctx, struct vmdev_vcpu *vcpu);

#endif /* VMDEV_KVM_EXIT_H */
