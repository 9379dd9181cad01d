/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM VM a context belongs to: bound by the first vCPU the run loop
 * takes, held until the context goes.
 */
#ifndef VMDEV_VM_H
#define VMDEV_VM_H

struct kvm;
struct module;
struct vmdev_ctx;
struct vmdev_vcpu;

struct vmdev_vm {
	struct kvm *kvm;		/* a reference, or NULL: not bound */
	struct module *owner;		/* a reference, or NULL */
};

int vmdev_vm_bind_locked(struct vmdev_vm *vm, struct kvm *kvm,
			 struct module *owner);
int vmdev_vm_bind(struct vmdev_ctx *ctx, const struct vmdev_vcpu *vcpu);
void vmdev_vm_release(struct vmdev_vm *vm);

#endif /* VMDEV_VM_H */
