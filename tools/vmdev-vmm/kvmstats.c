// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * KVM's own account of a vCPU (KVM_GET_STATS_FD, the binary statistics
 * of Documentation/virt/kvm/api.rst), printed at each of the guest's
 * marks with --stats: how many exits into KVM the guest made, of which
 * kinds, how often and how long it halted, how many interrupts KVM
 * injected. Between two marks they say where a phase's time went, in
 * either mode: the exits vmdev.ko completes are KVM's exits too.
 *
 *   vmdev-vmm: mark 3 kvm: exits 512345, io_exits 81234, ...
 *
 * Only the counters named in wanted[] that this KVM has; none at all if
 * it has no statistics file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "vmm.h"

/* KVM's x86 vCPU counters worth a phase's account. */
static const char *const wanted[] = {
	"exits", "io_exits", "mmio_exits", "irq_exits", "irq_window_exits",
	"halt_exits", "halt_wait_ns", "halt_successful_poll",
	"halt_attempted_poll", "halt_poll_success_ns", "halt_poll_fail_ns",
	"halt_wakeup", "irq_injections", "signal_exits", "preemption_reported",
};

#define NR_WANTED	(sizeof(wanted) / sizeof(*wanted))

struct vmm_kvmstats {
	int fd;
	uint64_t offset[NR_WANTED];	/* in the file; 0: not there */
};

/* The descriptor of each wanted counter, by name. */
static int find_counters(struct vmm_kvmstats *k)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t dsize;
	unsigned int i, j;

	if (pread(k->fd, &h, sizeof(h), 0) != sizeof(h))
		return -EIO;
	dsize = sizeof(*d) + h.name_size;
	d = calloc(1, dsize + 1);
	if (!d)
		return -ENOMEM;
	for (i = 0; i < h.num_desc; i++) {
		if (pread(k->fd, d, dsize, h.desc_offset + i * dsize) !=
		    (ssize_t)dsize)
			break;
		if (d->size != 1)
			continue;
		for (j = 0; j < NR_WANTED; j++)
			if (!strcmp(d->name, wanted[j]))
				k->offset[j] = h.data_offset + d->offset;
	}
	free(d);
	return 0;
}

/* vCPU 0's statistics file; NULL (and no line at marks) without one. */
struct vmm_kvmstats *vmm_kvmstats_open(int vcpu_fd)
{
	struct vmm_kvmstats *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (k->fd < 0 || find_counters(k)) {
		if (k->fd >= 0)
			close(k->fd);
		free(k);
		return NULL;
	}
	return k;
}

void vmm_kvmstats_close(struct vmm_kvmstats *k)
{
	if (!k)
		return;
	close(k->fd);
	free(k);
}

void vmm_kvmstats_print(struct vmm_kvmstats *k, unsigned int mark)
{
	char line[1024];
	size_t len = 0;
	unsigned int j;
	uint64_t v;

	if (!k)
		return;
	for (j = 0; j < NR_WANTED && len < sizeof(line); j++) {
		if (!k->offset[j] ||
		    pread(k->fd, &v, sizeof(v), k->offset[j]) != sizeof(v))
			continue;
		len += snprintf(line + len, sizeof(line) - len, "%s%s %llu",
				len ? ", " : "", wanted[j],
				(unsigned long long)v);
	}
	if (len)
		fprintf(stderr, "vmdev-vmm: mark %u kvm: %s\n", mark, line);
}
