// SPDX-License-Identifier: GPL-2.0
/*
 * One context is one VM. The first vCPU a context runs, or the VM fd it
 * is attached to for level 3 (level3.c), binds it to that VM for the
 * rest of its life, and any other VM's vCPU or fd is refused (EXDEV):
 * devices, their interrupt lines and their eventfds were set up for one
 * guest, and a second one would share them.
 *
 * The binding is a reference to the VM, so that no other VM can be
 * created at the same address and pass for it. A VM does not always pin
 * the vendor module (kvm_amd, kvm_intel) whose code its destruction
 * runs: on 6.1 the VM holds it itself, on 6.12 only its files do, and a
 * VM kept alive by a reference alone lets the module go. The context
 * therefore also holds the module that owns the vCPU's (or VM's) file,
 * if any, and drops it only after its last reference to the VM.
 */
#include <linux/fs.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "context.h"
#include "objects.h"
#include "vcpu.h"
#include "vm.h"

/*
 * Bind to kvm, reached through an open KVM file (a vCPU's or the VM's)
 * whose owner module is owner. Under the context's lock.
 */
int vmdev_vm_bind_locked(struct vmdev_vm *vm, struct kvm *kvm,
			 struct module *owner)
{
	if (vm->kvm)
		return vm->kvm == kvm ? 0 : -EXDEV;
	/* The KVM file holds its owner: this cannot fail while held. */
	if (!try_module_get(owner))
		return -ENODEV;
	kvm_get_kvm(kvm);
	vm->owner = owner;
	/* Read without the lock by vmdev_vm_bind(), only to compare. */
	WRITE_ONCE(vm->kvm, kvm);
	vmdev_obj_inc(VMDEV_OBJ_VMS);
	return 0;
}

/* 0 if ctx is (now) bound to vcpu's VM, -EXDEV if to another one. */
int vmdev_vm_bind(struct vmdev_ctx *ctx, const struct vmdev_vcpu *vcpu)
{
	int ret;

	/* Bound once for good: every later run reads it without the lock. */
	if (READ_ONCE(ctx->vm.kvm) == vcpu->kvm)
		return 0;
	mutex_lock(&ctx->lock);
	ret = vmdev_vm_bind_locked(&ctx->vm, vcpu->kvm,
				   vcpu->file->f_op->owner);
	mutex_unlock(&ctx->lock);
	return ret;
}

/* The context's last file is gone: no run loop holds the VM any more. */
void vmdev_vm_release(struct vmdev_vm *vm)
{
	if (!vm->kvm)
		return;
	kvm_put_kvm(vm->kvm);
	module_put(vm->owner);
	vm->kvm = NULL;
	vm->owner = NULL;
	vmdev_obj_dec(VMDEV_OBJ_VMS);
}
