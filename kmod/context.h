/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A context: what one open file of /dev/vmdev holds, one VM's devices and
 * its bus. Contexts share nothing.
 */
#ifndef VMDEV_CONTEXT_H
#define VMDEV_CONTEXT_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "bus.h"
#include "level3.h"
#include "netlink.h"
#include "vm.h"

struct vmdev_device;
struct vmdev_rdev_events;

/* An operation on one device; its events go to vmdev_notify(). */
typedef int (*vmdev_device_fn)(struct vmdev_device *dev, void *arg,
			       struct vmdev_rdev_events *ev);

struct vmdev_ctx {
	/*
	 * Serializes every change of devices, bus and counts. Accesses and
	 * the VMM's register calls never take it: they find devices and
	 * ranges under RCU.
	 */
	struct mutex lock;
	struct xarray devices;	/* id -> struct vmdev_device */
	struct vmdev_bus bus;
	u32 next_id;		/* cursor of the cyclic id allocation */
	u32 nr_devices;
	u32 nr_ranges;
	atomic64_t unclaimed;	/* accesses that hit no device */
	struct vmdev_vm vm;	/* the KVM VM, once a vCPU ran */
	struct vmdev_l3 l3;	/* windows on KVM's bus, once attached */
	struct vmdev_nl_ctx nl;	/* as the netlink family shows it */
};

struct vmdev_ctx *vmdev_ctx_create(void);
void vmdev_ctx_destroy(struct vmdev_ctx *ctx);

int vmdev_ctx_add(struct vmdev_ctx *ctx, struct vmdev_device *dev,
		  u32 __user *uid);
int vmdev_ctx_remove(struct vmdev_ctx *ctx, u32 id);
int vmdev_ctx_call(struct vmdev_ctx *ctx, u32 id, vmdev_device_fn fn,
		   void *arg);

#endif /* VMDEV_CONTEXT_H */
