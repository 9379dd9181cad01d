/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A KVM vCPU of the calling process, as the run loop uses it: its file,
 * verified to be a KVM vCPU, and its kvm_run mapping, verified to be
 * that vCPU's, in the caller's address space.
 */
#ifndef VMDEV_VCPU_H
#define VMDEV_VCPU_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct file;
struct kvm;
struct kvm_run;
struct module;

struct vmdev_vcpu {
	struct file *file;		/* a reference, dropped by _put() */
	struct kvm *kvm;		/* its VM, alive while file is held */
	struct kvm_run __user *run;	/* start of the kvm_run mapping */
	u64 map_len;			/* bytes of that mapping */
};

bool vmdev_kvm_owner(const struct module *owner);
int vmdev_vcpu_get(struct vmdev_vcpu *vcpu, int fd, u64 run_addr);
void vmdev_vcpu_put(struct vmdev_vcpu *vcpu);
long vmdev_vcpu_enter(struct vmdev_vcpu *vcpu);

#endif /* VMDEV_VCPU_H */
