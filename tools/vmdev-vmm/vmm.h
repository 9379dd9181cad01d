/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * vmdev-vmm: a reference VMM on libvmdev that boots a stock Linux
 * bzImage. One VM, its memory, its vCPUs, its devices; each concern in a
 * file of its own:
 *
 *   main.c     setting up in order, running, reporting
 *   args.c     the command line
 *   memory.c   guest RAM and its e820 map
 *   boot.c     the x86 64-bit boot protocol: bzImage, boot_params,
 *              command line, initrd
 *   cpu.c      vCPU entry state: CPUID, GDT, page tables, registers
 *   mptable.c  the MP table (CPUs, IOAPIC, ISA interrupts)
 *   serial.c   the 16550 console on COM1 and its backend threads
 *   i8042.c    the keyboard controller: status, commands, reset line
 *   rtc.c      the CMOS RAM and real-time clock
 *   legacy.c   the other legacy ports, and registering a device
 *   run.c      the vCPU threads and their exits
 *   stats.c    exits that reached the VMM, by port and address
 *   mark.c     the guest's marks on VMM_MARK_PORT: phases, timed
 *   kvmstats.c KVM's per-vCPU counters, at each mark (--stats)
 *   snapshot.c snapshot and restore of the whole guest (--snapshot,
 *              --restore), in a file of snapfile.c's format, with KVM's
 *              state from kvm_state.c
 *
 * The virtio-mmio devices (--disk, --rng) come from the MMIO device
 * manager, devmgr.h (virtio.mk, Documentation/virtio.rst).
 */
#ifndef VMM_H
#define VMM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <vmdev/devices.h>
#include <vmdev/regdev.h>
#include <vmdev/vm.h>

#include "snapfile.h"
#include "virtio_mem.h"

#define VMM_MAX_VCPUS		2
#define VMM_MAX_DEVS		16
#define VMM_MAX_CMDLINE		2048

/* Exit status of the VMM (documented in Documentation/linux-guest.rst). */
#define VMM_EXIT_OK		0	/* the guest reset or powered off */
#define VMM_EXIT_ERROR		1	/* the VMM failed, or the guest did */
#define VMM_EXIT_USAGE		2	/* bad command line or input file */
#define VMM_EXIT_TIMEOUT	3	/* --timeout ran out */

/*
 * The guest's marks (mark.c): a byte written to this port, which no
 * device claims. Mark 1 is /init's start (tools/vmdev-vmm/l2/init).
 */
#define VMM_MARK_PORT		0x500
#define VMM_MARK_INIT		1
/* With --snapshot: the guest asks for a snapshot (snapshot.c). */
#define VMM_MARK_SNAPSHOT	6

struct vmm_args {
	const char *kernel;
	const char *initrd;		/* NULL: none */
	const char *append;		/* added to the default command line */
	uint64_t mem_size;		/* bytes */
	enum vmdev_vm_mode mode;
	unsigned int vcpus;
	unsigned int timeout;		/* seconds, 0: none */
	bool stats;
	bool no_default_cmdline;
	const char *disk;		/* virtio-blk raw image, NULL: none */
	bool disk_ro;			/* open it read-only */
	bool rng;			/* a virtio-rng */
	bool kvm_bus;			/* level 3: devices on KVM's bus */
	const char *snapshot;		/* --snapshot FILE, NULL: none */
	const char *restore;		/* --restore FILE, NULL: boot */
	const char *boot_opt;		/* an option --restore excludes */
};

/* Why the VM stopped: the first reason recorded wins. */
enum vmm_stop {
	VMM_RUNNING = 0,
	VMM_STOP_RESET,		/* i8042 reset, triple fault, KVM reset */
	VMM_STOP_POWEROFF,	/* KVM_SYSTEM_EVENT_SHUTDOWN */
	VMM_STOP_TIMEOUT,
	VMM_STOP_ERROR,
	VMM_STOP_SNAPSHOT,	/* paused for --snapshot */
};

struct vmm_vcpu {
	struct vmm *vmm;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	struct vmdev_vcpu *vcpu;
	pthread_t thread;
	bool started;
	bool paused;		/* out of KVM_RUN, its last exit completed */
};

/* A register device of the VMM, for teardown and for --stats. */
struct vmm_dev {
	const char *name;
	struct vmdev_regdev *rd;
	uint16_t port;			/* first port of its first range */
};

