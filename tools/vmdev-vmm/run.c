// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The vCPU threads and the end of the VM. Each vCPU thread loops on
 * vmdev_vcpu_run(), which completes every access of the register
 * devices (in vmdev.ko in kernel mode, in the library in user mode); the
 * VMM itself sees only what no device claims, and the exits that end the
 * VM: a reset (the i8042's reset line, a triple fault, a KVM reset
 * event), a power-off event, an error. Stopping sets immediate_exit and
 * kicks every vCPU thread with a signal, so a vCPU halted in the guest
 * leaves KVM_RUN at once. A pause for a snapshot (--snapshot: the
 * guest's mark, or SIGUSR2 to the VMM) is such a stop, after which each
 * vCPU enters KVM_RUN once more to complete its last exit (settle()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include <vmdev/vcpu.h>

#include "vmm.h"

#define KICK_SIGNAL	SIGUSR1
#define SNAPSHOT_SIGNAL	SIGUSR2
/* How often the main thread looks for SNAPSHOT_SIGNAL's request. */
#define REQUEST_POLL_NS	(100 * 1000 * 1000)

static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;

static volatile sig_atomic_t snapshot_requested;

static void kick_handler(int sig)
{
	(void)sig;	/* only to interrupt KVM_RUN with EINTR */
}

/* Only a flag: vmm_request_stop() is not async-signal-safe. */
static void snapshot_handler(int sig)
{
	(void)sig;
	snapshot_requested = 1;
}

void vmm_request_stop(struct vmm *vmm, enum vmm_stop why)
{
	unsigned int i;

	pthread_mutex_lock(&stop_lock);
	if (vmm->stop == VMM_RUNNING)
		vmm->stop = why;
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&stop_lock);
	for (i = 0; i < vmm->args.vcpus; i++) {
		struct vmm_vcpu *v = &vmm->vcpus[i];

		if (!v->run)
			continue;
		v->run->immediate_exit = 1;
		if (v->started && !pthread_equal(v->thread, pthread_self()))
			pthread_kill(v->thread, KICK_SIGNAL);
	}
}

/* No device there: reads see all ones (a floating bus), writes vanish. */
static void complete_unhandled(struct vmm_vcpu *v)
{
	struct kvm_run *run = v->run;
	struct vmdev_vcpu_unhandled info = { .sz = sizeof(info) };
	uint32_t i, first = 0;

	if (run->exit_reason == KVM_EXIT_IO) {
		/* The guest's marks (mark.c): one byte out, one at a time. */
		if (run->io.port == VMM_MARK_PORT && run->io.size == 1 &&
		    run->io.count == 1 && run->io.direction == KVM_EXIT_IO_OUT) {
			vmm_mark(v->vmm, *((uint8_t *)run +
					   run->io.data_offset));
			return;
		}
		if (!vmdev_vcpu_unhandled(v->vcpu, &info))
			first = info.done;
		vmm_stats_unhandled(v->vmm, VMDEV_PIO, run->io.port,
				    run->io.direction == KVM_EXIT_IO_OUT);
		if (run->io.direction == KVM_EXIT_IO_IN)
			for (i = first; i < run->io.count; i++)
				memset((uint8_t *)run + run->io.data_offset +
				       i * run->io.size, 0xff, run->io.size);
	} else {
		vmm_stats_unhandled(v->vmm, VMDEV_MMIO, run->mmio.phys_addr,
				    run->mmio.is_write);
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, run->mmio.len);
	}
}

