// SPDX-License-Identifier: GPL-2.0
/*
 * The "vmdev" generic netlink family: GET and dump of contexts, devices
 * and counters (linux/vmdev_netlink.h), for observers such as vmdevctl.
 *
 * Every open context is in one registry, an id -> context map under
 * vmdev_nl_lock. A context leaves it first thing at release, under that
 * lock, so whoever holds the lock and found a context may use it; the
 * context's own lock then orders the reads of its devices against
 * hotplug. Lock order: vmdev_nl_lock, then a context's lock; nothing
 * under a context's lock takes vmdev_nl_lock (events do not).
 *
 * Dumps keep a cursor (the next context id, the next device id) in the
 * netlink callback, and ids only grow (until they wrap), so a dump
 * resumed after its skb filled up neither repeats nor skips what stayed.
 * Every change bumps vmdev_nl_gen, the dump's sequence: a message built
 * after a change carries NLM_F_DUMP_INTR.
 *
 * Permissions: without CAP_NET_ADMIN a caller sees the contexts opened
 * with its own effective uid only.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/vmdev_netlink.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "compat.h"
#include "context.h"
#include "device.h"
#include "netlink.h"
#include "netlink_msg.h"

static DEFINE_MUTEX(vmdev_nl_lock);
static DEFINE_XARRAY_ALLOC1(vmdev_nl_ctxs);
static u32 vmdev_nl_next_id;
atomic_t vmdev_nl_gen = ATOMIC_INIT(0);

/* Who asks, as the checks below need it. */
struct caller {
	bool admin;
	kuid_t uid;
};

/* A dump's state between its calls, in netlink_callback.ctx. */
struct dump_state {
	struct caller who;
	u32 filter;		/* VMDEV_A_CTX_ID given, else 0 */
	u32 ctx_id;		/* cursor: the next context to look at */
	u32 dev_id;		/* cursor: the next device in it */
	u8 cmd;
};

static struct caller caller_of(const struct sk_buff *skb)
{
	return (struct caller){
		.admin = netlink_capable(skb, CAP_NET_ADMIN),
		.uid = current_euid(),
	};
}

static bool visible(const struct caller *who, const struct vmdev_ctx *ctx)
{
	return who->admin || uid_eq(who->uid, ctx->nl.uid);
}

/* Never 0, which nl_dump_check_consistent() takes for "not set". */
static unsigned int dump_seq(void)
{
	return (atomic_read(&vmdev_nl_gen) << 1) | 1;
}

int vmdev_nl_ctx_add(struct vmdev_ctx *ctx)
{
	int ret;

	ctx->nl.pid = task_tgid_nr(current);
	ctx->nl.uid = current_euid();
	mutex_lock(&vmdev_nl_lock);
	ret = xa_alloc_cyclic(&vmdev_nl_ctxs, &ctx->nl.id, ctx, xa_limit_31b,
			      &vmdev_nl_next_id, GFP_KERNEL_ACCOUNT);
	atomic_inc(&vmdev_nl_gen);
	mutex_unlock(&vmdev_nl_lock);
	if (ret < 0)
		return ret;
	vmdev_nl_ctx_opened(ctx);
	return 0;
}

void vmdev_nl_ctx_del(struct vmdev_ctx *ctx)
{
	mutex_lock(&vmdev_nl_lock);
	xa_erase(&vmdev_nl_ctxs, ctx->nl.id);
	atomic_inc(&vmdev_nl_gen);
	mutex_unlock(&vmdev_nl_lock);
	vmdev_nl_ctx_closed(ctx);
}

/* The context a request names, under vmdev_nl_lock; ERR_PTR if none. */
static struct vmdev_ctx *find_ctx(const struct caller *who, u32 id,
				  struct netlink_ext_ack *extack)
{
	struct vmdev_ctx *ctx = xa_load(&vmdev_nl_ctxs, id);

	if (!ctx) {
		NL_SET_ERR_MSG(extack, "no such context");
		return ERR_PTR(-ENOENT);
	}
	if (!visible(who, ctx)) {
		NL_SET_ERR_MSG(extack, "context of another user");
		return ERR_PTR(-EPERM);
	}
	return ctx;
}

/* ---- GET: one object -------------------------------------------------- */

static int reply(struct genl_info *info, struct sk_buff *skb, int ret)
{
	if (ret) {
		nlmsg_free(skb);
		return ret;
	}
	return genlmsg_reply(skb, info);
}

