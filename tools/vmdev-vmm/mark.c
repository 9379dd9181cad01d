// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The guest's marks: a byte the guest writes to port VMM_MARK_PORT says
 * where it is (l2/init: 1 when /init starts, 2 and 3 around a console
 * workload, 4 and 5 around a disk read; 6, with --snapshot, asks for a
 * snapshot). No device claims the port, so
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
 *
 * then one line for each thread of the process, by its name (vcpuN,
 * console-out, console-in, virtio-blk, ...; the library's own threads
 * carry the program's), with the times it was given a CPU and its
 * voluntary (it waited) and involuntary (preempted) context switches:
 *
 *   vmdev-vmm: mark 5 thread virtio-blk: run 61.2 ms wait 3.1 ms,
 *   33 slices, 33 voluntary and 0 involuntary switches
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Field "key:" of /proc/self/task/TID/status; 0 if absent. */
static unsigned long long task_status(int tid, const char *key)
{
	unsigned long long v = 0;
	size_t len = strlen(key);
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtoull(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void print_task(int tid, unsigned int mark)
{
	unsigned long long run, wait, slices;
	char path[64], name[32] = "?";
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (!f)
		return;	/* the thread has just ended */
	n = fscanf(f, "%llu %llu %llu", &run, &wait, &slices);
	fclose(f);
	if (n != 3)
		return;
	fprintf(stderr, "vmdev-vmm: mark %u thread %s: run %.1f ms wait %.1f "
		"ms, %llu slices, %llu voluntary and %llu involuntary "
		"switches\n", mark, name, run / 1e6, wait / 1e6, slices,
		task_status(tid, "voluntary_ctxt_switches"),
		task_status(tid, "nonvoluntary_ctxt_switches"));
}

static void print_tasks(unsigned int mark)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			print_task(atoi(e->d_name), mark);
	closedir(d);
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
	print_tasks(mark);
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
	/* The guest asks for a snapshot: pause here (snapshot.c). */
	if (value == VMM_MARK_SNAPSHOT && vmm->args.snapshot)
		vmm_request_stop(vmm, VMM_STOP_SNAPSHOT);
}