/* An exit that is no access: whether the VM goes on. */
static bool handle_exit(struct vmm_vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_SHUTDOWN:		/* triple fault: a PC resets */
		vmm_request_stop(v->vmm, VMM_STOP_RESET);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
			vmm_request_stop(v->vmm, VMM_STOP_POWEROFF);
			return false;
		}
		if (run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
			vmm_request_stop(v->vmm, VMM_STOP_RESET);
			return false;
		}
		vmm_err("vCPU %u: system event %u", v->index,
			run->system_event.type);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vmm_err("vCPU %u: KVM internal error, suberror %u", v->index,
			run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vmm_err("vCPU %u: entry failed, reason %#llx", v->index,
			(unsigned long long)
			run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		vmm_err("vCPU %u: unexpected exit, reason %u", v->index,
			run->exit_reason);
		break;
	}
	vmm_request_stop(v->vmm, VMM_STOP_ERROR);
	return false;
}

/*
 * KVM completes an I/O exit's instruction (moves past an OUT, puts an
 * IN's data in its register) only when KVM_RUN is entered again; a
 * state saved before that would repeat or lose the access. With
 * immediate_exit set (the stop set it), the entry completes the exit
 * and returns -EINTR without running the guest.
 */
static void settle(struct vmm_vcpu *v)
{
	int i, ret = 0;

	for (i = 0; i < 4; i++) {
		v->run->immediate_exit = 1;
		ret = vmdev_vcpu_run(v->vcpu);
		if (ret == -EINTR) {
			v->paused = true;
			return;
		}
		if (ret != VMDEV_VCPU_UNHANDLED)
			break;
		complete_unhandled(v);
	}
	vmm_err("vCPU %u: no pause for the snapshot (run: %d)", v->index, ret);
}

static void *vcpu_main(void *arg)
{
	struct vmm_vcpu *v = arg;
	char name[16];
	int ret;

	/* Named for --stats' per-thread lines, top -H and perf. */
	snprintf(name, sizeof(name), "vcpu%u", v->index);
	pthread_setname_np(pthread_self(), name);
	/*
	 * -EINTR (a kick) and -EAGAIN (KVM: an AP woken before its startup
	 * IPI) only mean: run again.
	 */
	while (v->vmm->stop == VMM_RUNNING) {
		ret = vmdev_vcpu_run(v->vcpu);
		if (ret == VMDEV_VCPU_UNHANDLED) {
			complete_unhandled(v);
		} else if (ret == VMDEV_VCPU_EXIT && !handle_exit(v)) {
			break;
		} else if (ret < 0 && ret != -EINTR && ret != -EAGAIN) {
			vmm_err("vCPU %u: run: %s", v->index, strerror(-ret));
			vmm_request_stop(v->vmm, VMM_STOP_ERROR);
			break;
		}
	}
	if (v->vmm->stop == VMM_STOP_SNAPSHOT)
		settle(v);
	return NULL;
}

static int install_handlers(struct vmm *vmm)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	/* No SA_RESTART: KVM_RUN must return EINTR. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIGNAL, &sa, NULL))
		return -errno;
	if (!vmm->args.snapshot)
		return 0;
	sa.sa_handler = snapshot_handler;
	return sigaction(SNAPSHOT_SIGNAL, &sa, NULL) ? -errno : 0;
}

/* The next wake-up of wait_for_stop(): the deadline, or a poll. */
static void next_wait(struct vmm *vmm, const struct timespec *deadline,
		      struct timespec *t)
{
	clock_gettime(CLOCK_REALTIME, t);
	if (vmm->args.snapshot) {
		t->tv_nsec += REQUEST_POLL_NS;
		if (t->tv_nsec >= 1000000000L) {
			t->tv_sec++;
			t->tv_nsec -= 1000000000L;
		}
	} else {
		t->tv_sec += 86400;
	}
	if (vmm->args.timeout && (deadline->tv_sec < t->tv_sec ||
				  (deadline->tv_sec == t->tv_sec &&
				   deadline->tv_nsec < t->tv_nsec)))
		*t = *deadline;
}

/* The stop a wait_for_stop() wake-up calls for, if any. */
static enum vmm_stop due_stop(struct vmm *vmm, const struct timespec *deadline)
{
	struct timespec now;