/* Build the reply for ctx (and device id, unless 0) under ctx's lock. */
static int fill_one(struct sk_buff *skb, struct genl_info *info,
		    struct vmdev_ctx *ctx, u32 id)
{
	const struct vmdev_nl_dest d = {
		.portid = info->snd_portid, .seq = info->snd_seq,
		.cmd = info->genlhdr->cmd,
	};
	struct vmdev_device *dev;
	int ret;

	mutex_lock(&ctx->lock);
	if (!id) {
		ret = vmdev_nl_put_ctx(skb, &d, ctx);
	} else {
		dev = xa_load(&ctx->devices, id);
		if (!dev) {
			NL_SET_ERR_MSG(info->extack, "no such device");
			ret = -ENOENT;
		} else if (d.cmd == VMDEV_CMD_GET_DEV) {
			ret = vmdev_nl_put_dev(skb, &d, ctx, dev);
		} else {
			ret = vmdev_nl_put_stats(skb, &d, ctx, dev);
		}
	}
	mutex_unlock(&ctx->lock);
	return ret;
}

static int get_one(struct sk_buff *skb, struct genl_info *info, bool dev)
{
	struct caller who = caller_of(skb);
	struct vmdev_ctx *ctx;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VMDEV_A_CTX_ID)) {
		NL_SET_ERR_MSG(info->extack, "context id missing");
		return -EINVAL;
	}
	if (dev && GENL_REQ_ATTR_CHECK(info, VMDEV_A_DEV_ID)) {
		NL_SET_ERR_MSG(info->extack, "device id missing");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vmdev_nl_lock);
	ctx = find_ctx(&who, nla_get_u32(info->attrs[VMDEV_A_CTX_ID]),
		       info->extack);
	ret = PTR_ERR_OR_ZERO(ctx);
	if (!ret)
		ret = fill_one(msg, info, ctx, dev ?
			       nla_get_u32(info->attrs[VMDEV_A_DEV_ID]) : 0);
	mutex_unlock(&vmdev_nl_lock);
	return reply(info, msg, ret);
}

static int get_ctx_doit(struct sk_buff *skb, struct genl_info *info)
{
	return get_one(skb, info, false);
}

static int get_dev_doit(struct sk_buff *skb, struct genl_info *info)
{
	return get_one(skb, info, true);
}

/* ---- Dumps ------------------------------------------------------------ */

static_assert(sizeof(struct dump_state) <=
	      sizeof_field(struct netlink_callback, ctx));

static struct nlattr **dump_attrs(struct netlink_callback *cb)
{
#ifdef VMDEV_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* In the requester's context: who asks, and may it see the context. */
static int dump_start(struct netlink_callback *cb)
{
	struct dump_state *st = (struct dump_state *)cb->ctx;
	struct nlattr *id = dump_attrs(cb)[VMDEV_A_CTX_ID];
	struct vmdev_ctx *ctx;
	int ret = 0;

	st->who = caller_of(cb->skb);
	st->cmd = genl_dumpit_info(cb)->op.cmd;
	st->ctx_id = 1;
	if (!id)
		return 0;
	st->filter = nla_get_u32(id);
	st->ctx_id = st->filter;
	mutex_lock(&vmdev_nl_lock);
	ctx = find_ctx(&st->who, st->filter, cb->extack);
	if (IS_ERR(ctx))
		ret = PTR_ERR(ctx);
	mutex_unlock(&vmdev_nl_lock);
	return ret;
}

static struct vmdev_nl_dest dump_dest(struct netlink_callback *cb)
{
	const struct dump_state *st = (const struct dump_state *)cb->ctx;

	return (struct vmdev_nl_dest){
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq, .flags = NLM_F_MULTI,
		.cmd = st->cmd, .cb = cb,
	};
}

static int get_ctx_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_state *st = (struct dump_state *)cb->ctx;
	unsigned long last = st->filter ?: ULONG_MAX;
	struct vmdev_nl_dest d = dump_dest(cb);
	struct vmdev_ctx *ctx;
	unsigned long id;
	int ret = 0;

