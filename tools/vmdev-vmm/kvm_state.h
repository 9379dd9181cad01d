/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* KVM's state of the VM and of each vCPU, to and from a snapshot. */
#ifndef VMDEV_VMM_KVM_STATE_H
#define VMDEV_VMM_KVM_STATE_H

#include "snapfile.h"

struct vmm;
struct vmm_vcpu;

/* The vCPU must be out of KVM_RUN (paused); 0 or -errno, said. */
int kvm_state_save_vcpu(struct vmm *vmm, struct vmm_vcpu *v,
			struct snap_writer *w);
int kvm_state_restore_vcpu(struct vmm *vmm, const struct snap_reader *r,
			   struct vmm_vcpu *v);
/* Interrupt controllers, PIT, kvmclock. */
int kvm_state_save_vm(struct vmm *vmm, struct snap_writer *w);
int kvm_state_restore_vm(struct vmm *vmm, const struct snap_reader *r);

#endif /* VMDEV_VMM_KVM_STATE_H */
