// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Which guest accesses reached the VMM, by port or address (--stats):
 * the question a VMM author asks of the fast path. Three sources:
 *
 *   register devices   vmdev_regdev_stats(): "fast" accesses the device
 *                      completed (inside vmdev.ko in kernel mode, in this
 *                      process after an exit in user mode) and "slow"
 *                      ones left to the VMM's callbacks (both modes)
 *   trapped registers  counted by the device callbacks, by port
 *   unhandled          accesses no device claims, by port or address
 *   virtio-mmio        the device manager's register devices, the same
 *                      counters, with their interrupts and the
 *                      QueueNotify writes their ioeventfds took (no exit)
 *
 * The table goes to stderr, so that stdout stays the guest's console.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmdev/regdev.h>
#include <vmdev/vcpu.h>

#include "devmgr.h"
#include "vmm.h"

#define STATS_MAX	64

struct stat_row {
	int space;		/* VMDEV_PIO, VMDEV_MMIO */
	uint64_t addr;
	bool trap;		/* a device's trapped register */
	uint64_t reads, writes;
};

struct vmm_stats {
	pthread_mutex_t lock;
	struct stat_row rows[STATS_MAX];
	unsigned int nr;
	uint64_t dropped;	/* rows past STATS_MAX */
};

int vmm_stats_init(struct vmm *vmm)
{
	struct vmm_stats *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	vmm->stats = s;
	return 0;
}

void vmm_stats_fini(struct vmm *vmm)
{
	free(vmm->stats);
	vmm->stats = NULL;
}

static void count(struct vmm *vmm, int space, uint64_t addr, bool trap,
		  bool write)
{
	struct vmm_stats *s = vmm->stats;
	struct stat_row *r = NULL;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nr && !r; i++)
		if (s->rows[i].space == space && s->rows[i].addr == addr &&
		    s->rows[i].trap == trap)
			r = &s->rows[i];
	if (!r && s->nr < STATS_MAX) {
		r = &s->rows[s->nr++];
		*r = (struct stat_row){ .space = space, .addr = addr,
					.trap = trap };
	}
	if (!r)
		s->dropped++;
	else if (write)
		r->writes++;
	else
		r->reads++;
	pthread_mutex_unlock(&s->lock);
}

void vmm_stats_unhandled(struct vmm *vmm, int space, uint64_t addr,
			 bool write)
{
	count(vmm, space, addr, false, write);
}

void vmm_stats_trap(struct vmm *vmm, uint16_t port, bool write)
{
	count(vmm, VMDEV_PIO, port, true, write);
}

static uint64_t print_devices(struct vmm *vmm, bool kernel)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < vmm->nr_devs; i++) {
		struct vmm_dev *d = &vmm->devs[i];
		VMDEV_OPTS(vmdev_regdev_stats, st);
		uint64_t to_vmm;

		if (vmdev_regdev_stats(d->rd, &st))
			continue;
		/* In user mode every access of a device is an exit. */
		to_vmm = kernel ? st.slow : st.fast + st.slow;
		total += to_vmm;
		fprintf(stderr, "  pio  %#6x  %-14s %10llu %10llu %10llu\n",
			d->port, d->name,
			(unsigned long long)(st.fast + st.slow),
			(unsigned long long)(kernel ? st.fast : 0),
			(unsigned long long)to_vmm);
	}
	return total;
}

/* The virtio-mmio devices (--disk, --rng), by window. */
static uint64_t print_virtio(struct vmm *vmm, bool kernel)
{
	uint64_t total = 0;
	size_t i, n = vmm->devmgr ? devmgr_count(vmm->devmgr) : 0;

	for (i = 0; i < n; i++) {
		struct devmgr_dev *d = devmgr_get(vmm->devmgr, i);
		VMDEV_OPTS(vmdev_regdev_stats, st);
		uint64_t to_vmm;

		if (vmdev_regdev_stats(devmgr_dev_regdev(d), &st))
			continue;
		to_vmm = kernel ? st.slow : st.fast + st.slow;
		total += to_vmm;
		fprintf(stderr, "  mmio %#llx virtio-mmio %10llu %10llu %10llu"
			"  (irqs %llu, ioeventfds %llu)\n",
			(unsigned long long)devmgr_dev_base(d),
			(unsigned long long)(st.fast + st.slow),
			(unsigned long long)(kernel ? st.fast : 0),
			(unsigned long long)to_vmm,
			(unsigned long long)st.irqs,
			(unsigned long long)st.ioeventfds);
	}
	return total;
}

static uint64_t print_unhandled(struct vmm *vmm)
{
	struct vmm_stats *s = vmm->stats;
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < s->nr; i++) {
		struct stat_row *r = &s->rows[i];

		if (r->trap)
			continue;
		total += r->reads + r->writes;
		fprintf(stderr, "  %s %#6llx  %-14s %10llu %10d %10llu"
			"  (%llu reads, %llu writes)\n",
			r->space == VMDEV_PIO ? "pio " : "mmio",
			(unsigned long long)r->addr, "no device",
			(unsigned long long)(r->reads + r->writes), 0,
			(unsigned long long)(r->reads + r->writes),
			(unsigned long long)r->reads,
			(unsigned long long)r->writes);
	}
	if (s->dropped)
		fprintf(stderr, "  (and %llu more at other addresses)\n",
			(unsigned long long)s->dropped);
	return total + s->dropped;
}

static void print_traps(struct vmm *vmm)
{
	struct vmm_stats *s = vmm->stats;
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->rows[i].trap)
			fprintf(stderr, "    of which port %#llx, trapped "
				"register: %llu writes, %llu reads\n",
				(unsigned long long)s->rows[i].addr,
				(unsigned long long)s->rows[i].writes,
				(unsigned long long)s->rows[i].reads);
}

void vmm_stats_print(struct vmm *vmm)
{
	bool kernel = vmdev_vm_mode(vmm->ctx) == VMDEV_VM_KERNEL;
	uint64_t total;
	unsigned int i;

	fprintf(stderr, "vmdev-vmm: stats: mode %s, %u vCPU(s)\n",
		kernel ? "kernel" : "user", vmm->args.vcpus);
	for (i = 0; i < vmm->args.vcpus; i++) {
		VMDEV_OPTS(vmdev_vcpu_stats, st);

		if (!vmm->vcpus[i].vcpu ||
		    vmdev_vcpu_stats(vmm->vcpus[i].vcpu, &st))
			continue;
		fprintf(stderr, "vmdev-vmm: stats: vCPU %u: %llu runs, "
			"%llu PIO/MMIO exits completed in the kernel, %llu in "
			"userspace\n", i, (unsigned long long)st.runs,
			(unsigned long long)st.kernel_exits,
			(unsigned long long)st.user_exits);
	}
	fprintf(stderr, "  space  addr  device         %10s %10s %10s\n",
		"accesses", "in kernel", "to VMM");
	pthread_mutex_lock(&vmm->stats->lock);
	total = print_devices(vmm, kernel);
	total += print_virtio(vmm, kernel);
	print_traps(vmm);
	total += print_unhandled(vmm);
	pthread_mutex_unlock(&vmm->stats->lock);
	fprintf(stderr, "vmdev-vmm: stats: exits to the VMM: %llu\n",
		(unsigned long long)total);
}
