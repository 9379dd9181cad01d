// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libvmdev-nl on libnl-3: one libnl socket per handle, the family and
 * its group resolved once, every request read to its end (no acks, see
 * connect_family()). Errors keep the kernel's errno (a custom error
 * callback reads it from NLMSG_ERROR, with the extack message beside
 * it) rather than libnl's own codes; libnl's NLE_DUMP_INTR becomes
 * -EAGAIN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "vmdev/nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

struct vmdev_nl {
	struct nl_sock *sk;
	int family;
	int err;			/* errno of the last NLMSG_ERROR */
	char errmsg[256];		/* its extack message */
	/* The walk of the current request. */
	int (*parse)(struct vmdev_nl *nl, struct nlattr **tb);
	void *fn;
	void *arg;
	int count;
	int stop;			/* what a callback returned */
};

static int fail(int err)
{
	errno = -err;
	return err;
}

/* libnl's codes, for the failures that do not come from the kernel. */
static int from_nlerr(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_DUMP_INTR:
		return -EAGAIN;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EIO;
	}
}

/* ---- parsing ------------------------------------------------------------ */

static struct nla_policy top_policy[VMDEV_A_MAX + 1] = {
	[VMDEV_A_CTX_ID] = { .type = NLA_U32 },
	[VMDEV_A_CTX_PID] = { .type = NLA_U32 },
	[VMDEV_A_CTX_UID] = { .type = NLA_U32 },
	[VMDEV_A_CTX_VM_BOUND] = { .type = NLA_U8 },
	[VMDEV_A_CTX_LEVEL] = { .type = NLA_U32 },
	[VMDEV_A_CTX_L3_WINDOWS] = { .type = NLA_U32 },
	[VMDEV_A_CTX_NR_DEVICES] = { .type = NLA_U32 },
	[VMDEV_A_CTX_NR_RANGES] = { .type = NLA_U32 },
	[VMDEV_A_CTX_UNCLAIMED] = { .type = NLA_U64 },
	[VMDEV_A_CTX_STATS] = { .type = NLA_NESTED },
	[VMDEV_A_CTX_GENERATION] = { .type = NLA_U32 },
	[VMDEV_A_DEV_ID] = { .type = NLA_U32 },
	[VMDEV_A_DEV_NAME] = { .type = NLA_STRING },
	[VMDEV_A_DEV_NR_REGS] = { .type = NLA_U32 },
	[VMDEV_A_DEV_LEVEL] = { .type = NLA_U32 },
	[VMDEV_A_DEV_RANGES] = { .type = NLA_NESTED },
	[VMDEV_A_DEV_STATS] = { .type = NLA_NESTED },
	[VMDEV_A_RANGE] = { .type = NLA_NESTED },
	[VMDEV_A_CTX_VM_ID] = { .type = NLA_STRING },
};

static struct nla_policy range_policy[VMDEV_RANGE_A_MAX + 1] = {
	[VMDEV_RANGE_A_SPACE] = { .type = NLA_U32 },
	[VMDEV_RANGE_A_BASE] = { .type = NLA_U64 },
	[VMDEV_RANGE_A_LEN] = { .type = NLA_U64 },
};

static struct nla_policy stats_policy[VMDEV_STATS_A_MAX + 1] = {
	[VMDEV_STATS_A_READS ... VMDEV_STATS_A_MAX] = { .type = NLA_U64 },
};

static uint32_t get_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static uint64_t get_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

