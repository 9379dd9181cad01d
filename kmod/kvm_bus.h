/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's own I/O buses (fast path level 3): putting devices on them and
 * taking them off, several at a time in one update, where the kernel is
 * verified, or not at all (kvm_bus.c).
 */
#ifndef VMDEV_KVM_BUS_H
#define VMDEV_KVM_BUS_H

#include <linux/kvm_host.h>

/* A change of one KVM bus: devices taken off, devices put on. */
struct vmdev_kvm_bus_edit {
	enum kvm_bus idx;
	struct kvm_io_device *const *del;
	u32 nr_del;
	const struct kvm_io_range *add;	/* addr, len and dev of each */
	u32 nr_add;
};

/* Buses one call may change: the PIO and the MMIO bus. */
#define VMDEV_KVM_EDIT_BUSES	2

/*
 * kvm_bus.c's jump to KVM's kvm_io_bus_unregister_dev(), same prototype,
 * called directly only (no ENDBR needed), with kvm->slots_lock held.
 */
int vmdev_kvm_bus_unregister_jmp(struct kvm *kvm, enum kvm_bus idx,
				 struct kvm_io_device *dev);

struct dentry;

int vmdev_kvm_bus_init(void);
void vmdev_kvm_bus_debugfs(struct dentry *dir);
u32 vmdev_kvm_bus_state(void);
int vmdev_kvm_bus_apply(struct kvm *kvm, const struct vmdev_kvm_bus_edit *e,
			u32 nr);
void vmdev_kvm_bus_unregister(struct kvm *kvm, enum kvm_bus idx,
			      struct kvm_io_device *dev);

#endif /* VMDEV_KVM_BUS_H */
