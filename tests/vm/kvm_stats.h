/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's own per-vCPU counters, read through its binary statistics file
 * (KVM_GET_STATS_FD, Documentation/virt/kvm/api.rst): exits by kind,
 * halts and the time spent in them, interrupt injections, preemptions of
 * the vCPU thread. The demo reads them before and after every run, so
 * that what it shows of a run is KVM's account of it, not an estimate.
 *
 * Only single-valued counters (size 1) are kept, by name; histograms are
 * left out. A missing counter reads as 0 and kvm_stats_has() says so.
 */
#ifndef VMDEV_TESTS_KVM_STATS_H
#define VMDEV_TESTS_KVM_STATS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#define KVM_STATS_MAX	96
/* KVM's names are at most 48 bytes with their NUL (KVM_STATS_NAME_SIZE). */
#define KVM_STATS_NAME	64

/* The counters' layout in one vCPU's statistics file. */
struct kvm_stats {
	int fd;
	unsigned int n;
	uint32_t data_offset;
	char name[KVM_STATS_MAX][KVM_STATS_NAME];
	uint32_t offset[KVM_STATS_MAX];	/* of each counter in the data */
};

/* A snapshot of the counters, in the order of kvm_stats.name. */
struct kvm_stats_val {
	uint64_t v[KVM_STATS_MAX];
};

/* Reads the descriptors once; 0 or a negative errno. */
static inline int kvm_stats_open(struct kvm_stats *s, int vcpu_fd)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t dsize;
	unsigned int i;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	s->fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (s->fd < 0)
		return -errno;
	if (pread(s->fd, &h, sizeof(h), 0) != sizeof(h) ||
	    h.name_size > KVM_STATS_NAME) {
		close(s->fd);
		s->fd = -1;
		return -EIO;
	}
	dsize = sizeof(*d) + h.name_size;
	d = malloc(dsize);
	if (!d) {
		close(s->fd);
		s->fd = -1;
		return -ENOMEM;
	}
	s->data_offset = h.data_offset;
	for (i = 0; i < h.num_desc && s->n < KVM_STATS_MAX; i++) {
		if (pread(s->fd, d, dsize, h.desc_offset + i * dsize) !=
		    (ssize_t)dsize) {
			ret = -EIO;
			break;
		}
		if (d->size != 1)
			continue;
		memcpy(s->name[s->n], d->name, h.name_size);
		s->name[s->n][KVM_STATS_NAME - 1] = '\0';
		s->offset[s->n++] = d->offset;
	}
	free(d);
	if (ret) {
		close(s->fd);
		s->fd = -1;
	}
	return ret;
}

static inline void kvm_stats_close(struct kvm_stats *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static inline int kvm_stats_read(const struct kvm_stats *s,
				 struct kvm_stats_val *val)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (pread(s->fd, &val->v[i], sizeof(val->v[i]),
			  s->data_offset + s->offset[i]) != sizeof(val->v[i]))
			return -EIO;
	return 0;
}

/* The index of a counter, or -1 if this KVM has none of that name. */
static inline int kvm_stats_index(const struct kvm_stats *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return i;
	return -1;
}

static inline bool kvm_stats_has(const struct kvm_stats *s, const char *name)
{
	return kvm_stats_index(s, name) >= 0;
}

/* after - before, for the counter called name (0 if there is none). */
static inline uint64_t kvm_stats_delta(const struct kvm_stats *s,
				       const struct kvm_stats_val *before,
				       const struct kvm_stats_val *after,
				       const char *name)
{
	int i = kvm_stats_index(s, name);

	return i < 0 ? 0 : after->v[i] - before->v[i];
}

#endif /* VMDEV_TESTS_KVM_STATS_H */
