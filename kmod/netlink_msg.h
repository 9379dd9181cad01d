/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The messages of the "vmdev" family (netlink_msg.c), shared by the
 * replies to requests (netlink.c) and by the events (netlink_event.c).
 */
#ifndef VMDEV_NETLINK_MSG_H
#define VMDEV_NETLINK_MSG_H

#include <net/genetlink.h>

struct vmdev_ctx;
struct vmdev_device;
struct vmdev_range;

extern struct genl_family vmdev_genl;
/* Bumped by every context or device that comes or goes. */
extern atomic_t vmdev_nl_gen;

/* Where a message goes and what its header says. */
struct vmdev_nl_dest {
	u32 portid;
	u32 seq;
	int flags;
	u8 cmd;
	struct netlink_callback *cb;	/* a dump's: consistency flag */
};

/* netlink_event.c: a context came (registered) or went (unregistered). */
void vmdev_nl_ctx_opened(struct vmdev_ctx *ctx);
void vmdev_nl_ctx_closed(struct vmdev_ctx *ctx);

/* Each fills one whole message into skb: 0 or -EMSGSIZE (nothing left). */
int vmdev_nl_put_ctx(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		     struct vmdev_ctx *ctx);
int vmdev_nl_put_dev(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		     struct vmdev_ctx *ctx, const struct vmdev_device *dev);
int vmdev_nl_put_stats(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		       struct vmdev_ctx *ctx, const struct vmdev_device *dev);
int vmdev_nl_put_dev_id(struct sk_buff *skb, const struct vmdev_nl_dest *d,
			struct vmdev_ctx *ctx, u32 id);
int vmdev_nl_put_range(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		       struct vmdev_ctx *ctx, const struct vmdev_device *dev,
		       const struct vmdev_range *r);

#endif /* VMDEV_NETLINK_MSG_H */
