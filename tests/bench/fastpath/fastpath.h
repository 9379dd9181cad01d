/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fast-path benchmark (make bench; Documentation/benchmarks.rst),
 * run inside the test VM on its nested KVM: the cost of one guest access
 * by each way it can be completed, measured side by side in one boot.
 *
 * Paths, from the most expensive to the floor:
 *   user       KVM_RUN returns every access to userspace, libvmdev in
 *              user mode dispatches it to the register device (the
 *              shared core, in this process) and enters the guest again:
 *              the baseline
 *   run_loop   level 1: libvmdev in kernel mode, vmdev.ko's VMDEV_RUN
 *              completes every access inside the kernel
 *   doorbell   level 2: the guest writes a KVM ioeventfd (datamatch)
 *              that vmdev.ko applies to a DOORBELL register: no exit
 *   ioeventfd  KVM's plain ioeventfd, its eventfd bound to nothing:
 *              what a write costs when KVM alone handles it
 *   kvm_bus    level 3: libvmdev in kernel mode with kvm_bus, the
 *              register device on KVM's own I/O bus: no exit at all
 *   traced     level 1 again with vmdev.ko's tracepoints on (every
 *              event of events/vmdev in tracefs): what they cost when
 *              on, beside run_loop, the same with them off
 * for PIO and MMIO reads and writes (4 bytes; doorbell and ioeventfd
 * take writes only).
 *
 * fastpath.c owns the VMs and runs one case once, checking everything
 * the run should have done; main.c calibrates and schedules the runs;
 * report.c prints the table and the JSON.
 */
#ifndef VMDEV_BENCH_FASTPATH_H
#define VMDEV_BENCH_FASTPATH_H

#include <stdbool.h>
#include <stdint.h>

#include <vmdev/regdev.h>
#include <vmdev/vm.h>

#include "lib_e2e.h"

#define FP_MAX_REPEATS	9
#define FP_ACCESS_BYTES	4

enum fp_kind {
	FP_PIO_READ,
	FP_PIO_WRITE,
	FP_MMIO_READ,
	FP_MMIO_WRITE,
	FP_NR_KINDS
};

enum fp_path {
	FP_USER,
	FP_RUN_LOOP,
	FP_TRACED,	/* right after FP_RUN_LOOP: compared round by round */
	FP_DOORBELL,
	FP_IOEVENTFD,
	FP_KVM_BUS,
	FP_NR_PATHS
};

/* What one run did besides taking time: its exits, by where they ended. */
struct fp_exits {
	uint64_t to_user;	/* returns of KVM_RUN or VMDEV_RUN */
	uint64_t in_kernel;	/* completed by vmdev.ko's run loop */
};

/* One access kind by one path: its size, its runs and their figures. */
struct fp_case {
	enum fp_kind kind;
	enum fp_path path;
	uint32_t n;			/* accesses per measured run */
	unsigned int nr_runs;
	double ns[FP_MAX_REPEATS];	/* per access, one per run */
	struct fp_exits exits;		/* of the last run */
	char error[160];		/* the first check that failed */
};

/* One KVM VM with the benchmark's devices, run through libvmdev. */
struct fp_vm {
	struct e2e e;
	struct vmdev_regdev *dev[2];	/* by VMDEV_SPACE_*: PIO, MMIO */
	int floor_fd[2];		/* plain ioeventfds (user VM only) */
};

struct fp_bench {
	struct fp_vm user;		/* libvmdev user mode */
	struct fp_vm kernel;		/* libvmdev kernel mode */
	struct fp_vm kvm_bus;		/* kernel mode, level 3 */
	struct fp_case cases[FP_NR_KINDS][FP_NR_PATHS];
};

bool fp_applies(enum fp_kind kind, enum fp_path path);
bool fp_is_write(enum fp_kind kind);
const char *fp_kind_name(enum fp_kind kind);	/* "pio read", ... */
const char *fp_path_key(enum fp_path path);	/* "user", ... (JSON) */
const char *fp_path_title(enum fp_path path);	/* for people */

/* Both VMs and their devices: 0 or a negative errno, with why printed. */
int fp_setup(struct fp_bench *b);
void fp_teardown(struct fp_bench *b);

/*
 * Run case c once with n accesses: 0 with the wall time in *secs and the
 * exits in c->exits, or a negative errno with c->error saying which check
 * failed (the guest's result, the values it read, the exits, the device's
 * counters, the register or eventfd the writes reached).
 */
int fp_run(struct fp_bench *b, struct fp_case *c, uint32_t n, double *secs);

/* The median of c's runs, in ns per access. */
double fp_median(const struct fp_case *c);

void fp_report_table(const struct fp_bench *b);
void fp_report_json(const struct fp_bench *b, double target_s,
		    unsigned int repeats);

#endif /* VMDEV_BENCH_FASTPATH_H */