static void parse_counters(struct nlattr *nest, struct vmdev_nl_counters *c)
{
	struct nlattr *tb[VMDEV_STATS_A_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (!nest || nla_parse_nested(tb, VMDEV_STATS_A_MAX, nest, stats_policy))
		return;
	c->reads = get_u64(tb, VMDEV_STATS_A_READS);
	c->writes = get_u64(tb, VMDEV_STATS_A_WRITES);
	c->kvm_bus = get_u64(tb, VMDEV_STATS_A_KVM_BUS);
	c->slow = get_u64(tb, VMDEV_STATS_A_SLOW);
	c->doorbells = get_u64(tb, VMDEV_STATS_A_DOORBELLS);
	c->ioeventfds = get_u64(tb, VMDEV_STATS_A_IOEVENTFDS);
	c->irqs_raised = get_u64(tb, VMDEV_STATS_A_IRQS_RAISED);
	c->irqs_lowered = get_u64(tb, VMDEV_STATS_A_IRQS_LOWERED);
	c->irqs_resampled = get_u64(tb, VMDEV_STATS_A_IRQS_RESAMPLED);
}

static void parse_ctx(struct nlattr **tb, struct vmdev_nl_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->id = get_u32(tb, VMDEV_A_CTX_ID);
	c->pid = get_u32(tb, VMDEV_A_CTX_PID);
	c->uid = get_u32(tb, VMDEV_A_CTX_UID);
	c->vm_bound = tb[VMDEV_A_CTX_VM_BOUND] &&
		      nla_get_u8(tb[VMDEV_A_CTX_VM_BOUND]);
	c->level = get_u32(tb, VMDEV_A_CTX_LEVEL);
	c->l3_windows = get_u32(tb, VMDEV_A_CTX_L3_WINDOWS);
	c->nr_devices = get_u32(tb, VMDEV_A_CTX_NR_DEVICES);
	c->nr_ranges = get_u32(tb, VMDEV_A_CTX_NR_RANGES);
	c->generation = get_u32(tb, VMDEV_A_CTX_GENERATION);
	c->unclaimed = get_u64(tb, VMDEV_A_CTX_UNCLAIMED);
	if (tb[VMDEV_A_CTX_VM_ID])
		nla_strlcpy(c->vm_id, tb[VMDEV_A_CTX_VM_ID], sizeof(c->vm_id));
	parse_counters(tb[VMDEV_A_CTX_STATS], &c->stats);
}

static void parse_range(struct nlattr *nest, struct vmdev_nl_range *r)
{
	struct nlattr *tb[VMDEV_RANGE_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (nla_parse_nested(tb, VMDEV_RANGE_A_MAX, nest, range_policy))
		return;
	r->space = get_u32(tb, VMDEV_RANGE_A_SPACE);
	r->base = get_u64(tb, VMDEV_RANGE_A_BASE);
	r->len = get_u64(tb, VMDEV_RANGE_A_LEN);
}

static void parse_dev(struct nlattr **tb, struct vmdev_nl_dev *d)
{
	struct nlattr *a;
	int rem;

	memset(d, 0, sizeof(*d));
	d->ctx_id = get_u32(tb, VMDEV_A_CTX_ID);
	d->id = get_u32(tb, VMDEV_A_DEV_ID);
	d->nr_regs = get_u32(tb, VMDEV_A_DEV_NR_REGS);
	d->level = get_u32(tb, VMDEV_A_DEV_LEVEL);
	if (tb[VMDEV_A_DEV_NAME])
		nla_strlcpy(d->name, tb[VMDEV_A_DEV_NAME], sizeof(d->name));
	if (tb[VMDEV_A_DEV_RANGES])
		nla_for_each_nested(a, tb[VMDEV_A_DEV_RANGES], rem)
			if (d->nr_ranges < VMDEV_NL_MAX_RANGES)
				parse_range(a, &d->ranges[d->nr_ranges++]);
	parse_counters(tb[VMDEV_A_DEV_STATS], &d->stats);
}

/* ---- the walk of one request ------------------------------------------- */

static int walk_ctx(struct vmdev_nl *nl, struct nlattr **tb)
{
	struct vmdev_nl_ctx c;

	parse_ctx(tb, &c);
	return ((vmdev_nl_ctx_fn)nl->fn)(&c, nl->arg);
}

static int walk_dev(struct vmdev_nl *nl, struct nlattr **tb)
{
	struct vmdev_nl_dev d;

	parse_dev(tb, &d);
	return ((vmdev_nl_dev_fn)nl->fn)(&d, nl->arg);
}

static int walk_event(struct vmdev_nl *nl, struct nlattr **tb)
{
	struct vmdev_nl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = nl->count;	/* the command, stashed by on_valid() */
	ev.ctx_id = get_u32(tb, VMDEV_A_CTX_ID);
	ev.dev_id = get_u32(tb, VMDEV_A_DEV_ID);
	if (ev.type == VMDEV_CMD_CTX_NEW || ev.type == VMDEV_CMD_CTX_DEL ||
	    ev.type == VMDEV_CMD_LEVEL)
		parse_ctx(tb, &ev.ctx);
	if (ev.type == VMDEV_CMD_DEV_NEW)
		parse_dev(tb, &ev.dev);
	if (tb[VMDEV_A_RANGE])
		parse_range(tb[VMDEV_A_RANGE], &ev.range);
	return ((vmdev_nl_event_fn)nl->fn)(&ev, nl->arg);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[VMDEV_A_MAX + 1];
	struct vmdev_nl *nl = arg;
	int count = nl->count, ret;

	if (nl->stop || h->nlmsg_type != nl->family ||
	    genlmsg_parse(h, 0, tb, VMDEV_A_MAX, top_policy))
		return NL_SKIP;
	if (nl->parse == walk_event)
		nl->count = genlmsg_hdr(h)->cmd;
	ret = nl->parse(nl, tb);
	nl->count = count + 1;
	if (ret)
		nl->stop = ret;
	return NL_OK;
}

/* The kernel's errno, and its extack message when there is one. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct vmdev_nl *nl = arg;
	int off = sizeof(*e);

	(void)who;
	nl->err = e->error;
	nl->errmsg[0] = 0;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + off),
		       (int)h->nlmsg_len - NLMSG_HDRLEN - off, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(nl->errmsg, tb[NLMSGERR_ATTR_MSG],
			    sizeof(nl->errmsg));
	return NL_STOP;
}

/* Send cmd (a dump, or a GET of ctx/id) and walk the answer. */
static int request(struct vmdev_nl *nl, uint8_t cmd, bool dump, uint32_t ctx,
		   uint32_t id)
{
	struct nl_msg *msg;
	int ret;

	msg = nlmsg_alloc();
	if (!msg)
		return fail(-ENOMEM);
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, VMDEV_GENL_VERSION) ||
	    (ctx && nla_put_u32(msg, VMDEV_A_CTX_ID, ctx)) ||
	    (id && nla_put_u32(msg, VMDEV_A_DEV_ID, id))) {
		nlmsg_free(msg);
		return fail(-ENOMEM);
	}
	nl->err = 0;
	nl->errmsg[0] = 0;
	nl->count = 0;
	nl->stop = 0;
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return fail(from_nlerr(ret));
	ret = nl_recvmsgs_default(nl->sk);
	if (nl->err)
		return fail(nl->err);
	if (ret < 0)
		return fail(from_nlerr(ret));
	return nl->stop ? nl->stop : nl->count;
}

