// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" multicast group of the "vmdev" family: each change of a
 * context (open, close, level), of its devices (create, destroy, reset)
 * and of their ranges, announced by the thread that made it, right
 * after it, in the order the changes were made: creates, destroys and
 * level changes under the context's lock, a reset right after it
 * returns (a reset racing a destroy of the same device may be announced
 * after the destroy). Nothing is built while nobody listens. An event that
 * cannot be sent (no memory) is lost, as netlink events may be; the
 * listener sees ENOBUFS on its socket when its own buffer overflows, and
 * resynchronizes with a dump.
 */
#include <linux/vmdev_netlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "context.h"
#include "device.h"
#include "netlink.h"
#include "netlink_msg.h"

/* The index of "events" in the family's groups. */
#define EVENTS_GROUP	0

static bool listened(void)
{
	return genl_has_listeners(&vmdev_genl, &init_net, EVENTS_GROUP);
}

static struct sk_buff *event_new(u8 cmd, struct vmdev_nl_dest *d)
{
	*d = (struct vmdev_nl_dest){ .cmd = cmd };
	return genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
}

static void event_send(struct sk_buff *skb, int ret)
{
	if (ret)
		nlmsg_free(skb);
	else
		genlmsg_multicast(&vmdev_genl, skb, 0, EVENTS_GROUP,
				  GFP_KERNEL);
}

static void ctx_event(struct vmdev_ctx *ctx, u8 cmd)
{
	struct vmdev_nl_dest d;
	struct sk_buff *skb;

	if (!listened())
		return;
	skb = event_new(cmd, &d);
	if (skb)
		event_send(skb, vmdev_nl_put_ctx(skb, &d, ctx));
}

static void dev_event(struct vmdev_ctx *ctx, const struct vmdev_device *dev,
		      u32 id, u8 cmd)
{
	struct vmdev_nl_dest d;
	struct sk_buff *skb;

	skb = event_new(cmd, &d);
	if (!skb)
		return;
	event_send(skb, dev ? vmdev_nl_put_dev(skb, &d, ctx, dev) :
			      vmdev_nl_put_dev_id(skb, &d, ctx, id));
}

static void range_events(struct vmdev_ctx *ctx, const struct vmdev_device *dev,
			 u8 cmd)
{
	struct vmdev_nl_dest d;
	struct sk_buff *skb;
	u32 i;

	for (i = 0; i < dev->nr_ranges; i++) {
		skb = event_new(cmd, &d);
		if (!skb)
			return;
		event_send(skb, vmdev_nl_put_range(skb, &d, ctx, dev,
						   &dev->ranges[i]));
	}
}

/* The context is registered and nobody else holds it yet. */
void vmdev_nl_ctx_opened(struct vmdev_ctx *ctx)
{
	mutex_lock(&ctx->lock);
	ctx_event(ctx, VMDEV_CMD_CTX_NEW);
	mutex_unlock(&ctx->lock);
}

/* The context left the registry; its file is gone. */
void vmdev_nl_ctx_closed(struct vmdev_ctx *ctx)
{
	mutex_lock(&ctx->lock);
	ctx_event(ctx, VMDEV_CMD_CTX_DEL);
	mutex_unlock(&ctx->lock);
}

void vmdev_nl_dev_added(struct vmdev_ctx *ctx, const struct vmdev_device *dev)
{
	lockdep_assert_held(&ctx->lock);
	ctx->nl.gen++;
	atomic_inc(&vmdev_nl_gen);
	if (!listened())
		return;
	dev_event(ctx, dev, dev->id, VMDEV_CMD_DEV_NEW);
	range_events(ctx, dev, VMDEV_CMD_RANGE_NEW);
}

void vmdev_nl_dev_removed(struct vmdev_ctx *ctx,
			  const struct vmdev_device *dev)
{
	lockdep_assert_held(&ctx->lock);
	ctx->nl.gen++;
	atomic_inc(&vmdev_nl_gen);
	if (!listened())
		return;
	range_events(ctx, dev, VMDEV_CMD_RANGE_DEL);
	dev_event(ctx, NULL, dev->id, VMDEV_CMD_DEV_DEL);
}

void vmdev_nl_dev_reset(struct vmdev_ctx *ctx, u32 id)
{
	if (listened())
		dev_event(ctx, NULL, id, VMDEV_CMD_DEV_RESET);
}

void vmdev_nl_level(struct vmdev_ctx *ctx)
{
	lockdep_assert_held(&ctx->lock);
	ctx_event(ctx, VMDEV_CMD_LEVEL);
}
