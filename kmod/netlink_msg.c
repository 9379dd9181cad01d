// SPDX-License-Identifier: GPL-2.0
/*
 * Building the messages of the "vmdev" family, the layout of which
 * linux/vmdev_netlink.h describes. A context's message reads its counts
 * and sums its devices' counters under the context's lock, which the
 * caller holds (or owns the context alone); a device's needs the device
 * alive (the lock, or RCU). Each builder puts a whole message or, when
 * skb is full, nothing at all.
 */
#include <linux/atomic.h>
#include <linux/kvm_host.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/vmdev.h>
#include <linux/vmdev_netlink.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "context.h"
#include "device.h"
#include "netlink_msg.h"

/* A device's counters, read one by one (a snapshot only when idle). */
struct dev_counts {
	u64 v[__VMDEV_STATS_A_MAX];
};

static void read_counts(const struct vmdev_device *dev, struct dev_counts *c)
{
	const struct vmdev_device_stats *st = &dev->stats;
	u64 writes = atomic64_read(&st->writes);

	c->v[VMDEV_STATS_A_READS] += atomic64_read(&st->fast) - writes;
	c->v[VMDEV_STATS_A_WRITES] += writes;
	c->v[VMDEV_STATS_A_KVM_BUS] += atomic64_read(&st->kvm_bus);
	c->v[VMDEV_STATS_A_SLOW] += atomic64_read(&st->slow);
	c->v[VMDEV_STATS_A_DOORBELLS] += atomic64_read(&st->doorbells);
	c->v[VMDEV_STATS_A_IOEVENTFDS] += atomic64_read(&st->ioeventfds);
	c->v[VMDEV_STATS_A_IRQS_RAISED] += atomic64_read(&st->irqs);
	c->v[VMDEV_STATS_A_IRQS_LOWERED] += atomic64_read(&st->irqs_lowered);
	c->v[VMDEV_STATS_A_IRQS_RESAMPLED] += atomic64_read(&st->resampled);
}

