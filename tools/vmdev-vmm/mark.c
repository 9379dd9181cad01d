// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The guest's marks: a byte the guest writes to port VMM_MARK_PORT says
 * where it is (l2/init: 1 when /init starts, 2 and 3 around a console
 * workload, 4 and 5 around a disk read). No device claims the port, so
 * the write is an exit that reaches the VMM in every mode (kernel, user,
 * level 3) at the moment the guest makes it: the VMM's clock, not the
 * guest's, times the phases between marks, and the counters of the exits
 * are taken at each mark (stats.c), the first one's kept as the boot's.
 * Each mark is one line on stderr:
 *
 *   vmdev-vmm: mark 1 at 10.734251 s: console 52 bytes out,
 *   233 exits to the VMM, 233 in userspace, 43888 in the kernel
 *
 * (one line in the output): the time since the first vCPU started, the
 * bytes the console had sent to stdout, the exits counted by --stats'
 * rules, and the vCPUs' own counts of PIO/MMIO exits completed in
 * userspace and in the kernel (vmdev.ko's run loop), all before this
 * mark's own exit. With --stats two more lines follow: KVM's own counters
 * of vCPU 0 (kvmstats.c), and the scheduler's account of the threads
 * that share the guest's CPU time, from /proc/self/task/TID/schedstat
 * (time on a CPU, time runnable but waiting for one):
 *
 *   vmdev-vmm: mark 3 threads: vcpu run 9123.4 ms wait 812.0 ms,
 *   console-out run 640.2 ms wait 530.1 ms (41234 drains)
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "vmm.h"

/* A thread's time on a CPU and waiting for one, in ms; false if unknown. */
static bool schedstat(pid_t tid, double *run_ms, double *wait_ms)
{
	unsigned long long run, wait;
	char path[64];
	FILE *f;
	int n;

	if (!tid)
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	*run_ms = run / 1e6;
	*wait_ms = wait / 1e6;
	return n == 2;
}

static void print_threads(struct vmm *vmm, unsigned int mark)
{
	double vr, vw, cr = 0, cw = 0;
	pid_t out_tid;
	uint64_t drains = vmm_serial_drains(vmm, &out_tid);

	/* The marking vCPU is this thread. */
	if (!schedstat((pid_t)syscall(SYS_gettid), &vr, &vw))
		return;
	schedstat(out_tid, &cr, &cw);
	fprintf(stderr, "vmdev-vmm: mark %u threads: vcpu run %.1f ms wait "
		"%.1f ms, console-out run %.1f ms wait %.1f ms (%llu "
		"drains)\n", mark, vr, vw, cr, cw,
		(unsigned long long)drains);
}

void vmm_mark(struct vmm *vmm, uint8_t value)
{
	double t = vmm_now() - vmm->t_start;
	uint64_t to_vmm, user_exits, kernel_exits;

	vmm_stats_at_mark(vmm, value, &to_vmm, &user_exits, &kernel_exits);
	vmm_stats_mark(vmm, VMM_MARK_PORT);
	fprintf(stderr, "vmdev-vmm: mark %u at %.6f s: console %llu bytes "
		"out, %llu exits to the VMM, %llu in userspace, %llu in the "
		"kernel\n", value, t,
		(unsigned long long)vmm_serial_out_bytes(vmm),
		(unsigned long long)to_vmm, (unsigned long long)user_exits,
		(unsigned long long)kernel_exits);
	if (vmm->args.stats) {
		vmm_kvmstats_print(vmm->kvmstats, value);
		print_threads(vmm, value);
	}
}
