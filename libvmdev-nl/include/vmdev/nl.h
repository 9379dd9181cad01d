/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvmdev-nl: the client of vmdev.ko's generic netlink family "vmdev"
 * (linux/vmdev_netlink.h), built on libnl-3 (libnl-genl-3). It lists the
 * module's contexts, their devices and counters, and reads the events
 * that announce their changes. The conventions of libvmdev apply
 * (vmdev/common.h): opaque handles, 0 or -errno, option structs with a
 * size. Link with `pkg-config --libs libvmdev-nl`.
 */
#ifndef VMDEV_NL_H
#define VMDEV_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/vmdev_netlink.h>
#include <vmdev/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * VMDEV_API and VMDEV_OPTS() are libvmdev's (<vmdev/common.h>, installed
 * beside this header).
 */

struct vmdev_nl;

struct vmdev_nl_opts {
	size_t sz;
	/* Join the "events" group (needs CAP_NET_ADMIN): a handle for
	 * vmdev_nl_events_read(), which then takes no requests. */
	bool events;
};

/* A device's counters, or their sum over a context. */
struct vmdev_nl_counters {
	uint64_t reads;		/* guest reads completed in the kernel */
	uint64_t writes;	/* guest writes completed in the kernel */
	uint64_t kvm_bus;	/* of those, on KVM's I/O bus (level 3) */
	uint64_t slow;		/* accesses left to the VMM */
	uint64_t doorbells;
	uint64_t ioeventfds;
	uint64_t irqs_raised;
	uint64_t irqs_lowered;
	uint64_t irqs_resampled;
};

struct vmdev_nl_ctx {
	uint32_t id;
	uint32_t pid;		/* opener's process */
	uint32_t uid;		/* opener's effective uid */
	uint32_t level;		/* VMDEV_LEVEL_* (linux/vmdev.h) */
	uint32_t l3_windows;
	uint32_t nr_devices;
	uint32_t nr_ranges;
	uint32_t generation;
	bool vm_bound;
	char vm_id[48];		/* KVM's name of the bound VM, or "" */
	uint64_t unclaimed;	/* accesses that hit no device */
	struct vmdev_nl_counters stats;
};

struct vmdev_nl_range {
	uint32_t space;		/* VMDEV_SPACE_* */
	uint64_t base;
	uint64_t len;
};

#define VMDEV_NL_MAX_RANGES	16
#define VMDEV_NL_NAME_LEN	32

struct vmdev_nl_dev {
	uint32_t ctx_id;
	uint32_t id;
	uint32_t nr_regs;
	uint32_t level;
	uint32_t nr_ranges;
	char name[VMDEV_NL_NAME_LEN];
	struct vmdev_nl_range ranges[VMDEV_NL_MAX_RANGES];
	struct vmdev_nl_counters stats;	/* stats calls only */
};

/* One event: type is the VMDEV_CMD_* of linux/vmdev_netlink.h. */
struct vmdev_nl_event {
	uint32_t type;
	uint32_t ctx_id;
	uint32_t dev_id;		/* device and range events */
	struct vmdev_nl_ctx ctx;	/* CTX_NEW, CTX_DEL, LEVEL */
	struct vmdev_nl_dev dev;	/* DEV_NEW */
	struct vmdev_nl_range range;	/* RANGE_NEW, RANGE_DEL */
};

/* Called per object; a non-zero return stops the walk and is returned. */
typedef int (*vmdev_nl_ctx_fn)(const struct vmdev_nl_ctx *ctx, void *arg);
typedef int (*vmdev_nl_dev_fn)(const struct vmdev_nl_dev *dev, void *arg);
typedef int (*vmdev_nl_event_fn)(const struct vmdev_nl_event *ev, void *arg);

/*
 * Connect to the family: -ENOENT if vmdev.ko is not loaded, -EPERM if
 * opts->events and the caller may not join the group.
 */
VMDEV_API int vmdev_nl_open(const struct vmdev_nl_opts *opts,
			    struct vmdev_nl **out);
VMDEV_API void vmdev_nl_close(struct vmdev_nl *nl);
/* The kernel's extack message for the last failed call, or "". */
VMDEV_API const char *vmdev_nl_errmsg(const struct vmdev_nl *nl);

/*
 * GETs: -ENOENT (no such context or device), -EPERM (another user's
 * context, without CAP_NET_ADMIN).
 */
VMDEV_API int vmdev_nl_ctx_get(struct vmdev_nl *nl, uint32_t ctx,
			       struct vmdev_nl_ctx *out);
VMDEV_API int vmdev_nl_dev_get(struct vmdev_nl *nl, uint32_t ctx, uint32_t id,
			       struct vmdev_nl_dev *out);
VMDEV_API int vmdev_nl_stats_get(struct vmdev_nl *nl, uint32_t ctx,
				 uint32_t id, struct vmdev_nl_dev *out);

/*
 * Dumps, of every visible context (ctx 0) or of one. They return the
 * number of objects seen, or -EAGAIN when a context or device came or
 * went during the dump (every object that stayed was seen exactly once;
 * repeat for an exact snapshot), or -errno.
 */
VMDEV_API int vmdev_nl_ctx_dump(struct vmdev_nl *nl, vmdev_nl_ctx_fn fn,
				void *arg);
VMDEV_API int vmdev_nl_dev_dump(struct vmdev_nl *nl, uint32_t ctx,
				vmdev_nl_dev_fn fn, void *arg);
VMDEV_API int vmdev_nl_stats_dump(struct vmdev_nl *nl, uint32_t ctx,
				  vmdev_nl_dev_fn fn, void *arg);

/*
 * Events (a handle opened with opts->events): the socket to poll, and a
 * read of what is queued (blocking until something is). Returns the
 * number of events handed to fn, -ENOBUFS if events were lost (resync
 * with a dump), or -errno.
 */
VMDEV_API int vmdev_nl_events_fd(const struct vmdev_nl *nl);
VMDEV_API int vmdev_nl_events_read(struct vmdev_nl *nl, vmdev_nl_event_fn fn,
				   void *arg);

#ifdef __cplusplus
}
#endif
#endif /* VMDEV_NL_H */