	if (snapshot_requested)
		return VMM_STOP_SNAPSHOT;
	clock_gettime(CLOCK_REALTIME, &now);
	if (vmm->args.timeout && (now.tv_sec > deadline->tv_sec ||
				  (now.tv_sec == deadline->tv_sec &&
				   now.tv_nsec >= deadline->tv_nsec)))
		return VMM_STOP_TIMEOUT;
	return VMM_RUNNING;
}

/* Until a stop (or the timeout); then every vCPU thread is joined. */
static void wait_for_stop(struct vmm *vmm)
{
	struct timespec deadline, t;
	enum vmm_stop why;
	/* --timeout counts from the first run, not from a resumed one. */
	double left = vmm->args.timeout - (vmm_now() - vmm->t_start);

	clock_gettime(CLOCK_REALTIME, &deadline);
	if (left > 0) {
		deadline.tv_sec += (time_t)left;
		deadline.tv_nsec += (long)((left - (time_t)left) * 1e9);
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&stop_lock);
	while (vmm->stop == VMM_RUNNING) {
		next_wait(vmm, &deadline, &t);
		pthread_cond_timedwait(&stop_cond, &stop_lock, &t);
		why = due_stop(vmm, &deadline);
		if (why == VMM_RUNNING || vmm->stop != VMM_RUNNING)
			continue;
		pthread_mutex_unlock(&stop_lock);
		vmm_request_stop(vmm, why);
		pthread_mutex_lock(&stop_lock);
	}
	pthread_mutex_unlock(&stop_lock);
}

/* Where each vCPU was when the VM stopped for a timeout or an error. */
static void dump_vcpus(struct vmm *vmm)
{
	unsigned int i;

	for (i = 0; i < vmm->args.vcpus; i++) {
		struct kvm_regs r;
		struct kvm_sregs s;

		if (ioctl(vmm->vcpus[i].fd, KVM_GET_REGS, &r) ||
		    ioctl(vmm->vcpus[i].fd, KVM_GET_SREGS, &s))
			continue;
		vmm_err("vCPU %u: rip %#llx rsp %#llx rflags %#llx cr0 %#llx "
			"cr3 %#llx cr4 %#llx efer %#llx", i,
			(unsigned long long)r.rip, (unsigned long long)r.rsp,
			(unsigned long long)r.rflags, (unsigned long long)s.cr0,
			(unsigned long long)s.cr3, (unsigned long long)s.cr4,
			(unsigned long long)s.efer);
	}
}

/*
 * Run the vCPUs until the VM stops. Called again after a pause for a
 * snapshot that failed: the guest goes on where it paused.
 */
int vmm_run(struct vmm *vmm)
{
	unsigned int i;
	int ret = install_handlers(vmm);

	snapshot_requested = 0;
	vmm->stop = VMM_RUNNING;
	for (i = 0; i < vmm->args.vcpus; i++) {
		vmm->vcpus[i].run->immediate_exit = 0;
		vmm->vcpus[i].started = vmm->vcpus[i].paused = false;
	}

	for (i = 0; !ret && i < vmm->args.vcpus; i++) {
		struct vmm_vcpu *v = &vmm->vcpus[i];

		ret = -pthread_create(&v->thread, NULL, vcpu_main, v);
		v->started = !ret;
	}
	if (ret) {
		vmm_err("vCPU threads: %s", strerror(-ret));
		vmm_request_stop(vmm, VMM_STOP_ERROR);
	}
	wait_for_stop(vmm);
	/* Kick again: a thread may have entered KVM_RUN since the stop. */
	vmm_request_stop(vmm, vmm->stop);
	for (i = 0; i < vmm->args.vcpus; i++)
		if (vmm->vcpus[i].started)
			pthread_join(vmm->vcpus[i].thread, NULL);
	if (vmm->stop == VMM_STOP_TIMEOUT || vmm->stop == VMM_STOP_ERROR)
		dump_vcpus(vmm);
	return ret;
}