	mutex_lock(&vmdev_nl_lock);
	cb->seq = dump_seq();
	xa_for_each_range(&vmdev_nl_ctxs, id, ctx, st->ctx_id, last) {
		if (!visible(&st->who, ctx))
			continue;
		mutex_lock(&ctx->lock);
		ret = vmdev_nl_put_ctx(skb, &d, ctx);
		mutex_unlock(&ctx->lock);
		if (ret)
			break;
		st->ctx_id = id + 1;
	}
	mutex_unlock(&vmdev_nl_lock);
	/* A message that fits no empty skb would never be sent. */
	return ret && !skb->len ? ret : skb->len;
}

/*
 * The devices of ctx from the cursor on, under its lock; -EMSGSIZE when
 * skb is full, with the cursor on the device that did not fit.
 */
static int dump_devices(struct sk_buff *skb, struct netlink_callback *cb,
			struct vmdev_ctx *ctx)
{
	struct dump_state *st = (struct dump_state *)cb->ctx;
	struct vmdev_nl_dest d = dump_dest(cb);
	struct vmdev_device *dev;
	unsigned long id;
	int ret = 0;

	mutex_lock(&ctx->lock);
	xa_for_each_start(&ctx->devices, id, dev, st->dev_id) {
		if (st->cmd == VMDEV_CMD_GET_DEV)
			ret = vmdev_nl_put_dev(skb, &d, ctx, dev);
		else
			ret = vmdev_nl_put_stats(skb, &d, ctx, dev);
		if (ret)
			break;
		st->dev_id = id + 1;
	}
	mutex_unlock(&ctx->lock);
	return ret;
}

static int get_dev_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_state *st = (struct dump_state *)cb->ctx;
	unsigned long last = st->filter ?: ULONG_MAX;
	struct vmdev_ctx *ctx;
	unsigned long id;
	int ret = 0;

	mutex_lock(&vmdev_nl_lock);
	cb->seq = dump_seq();
	xa_for_each_range(&vmdev_nl_ctxs, id, ctx, st->ctx_id, last) {
		if (!visible(&st->who, ctx))
			continue;
		if (id != st->ctx_id)
			st->dev_id = 0;	/* the context changed: from its start */
		st->ctx_id = id;
		ret = dump_devices(skb, cb, ctx);
		if (ret)
			break;
		st->ctx_id = id + 1;
		st->dev_id = 0;
	}
	mutex_unlock(&vmdev_nl_lock);
	return ret && !skb->len ? ret : skb->len;
}

/* ---- The family ------------------------------------------------------- */

/* Requests name objects by id; nothing else may come with them. */
static const struct nla_policy vmdev_get_policy[VMDEV_A_DEV_ID + 1] = {
	[VMDEV_A_CTX_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VMDEV_A_DEV_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct genl_ops vmdev_genl_ops[] = {
	{
		.cmd = VMDEV_CMD_GET_CTX,
		.doit = get_ctx_doit,
		.start = dump_start,
		.dumpit = get_ctx_dumpit,
		.policy = vmdev_get_policy,
		.maxattr = VMDEV_A_DEV_ID,
	}, {
		.cmd = VMDEV_CMD_GET_DEV,
		.doit = get_dev_doit,
		.start = dump_start,
		.dumpit = get_dev_dumpit,
		.policy = vmdev_get_policy,
		.maxattr = VMDEV_A_DEV_ID,
	}, {
		.cmd = VMDEV_CMD_GET_STATS,
		.doit = get_dev_doit,
		.start = dump_start,
		.dumpit = get_dev_dumpit,
		.policy = vmdev_get_policy,
		.maxattr = VMDEV_A_DEV_ID,
	},
};

/* Events tell about every user's contexts: administrators only. */
static const struct genl_multicast_group vmdev_genl_mcgrps[] = {
	{ .name = VMDEV_GENL_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family vmdev_genl __ro_after_init = {
	.name = VMDEV_GENL_NAME,
	.version = VMDEV_GENL_VERSION,
	.maxattr = VMDEV_A_MAX,
	.module = THIS_MODULE,
	.ops = vmdev_genl_ops,
	.n_ops = ARRAY_SIZE(vmdev_genl_ops),
	.mcgrps = vmdev_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vmdev_genl_mcgrps),
	.parallel_ops = true,
};

int __init vmdev_nl_init(void)
{
	return genl_register_family(&vmdev_genl);
}

void vmdev_nl_uninit(void)
{
	genl_unregister_family(&vmdev_genl);
}
