/* SPDX-License-Identifier: GPL-2.0 */
/* minivm's vCPU set-up: CPUID and the entry state of each mode. */
#ifndef VMDEV_TESTS_MINIVM_CPU_H
#define VMDEV_TESTS_MINIVM_CPU_H

#include "minivm.h"

/*
 * Give vCPU vcpu_fd everything KVM supports (long mode needs CPUID.LM).
 */
int minivm_cpu_set_cpuid(struct minivm *vm, int vcpu_fd);

/*
 * Write the GDT (and for long mode the page tables) into guest memory
 * and set vCPU index's registers for entry at GUEST_LOAD_ADDR in mode:
 * its index in %rdi, its own stack, runnable.
 */
int minivm_cpu_enter(struct minivm *vm, unsigned int index,
		     enum minivm_mode mode);

#endif /* VMDEV_TESTS_MINIVM_CPU_H */