/* ---- the API ------------------------------------------------------------ */

static int connect_family(struct vmdev_nl *nl, bool events)
{
	int one = 1, grp, ret;

	ret = genl_connect(nl->sk);
	if (ret)
		return from_nlerr(ret);
	nl->family = genl_ctrl_resolve(nl->sk, VMDEV_GENL_NAME);
	if (nl->family < 0)
		return from_nlerr(nl->family);
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/*
	 * No acks: a GET's reply and its ack come in two datagrams, and
	 * libnl stops reading after a reply that is not multipart, which
	 * would leave the ack to the next request. Errors come anyway.
	 */
	nl_socket_disable_auto_ack(nl->sk);
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, nl);
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, on_error, nl);
	if (!events)
		return 0;
	grp = genl_ctrl_resolve_grp(nl->sk, VMDEV_GENL_NAME,
				    VMDEV_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return from_nlerr(grp);
	nl_socket_disable_seq_check(nl->sk);
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

int vmdev_nl_open(const struct vmdev_nl_opts *opts, struct vmdev_nl **out)
{
	struct vmdev_nl *nl;
	int ret;

	if (opts && opts->sz < offsetof(struct vmdev_nl_opts, events) +
				sizeof(opts->events))
		return fail(-EINVAL);
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return fail(-ENOMEM);
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return fail(-ENOMEM);
	}
	ret = connect_family(nl, opts && opts->events);
	if (ret) {
		vmdev_nl_close(nl);
		return fail(ret);
	}
	*out = nl;
	return 0;
}