static int put_counts(struct sk_buff *skb, int type, const struct dev_counts *c)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = VMDEV_STATS_A_READS; i <= VMDEV_STATS_A_MAX; i++)
		if (nla_put_u64_64bit(skb, i, c->v[i], VMDEV_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static u32 ctx_level(const struct vmdev_ctx *ctx)
{
	return ctx->l3.attached && ctx->l3.nr ? VMDEV_LEVEL_KVM_BUS :
						VMDEV_LEVEL_MODULE;
}

/* Level 3 serves every range of an attached context (level3.c). */
static u32 dev_level(const struct vmdev_ctx *ctx,
		     const struct vmdev_device *dev)
{
	return dev->nr_ranges ? ctx_level(ctx) : VMDEV_LEVEL_NONE;
}

static void *msg_start(struct sk_buff *skb, const struct vmdev_nl_dest *d)
{
	void *hdr;

	hdr = genlmsg_put(skb, d->portid, d->seq, &vmdev_genl, d->flags,
			  d->cmd);
	if (hdr && d->cb)
		nl_dump_check_consistent(d->cb, genlmsg_nlhdr(hdr));
	return hdr;
}

/* Close the message, or take back whatever of it is in skb. */
static int msg_end(struct sk_buff *skb, void *hdr, int ret)
{
	if (ret) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int put_ctx_attrs(struct sk_buff *skb, struct vmdev_ctx *ctx)
{
	struct dev_counts c = {};
	struct vmdev_device *dev;
	unsigned long id;

	xa_for_each(&ctx->devices, id, dev)
		read_counts(dev, &c);
	if (nla_put_u32(skb, VMDEV_A_CTX_PID, ctx->nl.pid) ||
	    nla_put_u32(skb, VMDEV_A_CTX_UID,
			from_kuid_munged(&init_user_ns, ctx->nl.uid)) ||
	    nla_put_u8(skb, VMDEV_A_CTX_VM_BOUND, !!ctx->vm.kvm) ||
	    nla_put_u32(skb, VMDEV_A_CTX_LEVEL, ctx_level(ctx)) ||
	    nla_put_u32(skb, VMDEV_A_CTX_L3_WINDOWS, ctx->l3.nr) ||
	    nla_put_u32(skb, VMDEV_A_CTX_NR_DEVICES, ctx->nr_devices) ||
	    nla_put_u32(skb, VMDEV_A_CTX_NR_RANGES, ctx->nr_ranges) ||
	    nla_put_u64_64bit(skb, VMDEV_A_CTX_UNCLAIMED,
			      atomic64_read(&ctx->unclaimed), VMDEV_A_PAD) ||
	    nla_put_u32(skb, VMDEV_A_CTX_GENERATION, ctx->nl.gen) ||
	    (ctx->vm.kvm &&
	     nla_put_string(skb, VMDEV_A_CTX_VM_ID, ctx->vm.kvm->stats_id)))
		return -EMSGSIZE;
	return put_counts(skb, VMDEV_A_CTX_STATS, &c);
}

int vmdev_nl_put_ctx(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		     struct vmdev_ctx *ctx)
{
	void *hdr = msg_start(skb, d);

	if (!hdr)
		return -EMSGSIZE;
	return msg_end(skb, hdr,
		       nla_put_u32(skb, VMDEV_A_CTX_ID, ctx->nl.id) ||
		       put_ctx_attrs(skb, ctx));
}

static int put_range(struct sk_buff *skb, const struct vmdev_range *r)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, VMDEV_A_RANGE);
	if (!nest ||
	    nla_put_u32(skb, VMDEV_RANGE_A_SPACE, r->space) ||
	    nla_put_u64_64bit(skb, VMDEV_RANGE_A_BASE, r->base,
			      VMDEV_RANGE_A_PAD) ||
	    nla_put_u64_64bit(skb, VMDEV_RANGE_A_LEN, r->len,
			      VMDEV_RANGE_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_dev_attrs(struct sk_buff *skb, struct vmdev_ctx *ctx,
			 const struct vmdev_device *dev)
{
	struct nlattr *nest;
	u32 i;

	if (nla_put_string(skb, VMDEV_A_DEV_NAME, dev->name) ||
	    nla_put_u32(skb, VMDEV_A_DEV_NR_REGS, dev->nr_regs) ||
	    nla_put_u32(skb, VMDEV_A_DEV_LEVEL, dev_level(ctx, dev)))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VMDEV_A_DEV_RANGES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < dev->nr_ranges; i++)
		if (put_range(skb, &dev->ranges[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ids(struct sk_buff *skb, struct vmdev_ctx *ctx, u32 id)
{
	return nla_put_u32(skb, VMDEV_A_CTX_ID, ctx->nl.id) ||
	       nla_put_u32(skb, VMDEV_A_DEV_ID, id);
}

int vmdev_nl_put_dev(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		     struct vmdev_ctx *ctx, const struct vmdev_device *dev)
{
	void *hdr = msg_start(skb, d);

	if (!hdr)
		return -EMSGSIZE;
	return msg_end(skb, hdr, put_ids(skb, ctx, dev->id) ||
				 put_dev_attrs(skb, ctx, dev));
}

int vmdev_nl_put_stats(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		       struct vmdev_ctx *ctx, const struct vmdev_device *dev)
{
	struct dev_counts c = {};
	void *hdr = msg_start(skb, d);

	if (!hdr)
		return -EMSGSIZE;
	read_counts(dev, &c);
	return msg_end(skb, hdr, put_ids(skb, ctx, dev->id) ||
				 put_counts(skb, VMDEV_A_DEV_STATS, &c));
}

int vmdev_nl_put_dev_id(struct sk_buff *skb, const struct vmdev_nl_dest *d,
			struct vmdev_ctx *ctx, u32 id)
{
	void *hdr = msg_start(skb, d);

	if (!hdr)
		return -EMSGSIZE;
	return msg_end(skb, hdr, put_ids(skb, ctx, id));
}

int vmdev_nl_put_range(struct sk_buff *skb, const struct vmdev_nl_dest *d,
		       struct vmdev_ctx *ctx, const struct vmdev_device *dev,
		       const struct vmdev_range *r)
{
	void *hdr = msg_start(skb, d);

	if (!hdr)
		return -EMSGSIZE;
	return msg_end(skb, hdr, put_ids(skb, ctx, dev->id) ||
				 put_range(skb, r));
}
