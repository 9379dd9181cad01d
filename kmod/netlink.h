/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "vmdev" generic netlink family (netlink.c): contexts, devices and
 * counters for observers, and the events that announce their changes.
 */
#ifndef VMDEV_NETLINK_H
#define VMDEV_NETLINK_H

#include <linux/types.h>
#include <linux/uidgid.h>

struct vmdev_ctx;
struct vmdev_device;

/* What the family knows of a context, set once at open. */
struct vmdev_nl_ctx {
	u32 id;		/* VMDEV_A_CTX_ID, 0 until registered */
	u32 pid;	/* opener's thread group, init pid namespace */
	kuid_t uid;	/* opener's effective uid */
	u32 gen;	/* devices added and removed, under ctx->lock */
};

int vmdev_nl_init(void);
void vmdev_nl_uninit(void);

/* At open and at release: the context becomes visible, or stops being. */
int vmdev_nl_ctx_add(struct vmdev_ctx *ctx);
void vmdev_nl_ctx_del(struct vmdev_ctx *ctx);

/* Under the context's lock: the change is made, announce it. */
void vmdev_nl_dev_added(struct vmdev_ctx *ctx, const struct vmdev_device *dev);
void vmdev_nl_dev_removed(struct vmdev_ctx *ctx,
			  const struct vmdev_device *dev);
void vmdev_nl_level(struct vmdev_ctx *ctx);
/* Without it: a reset completed. */
void vmdev_nl_dev_reset(struct vmdev_ctx *ctx, u32 id);

#endif /* VMDEV_NETLINK_H */