void vmdev_nl_close(struct vmdev_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

const char *vmdev_nl_errmsg(const struct vmdev_nl *nl)
{
	return nl->errmsg;
}

static int copy_ctx(const struct vmdev_nl_ctx *c, void *arg)
{
	memcpy(arg, c, sizeof(*c));
	return 0;
}

static int copy_dev(const struct vmdev_nl_dev *d, void *arg)
{
	memcpy(arg, d, sizeof(*d));
	return 0;
}

static void walk(struct vmdev_nl *nl,
		 int (*parse)(struct vmdev_nl *, struct nlattr **), void *fn,
		 void *arg)
{
	nl->parse = parse;
	nl->fn = fn;
	nl->arg = arg;
}

/* A GET: exactly one object, else -EIO. */
static int get_one(int ret)
{
	if (ret < 0)
		return ret;
	return ret == 1 ? 0 : fail(-EIO);
}

int vmdev_nl_ctx_get(struct vmdev_nl *nl, uint32_t ctx,
		     struct vmdev_nl_ctx *out)
{
	walk(nl, walk_ctx, copy_ctx, out);
	return get_one(request(nl, VMDEV_CMD_GET_CTX, false, ctx, 0));
}

int vmdev_nl_dev_get(struct vmdev_nl *nl, uint32_t ctx, uint32_t id,
		     struct vmdev_nl_dev *out)
{
	walk(nl, walk_dev, copy_dev, out);
	return get_one(request(nl, VMDEV_CMD_GET_DEV, false, ctx, id));
}

int vmdev_nl_stats_get(struct vmdev_nl *nl, uint32_t ctx, uint32_t id,
		       struct vmdev_nl_dev *out)
{
	walk(nl, walk_dev, copy_dev, out);
	return get_one(request(nl, VMDEV_CMD_GET_STATS, false, ctx, id));
}

int vmdev_nl_ctx_dump(struct vmdev_nl *nl, vmdev_nl_ctx_fn fn, void *arg)
{
	walk(nl, walk_ctx, fn, arg);
	return request(nl, VMDEV_CMD_GET_CTX, true, 0, 0);
}

int vmdev_nl_dev_dump(struct vmdev_nl *nl, uint32_t ctx, vmdev_nl_dev_fn fn,
		      void *arg)
{
	walk(nl, walk_dev, fn, arg);
	return request(nl, VMDEV_CMD_GET_DEV, true, ctx, 0);
}

int vmdev_nl_stats_dump(struct vmdev_nl *nl, uint32_t ctx, vmdev_nl_dev_fn fn,
			void *arg)
{
	walk(nl, walk_dev, fn, arg);
	return request(nl, VMDEV_CMD_GET_STATS, true, ctx, 0);
}

int vmdev_nl_events_fd(const struct vmdev_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int vmdev_nl_events_read(struct vmdev_nl *nl, vmdev_nl_event_fn fn, void *arg)
{
	int ret;

	walk(nl, walk_event, fn, arg);
	nl->count = 0;
	nl->stop = 0;
	nl->err = 0;
	ret = nl_recvmsgs_default(nl->sk);
	if (ret == -NLE_NOMEM)	/* libnl's name for ENOBUFS on a socket */
		return fail(-ENOBUFS);
	if (ret < 0)
		return fail(from_nlerr(ret));
	return nl->stop ? nl->stop : nl->count;
}
