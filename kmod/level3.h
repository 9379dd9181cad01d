/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Level 3 of the fast path: a context's register devices served on its
 * KVM VM's own I/O bus (level3.c).
 */
#ifndef VMDEV_LEVEL3_H
#define VMDEV_LEVEL3_H

#include <linux/types.h>

/*
 * KVM's bus holds at most 1000 devices per VM, ioeventfds included, and
 * copies itself whole on every change: a context takes a few windows,
 * never one per range.
 */
#define VMDEV_L3_MAX_WINDOWS	32

struct vmdev_bus_table;
struct vmdev_ctx;
struct vmdev_l3_window;

/* Under the context's lock. */
struct vmdev_l3 {
	bool attached;		/* VMDEV_KVM_ATTACH succeeded */
	bool held;		/* a VMDEV_BATCH is open: KVM's bus waits */
	bool stale;		/* the windows changed while held */
	u32 nr;			/* windows on KVM's bus */
	struct vmdev_l3_window *win[VMDEV_L3_MAX_WINDOWS];
};

void vmdev_l3_sync(struct vmdev_ctx *ctx);
void vmdev_l3_publish(struct vmdev_ctx *ctx, struct vmdev_bus_table *table);
void vmdev_l3_detach(struct vmdev_ctx *ctx);

#endif /* VMDEV_LEVEL3_H */