struct vmm {
	struct vmm_args args;
	int kvm_fd, vm_fd;
	uint8_t *mem;			/* guest RAM at guest-physical 0 */
	uint64_t mem_size;
	struct vmdev_irq_manager *irqs;
	struct vmdev_vm *ctx;
	struct vmm_vcpu vcpus[VMM_MAX_VCPUS];
	struct vmm_dev devs[VMM_MAX_DEVS];
	unsigned int nr_devs;
	struct vmm_serial *serial;
	struct vmm_stats *stats;
	struct devmgr *devmgr;		/* the virtio-mmio devices */
	struct virtio_mem vmem;		/* guest RAM, as devmgr sees it */
	char cmdline[VMM_MAX_CMDLINE];
	uint64_t entry;			/* 64-bit entry point */
	uint64_t zero_page;		/* boot_params */
	volatile sig_atomic_t stop;	/* enum vmm_stop */
	double t_start;			/* CLOCK_MONOTONIC, seconds */
	struct vmm_kvmstats *kvmstats;	/* vCPU 0's, with --stats */
	int64_t rtc_time;		/* the CMOS clock's time (rtc.c) */
	struct snap_reader snap;	/* --restore's file, while read */
};

/* The i8042's own state in a snapshot (i8042.c), opaque to the rest. */
struct vmm_i8042_record {
	uint8_t bytes[24];
};

/* args.c */
int vmm_parse_args(struct vmm_args *a, int argc, char **argv);
int vmm_check_disk(const struct vmm_args *a);

/* memory.c */
int vmm_memory_init(struct vmm *vmm);
void vmm_memory_fini(struct vmm *vmm);
void *vmm_gpa(struct vmm *vmm, uint64_t gpa, uint64_t len);
struct boot_e820_entry;
unsigned int vmm_e820(const struct vmm *vmm, struct boot_e820_entry *tab,
		      unsigned int max);

/* boot.c */
int vmm_cmdline_add(struct vmm *vmm, const char *text);
int vmm_load_linux(struct vmm *vmm);

/* cpu.c */
int vmm_vcpu_setup(struct vmm *vmm, struct vmm_vcpu *v);

/* mptable.c */
int vmm_mptable_write(struct vmm *vmm);

/* serial.c */
int vmm_serial_init(struct vmm *vmm);
int vmm_serial_start(struct vmm *vmm);
void vmm_serial_stop(struct vmm *vmm);
void vmm_serial_fini(struct vmm *vmm);
uint64_t vmm_serial_out_bytes(struct vmm *vmm);
uint64_t vmm_serial_drains(struct vmm *vmm, pid_t *tid);

/* i8042.c, rtc.c */
int vmm_i8042_init(struct vmm *vmm);
void vmm_i8042_save(struct vmm_i8042_record *rec);
int vmm_i8042_restore(const struct vmm_i8042_record *rec);
int vmm_rtc_init(struct vmm *vmm);

/* legacy.c */
int vmm_legacy_init(struct vmm *vmm);
int vmm_add_regdev(struct vmm *vmm, const char *name, uint16_t port,
		   uint16_t len, const struct vmdev_regdev_opts *o,
		   struct vmdev_regdev **out);
int vmm_add_devmap_regdev(struct vmm *vmm, const char *name, uint16_t port,
			  uint16_t len, enum vmdev_devmap_kind kind,
			  struct vmdev_regdev **out);
void vmm_devs_fini(struct vmm *vmm);

/* run.c */
void vmm_request_stop(struct vmm *vmm, enum vmm_stop why);
int vmm_run(struct vmm *vmm);

/* stats.c */
int vmm_stats_init(struct vmm *vmm);
void vmm_stats_fini(struct vmm *vmm);
void vmm_stats_unhandled(struct vmm *vmm, int space, uint64_t addr,
			 bool write);
void vmm_stats_trap(struct vmm *vmm, uint16_t port, bool write);
void vmm_stats_mark(struct vmm *vmm, uint16_t port);
void vmm_stats_at_mark(struct vmm *vmm, unsigned int mark,
		       uint64_t *to_vmm, uint64_t *user_exits,
		       uint64_t *kernel_exits);
void vmm_stats_print(struct vmm *vmm);

/* mark.c */
void vmm_mark(struct vmm *vmm, uint8_t value);

/*
 * snapshot.c: save after vmm_run() stopped for VMM_STOP_SNAPSHOT; open
 * --restore's file before the machine is made (it sets the args), and
 * restore once the devices and vCPUs exist. 0 or -errno, said.
 */
int vmm_snapshot_save(struct vmm *vmm);
/* After a failed save: the I/O threads again, for vmm_run() to go on. */
int vmm_snapshot_resume(struct vmm *vmm);
int vmm_snapshot_open(struct vmm *vmm);
int vmm_snapshot_restore(struct vmm *vmm);

/* kvmstats.c */
struct vmm_kvmstats *vmm_kvmstats_open(int vcpu_fd);
void vmm_kvmstats_close(struct vmm_kvmstats *k);
void vmm_kvmstats_print(struct vmm_kvmstats *k, unsigned int mark);

/* main.c */
double vmm_now(void);
void vmm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VMM_H */
