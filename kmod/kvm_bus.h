/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's own I/O bus (fast path level 3): registering a device there
 * through KVM's unexported functions, reached safely or not at all
 * (kvm_bus.c).
 */
#ifndef VMDEV_KVM_BUS_H
#define VMDEV_KVM_BUS_H

#include <linux/kvm_host.h>

/*
 * kvm_bus.c's jumps to KVM's functions, same prototypes. Called directly
 * only, so they need no ENDBR, and they jump on with no indirect branch.
 * Only kvm_bus.c calls them, with kvm->slots_lock held.
 */
int vmdev_kvm_bus_register_jmp(struct kvm *kvm, enum kvm_bus idx, gpa_t addr,
			       int len, struct kvm_io_device *dev);
int vmdev_kvm_bus_unregister_jmp(struct kvm *kvm, enum kvm_bus idx,
				 struct kvm_io_device *dev);

int vmdev_kvm_bus_init(void);
u32 vmdev_kvm_bus_state(void);
int vmdev_kvm_bus_register(struct kvm *kvm, enum kvm_bus idx, gpa_t addr,
			   int len, struct kvm_io_device *dev);
void vmdev_kvm_bus_unregister(struct kvm *kvm, enum kvm_bus idx,
			      struct kvm_io_device *dev);

#endif /* VMDEV_KVM_BUS_H */
