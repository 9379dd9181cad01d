// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_RUN, level 1 of the fast path: the VMM's vCPU thread enters the
 * guest through this ioctl instead of KVM_RUN. The loop runs KVM_RUN on
 * the vCPU file, completes every PIO and MMIO exit that the context's
 * register devices complete (kmod/kvm_exit.c) and enters the guest again,
 * so those exits never reach userspace. It returns what KVM_RUN would
 * have returned for any other exit: 0 with the exit in kvm_run (an
 * access for the VMM, any other exit reason), or KVM_RUN's error.
 *
 * Signals and immediate_exit are KVM's to see: the loop never stops
 * between completing an exit and the next KVM_RUN, which first applies
 * the completion to the guest and then returns -EINTR (exit_reason
 * KVM_EXIT_INTR for a signal) without entering the guest. The VMM thus
 * gets the same guest state and the same return as from KVM itself.
 *
 * No lock is held across KVM_RUN. The context stays valid because the
 * ioctl holds its file; devices are found under RCU by each access, so
 * destroying one while the loop runs only makes the next access to it
 * an exit to the VMM.
 */
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/vmdev.h>

#include "context.h"
#include "ioctl.h"
#include "kvm_exit.h"
#include "trace.h"
#include "uarg.h"
#include "vcpu.h"
#include "vm.h"

/* First version of struct vmdev_run (rules in linux/vmdev.h). */
#define VMDEV_RUN_SIZE_VER0	offsetofend(struct vmdev_run, exits)

/* The exit goes to the VMM: which one (read only while traced). */
static void trace_exit_user(struct vmdev_ctx *ctx, struct vmdev_vcpu *vcpu,
			    u64 exits)
{
	u32 reason;

	if (trace_vmdev_exit_user_enabled() &&
	    !get_user(reason, &vcpu->run->exit_reason))
		trace_vmdev_exit_user(ctx->nl.id, reason, exits);
}

/*
 * Run until an exit that is not completed here, or an error; *exits
 * counts the exits completed. KVM reschedules before each guest entry
 * when it should; cond_resched() also gives way between an exit and the
 * next entry, on kernels that do not preempt kernel code.
 */
static long run_loop(struct vmdev_ctx *ctx, struct vmdev_vcpu *vcpu,
		     u64 *exits)
{
	long ret;

	for (;;) {
		ret = vmdev_vcpu_enter(vcpu);
		if (ret)
			return ret;
		ret = vmdev_kvm_exit_complete(ctx, vcpu);
		if (ret != VMDEV_KVM_EXIT_DONE) {
			if (ret == VMDEV_KVM_EXIT_USER)
				trace_exit_user(ctx, vcpu, *exits);
			return ret < 0 ? ret : 0;
		}
		(*exits)++;
		cond_resched();
	}
}

/*
 * The vCPU must be one of this process's (vcpu.c) and of the context's
 * VM (vm.c): both are checked before the loop touches anything. exits
 * is written back whatever the outcome once the loop has run, as the
 * exits it counts have taken effect in the guest.
 */
long vmdev_ioctl_run(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_run arg;
	struct vmdev_vcpu vcpu;
	long ret, wret;

	ret = vmdev_uarg_get(&arg, VMDEV_RUN_SIZE_VER0, uarg);
	if (ret)
		return ret;
	if (arg.flags || arg.pad)
		return -EINVAL;
	ret = vmdev_vcpu_get(&vcpu, arg.vcpu_fd, arg.kvm_run);
	if (ret)
		return ret;
	ret = vmdev_vm_bind(ctx, &vcpu);
	if (ret) {
		vmdev_vcpu_put(&vcpu);
		return ret;
	}
	arg.exits = 0;
	ret = run_loop(ctx, &vcpu, &arg.exits);
	vmdev_vcpu_put(&vcpu);
	wret = vmdev_uarg_put(uarg, &arg);
	return ret ? ret : wret;
}
