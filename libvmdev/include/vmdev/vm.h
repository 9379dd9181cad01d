/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The fast-path context of one KVM VM: where its register devices live
 * (inside vmdev.ko, or in this process), the I/O manager that holds its
 * userspace devices and the interrupt manager its lines are routed
 * through. Register devices (<vmdev/regdev.h>) and vCPU run calls
 * (<vmdev/vcpu.h>) are made from it and behave the same, as the guest
 * sees them, in both modes.
 *
 * Documentation/fast-path-library.rst is the reference.
 */
#ifndef VMDEV_VM_H
#define VMDEV_VM_H

#include <vmdev/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vmdev_io_manager;
struct vmdev_irq_manager;

enum vmdev_vm_mode {
	/* The module if /dev/vmdev opens and speaks our API, else user. */
	VMDEV_VM_AUTO = 0,
	/* Register devices in vmdev.ko, vCPUs run by its run loop. */
	VMDEV_VM_KERNEL = 1,
	/* Everything in this process: KVM_RUN exits to the library. */
	VMDEV_VM_USER = 2,
};

struct vmdev_vm_opts {
	size_t sz;			/* VMDEV_OPTS() fills it */
	enum vmdev_vm_mode mode;	/* default: VMDEV_VM_AUTO */
	/*
	 * The VMM's userspace devices (borrowed: it must outlive the
	 * context and every object made from it). NULL: the context
	 * makes one of its own (vmdev_vm_io() returns it).
	 */
	struct vmdev_io_manager *io;
	/*
	 * The VM's interrupt manager (vmdev_irq_manager_new_kvm()); the
	 * context holds a reference. NULL: no interrupt line can be
	 * bound (vmdev_regdev_irq_bind() fails with -ENXIO).
	 */
	struct vmdev_irq_manager *irqs;
	/*
	 * Level 3 of the fast path, in kernel mode: the register devices
	 * sit on KVM's own I/O bus, and their accesses make no exit at
	 * all. Where the module cannot do it (loaded with level3=off, a
	 * kernel it could not verify, an older module) the context stays
	 * at levels 1 and 2, with the same behaviour: vmdev_vm_level()
	 * says which level each address got. Ignored in user mode.
	 */
	bool kvm_bus;
};

struct vmdev_vm;

/*
 * A context for the KVM VM vm_fd (borrowed: keep it open while the
 * context lives). Errors: -EINVAL (NULL out, bad opts, unknown mode),
 * -EBADF (negative fd), the error of KVM_CHECK_EXTENSION on vm_fd
 * (-ENOTTY: not a KVM VM), -ENOMEM, -EMFILE/-ENFILE, -EAGAIN (see
 * vmdev_io_manager_new()); with VMDEV_VM_KERNEL also the error of
 * opening /dev/vmdev (-ENOENT: module not loaded, -EACCES),
 * -EPROTONOSUPPORT (a module of another VMDEV_API_VERSION) and
 * -EOPNOTSUPP (a module without the run loop and eventfd bindings).
 */
VMDEV_API int vmdev_vm_new(int vm_fd, const struct vmdev_vm_opts *opts,
			   struct vmdev_vm **out);
/*
 * Drop the caller's reference (NULL is ignored). Register devices and
 * vCPUs still alive keep the context, and the module context with it,
 * until they are freed. Waits for the teardown of devices freed from a
 * device callback; not to be called from one.
 */
VMDEV_API void vmdev_vm_free(struct vmdev_vm *vm);
/* VMDEV_VM_KERNEL or VMDEV_VM_USER: the mode in effect (AUTO resolved). */
VMDEV_API enum vmdev_vm_mode vmdev_vm_mode(const struct vmdev_vm *vm);
/* The I/O manager of userspace devices (NULL for NULL). */
VMDEV_API struct vmdev_io_manager *vmdev_vm_io(const struct vmdev_vm *vm);
/*
 * Where a guest access to addr of space is completed: 3 (on KVM's bus,
 * no exit), 1 (a register device of the module: the kernel run loop,
 * ioeventfd doorbells), 0 (in this process: user mode, or no register
 * device there). -EINVAL (NULL vm, bad space, a port past 0xffff),
 * -EOPNOTSUPP (a module too old to say), or the module's error.
 */
VMDEV_API int vmdev_vm_level(const struct vmdev_vm *vm, enum vmdev_space space,
			     uint64_t addr);
/*
 * A batch of register devices created and freed together (a hotplug
 * transaction of several devices): between begin and end every device
 * works as soon as it is created and stops when it is freed, as always,
 * but at level 3 KVM's bus is changed once, at the end, instead of once
 * per device that moves a window; until then new devices run at level
 * 1. No effect but the bookkeeping below in user mode or without level
 * 3. One batch at a time per context: -EBUSY from begin while one is
 * open, -EINVAL from end without one, -EINVAL for NULL vm, or the
 * module's error.
 */
VMDEV_API int vmdev_vm_batch_begin(struct vmdev_vm *vm);
VMDEV_API int vmdev_vm_batch_end(struct vmdev_vm *vm);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_VM_H */
