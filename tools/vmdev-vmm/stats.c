// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Which guest accesses reached the VMM, by port or address (--stats):
 * the question a VMM author asks of the fast path. Four sources:
 *
 *   register devices   vmdev_regdev_stats(): "fast" accesses the device
 *                      completed (inside vmdev.ko in kernel mode, in this
 *                      process after an exit in user mode) and "slow"
 *                      ones left to the VMM's callbacks (both modes)
 *   trapped registers  counted by the device callbacks, by port
 *   unhandled          accesses no device claims, by port or address
 *                      (the guest's marks among them, mark.c)
 *   virtio-mmio        the device manager's register devices, the same
 *                      counters, with their interrupts and the
 *                      QueueNotify writes their ioeventfds took (no exit)
 *
 * A snapshot takes them all at once: at exit, and at the guest's first
 * mark (mark.c), so that the boot to init can be told from the rest.
 * The tables go to stderr, so that stdout stays the guest's console.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmdev/regdev.h>
#include <vmdev/vcpu.h>

#include "devmgr.h"
#include "vmm.h"

#define STATS_MAX	64
#define VIRTIO_MAX	8

enum row_kind { ROW_UNHANDLED, ROW_TRAP, ROW_MARK };

struct stat_row {
	int space;		/* VMDEV_PIO, VMDEV_MMIO */
	uint64_t addr;
	enum row_kind kind;
	uint64_t reads, writes;
};

/* One device's counters as vmdev_regdev_stats() gave them. */
struct dev_snap {
	const char *name;
	int space;
	uint64_t addr;
	struct vmdev_regdev_stats st;
	bool ok;
};

struct vmm_stats_snap {
	double secs;		/* since the first vCPU started */
	bool kernel;
	struct vmdev_vcpu_stats vcpu[VMM_MAX_VCPUS];
	bool vcpu_ok[VMM_MAX_VCPUS];
	struct dev_snap devs[VMM_MAX_DEVS + VIRTIO_MAX];
	unsigned int nr_devs;
	struct stat_row rows[STATS_MAX];
	unsigned int nr_rows;
	uint64_t dropped;
};

struct vmm_stats {
	pthread_mutex_t lock;
	struct stat_row rows[STATS_MAX];
	unsigned int nr;
	uint64_t dropped;	/* rows past STATS_MAX */
	struct vmm_stats_snap init;	/* at the guest's first mark */
	bool have_init;
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

static void count(struct vmm *vmm, int space, uint64_t addr,
		  enum row_kind kind, bool write)
{
	struct vmm_stats *s = vmm->stats;
	struct stat_row *r = NULL;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nr && !r; i++)
		if (s->rows[i].space == space && s->rows[i].addr == addr &&
		    s->rows[i].kind == kind)
			r = &s->rows[i];
	if (!r && s->nr < STATS_MAX) {
		r = &s->rows[s->nr++];
		*r = (struct stat_row){ .space = space, .addr = addr,
					.kind = kind };
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
	count(vmm, space, addr, ROW_UNHANDLED, write);
}

void vmm_stats_trap(struct vmm *vmm, uint16_t port, bool write)
{
	count(vmm, VMDEV_PIO, port, ROW_TRAP, write);
}

void vmm_stats_mark(struct vmm *vmm, uint16_t port)
{
	count(vmm, VMDEV_PIO, port, ROW_MARK, true);
}

/* ---- Snapshots ------------------------------------------------------- */

static void snap_devices(struct vmm *vmm, struct vmm_stats_snap *sn)
{
	size_t i, n = vmm->devmgr ? devmgr_count(vmm->devmgr) : 0;
	struct dev_snap *d;

	for (i = 0; i < vmm->nr_devs; i++) {
		d = &sn->devs[sn->nr_devs++];
		*d = (struct dev_snap){ .name = vmm->devs[i].name,
					.space = VMDEV_PIO,
					.addr = vmm->devs[i].port };
		d->st.sz = sizeof(d->st);
		d->ok = !vmdev_regdev_stats(vmm->devs[i].rd, &d->st);
	}
	for (i = 0; i < n && i < VIRTIO_MAX; i++) {
		struct devmgr_dev *dev = devmgr_get(vmm->devmgr, i);

		d = &sn->devs[sn->nr_devs++];
		*d = (struct dev_snap){ .name = "virtio-mmio",
					.space = VMDEV_MMIO,
					.addr = devmgr_dev_base(dev) };
		d->st.sz = sizeof(d->st);
		d->ok = !vmdev_regdev_stats(devmgr_dev_regdev(dev), &d->st);
	}
}

static void snap_take(struct vmm *vmm, struct vmm_stats_snap *sn)
{
	struct vmm_stats *s = vmm->stats;
	unsigned int i;

	*sn = (struct vmm_stats_snap){ .secs = vmm_now() - vmm->t_start };
	sn->kernel = vmdev_vm_mode(vmm->ctx) == VMDEV_VM_KERNEL;
	for (i = 0; i < vmm->args.vcpus; i++) {
		sn->vcpu[i].sz = sizeof(sn->vcpu[i]);
		sn->vcpu_ok[i] = vmm->vcpus[i].vcpu &&
			!vmdev_vcpu_stats(vmm->vcpus[i].vcpu, &sn->vcpu[i]);
	}
	pthread_mutex_lock(&s->lock);
	snap_devices(vmm, sn);
	for (i = 0; i < s->nr; i++)
		sn->rows[i] = s->rows[i];
	sn->nr_rows = s->nr;
	sn->dropped = s->dropped;
	pthread_mutex_unlock(&s->lock);
}

/* In user mode every access of a device is an exit. */
static uint64_t dev_to_vmm(const struct vmm_stats_snap *sn,
			   const struct dev_snap *d)
{
	return sn->kernel ? d->st.slow : d->st.fast + d->st.slow;
}

static uint64_t snap_total(const struct vmm_stats_snap *sn)
{
	uint64_t total = sn->dropped;
	unsigned int i;

	for (i = 0; i < sn->nr_devs; i++)
		if (sn->devs[i].ok)
			total += dev_to_vmm(sn, &sn->devs[i]);
	for (i = 0; i < sn->nr_rows; i++)
		if (sn->rows[i].kind != ROW_TRAP)
			total += sn->rows[i].reads + sn->rows[i].writes;
	return total;
}

/* The vCPUs' PIO/MMIO exits, completed in userspace or in the kernel. */
static void snap_vcpu_exits(const struct vmm_stats_snap *sn, uint64_t *user,
			    uint64_t *kernel)
{
	unsigned int i;

	*user = *kernel = 0;
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (sn->vcpu_ok[i]) {
			*user += sn->vcpu[i].user_exits;
			*kernel += sn->vcpu[i].kernel_exits;
		}
}

void vmm_stats_at_mark(struct vmm *vmm, unsigned int mark,
		       uint64_t *to_vmm, uint64_t *user_exits,
		       uint64_t *kernel_exits)
{
	struct vmm_stats_snap *sn = malloc(sizeof(*sn));

	if (!sn) {
		*to_vmm = *user_exits = *kernel_exits = 0;
		return;
	}
	snap_take(vmm, sn);
	*to_vmm = snap_total(sn);
	snap_vcpu_exits(sn, user_exits, kernel_exits);
	/* The first mark, init's, ends the boot; one vCPU reaches it. */
	if (mark == VMM_MARK_INIT && !vmm->stats->have_init) {
		vmm->stats->init = *sn;
		vmm->stats->have_init = true;
	}
	free(sn);
}

/* ---- Printing -------------------------------------------------------- */

static void print_dev(const struct vmm_stats_snap *sn,
		      const struct dev_snap *d)
{
	const struct vmdev_regdev_stats *st = &d->st;

	fprintf(stderr, "  %-4s %#10llx  %-14s %10llu %10llu %10llu",
		d->space == VMDEV_PIO ? "pio" : "mmio",
		(unsigned long long)d->addr, d->name,
		(unsigned long long)(st->fast + st->slow),
		(unsigned long long)(sn->kernel ? st->fast : 0),
		(unsigned long long)dev_to_vmm(sn, d));
	if (d->space == VMDEV_MMIO)
		fprintf(stderr, "  (irqs %llu, ioeventfds %llu)",
			(unsigned long long)st->irqs,
			(unsigned long long)st->ioeventfds);
	fputc('\n', stderr);
}

static void print_rows(const struct vmm_stats_snap *sn)
{
	unsigned int i;

	for (i = 0; i < sn->nr_rows; i++) {
		const struct stat_row *r = &sn->rows[i];
		uint64_t n = r->reads + r->writes;

		if (r->kind == ROW_TRAP)
			continue;
		fprintf(stderr, "  %-4s %#10llx  %-14s %10llu %10d %10llu"
			"  (%llu reads, %llu writes)\n",
			r->space == VMDEV_PIO ? "pio" : "mmio",
			(unsigned long long)r->addr,
			r->kind == ROW_MARK ? "guest mark" : "no device",
			(unsigned long long)n, 0, (unsigned long long)n,
			(unsigned long long)r->reads,
			(unsigned long long)r->writes);
	}
	if (sn->dropped)
		fprintf(stderr, "  (and %llu more at other addresses)\n",
			(unsigned long long)sn->dropped);
	for (i = 0; i < sn->nr_rows; i++)
		if (sn->rows[i].kind == ROW_TRAP)
			fprintf(stderr, "    of which port %#llx, trapped "
				"register: %llu writes, %llu reads\n",
				(unsigned long long)sn->rows[i].addr,
				(unsigned long long)sn->rows[i].writes,
				(unsigned long long)sn->rows[i].reads);
}

/* One table: the vCPUs' counters, then every device and port. */
static void print_snap(const struct vmm_stats_snap *sn, const char *when,
		       const char *total, unsigned int vcpus)
{
	unsigned int i;

	for (i = 0; i < vcpus; i++)
		if (sn->vcpu_ok[i])
			fprintf(stderr, "vmdev-vmm: stats%s: vCPU %u: %llu "
				"runs, %llu PIO/MMIO exits completed in the "
				"kernel, %llu in userspace\n", when, i,
				(unsigned long long)sn->vcpu[i].runs,
				(unsigned long long)sn->vcpu[i].kernel_exits,
				(unsigned long long)sn->vcpu[i].user_exits);
	fprintf(stderr, "  space       addr  device         %10s %10s %10s\n",
		"accesses", "in kernel", "to VMM");
	for (i = 0; i < sn->nr_devs; i++)
		if (sn->devs[i].ok)
			print_dev(sn, &sn->devs[i]);
	print_rows(sn);
	fprintf(stderr, "vmdev-vmm: stats%s: %s: %llu\n", when, total,
		(unsigned long long)snap_total(sn));
}

void vmm_stats_print(struct vmm *vmm)
{
	struct vmm_stats_snap *sn = malloc(sizeof(*sn));
	struct vmm_stats *s = vmm->stats;
	char when[64];

	if (!sn)
		return;
	snap_take(vmm, sn);
	fprintf(stderr, "vmdev-vmm: stats: mode %s, %u vCPU(s)\n",
		sn->kernel ? "kernel" : "user", vmm->args.vcpus);
	/*
	 * Power-on to init: up to the guest's first mark, if it made one
	 * (its total under a label of its own, so that "exits to the VMM:"
	 * stays the whole run's).
	 */
	if (s->have_init) {
		snprintf(when, sizeof(when), " at init (%.3f s)",
			 s->init.secs);
		print_snap(&s->init, when, "exits to the VMM by init",
			   vmm->args.vcpus);
	}
	print_snap(sn, "", "exits to the VMM", vmm->args.vcpus);
	free(sn);
}
