/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the tests of the "vmdev" family: no library,
 * so that tests can send what a library would refuse to build (wrong
 * types, truncated attributes) and see every header flag and extack
 * message the kernel sends back.
 */
#ifndef VMDEV_TESTS_KMOD_NL_H
#define VMDEV_TESTS_KMOD_NL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vmdev_netlink.h>

#define NL_BUF		16384

struct nl {
	int fd;
	uint16_t family;
	uint32_t events;	/* multicast group id of "events" */
	uint32_t seq;
};

struct nl_msg {
	union {
		struct nlmsghdr h;
		char buf[NL_BUF];
	};
};

/* What a request's answer said besides its messages. */
struct nl_result {
	int err;		/* 0 or -errno of the NLMSG_ERROR */
	char extack[256];	/* NLMSGERR_ATTR_MSG, if any */
	unsigned int msgs;	/* data messages */
	unsigned int intr;	/* of those, with NLM_F_DUMP_INTR */
};

typedef void (*nl_msg_fn)(const struct nlmsghdr *h, void *arg);

#define NLA_OK_(a, rem) ((rem) >= (int)sizeof(struct nlattr) && \
			 (a)->nla_len >= sizeof(struct nlattr) && \
			 (a)->nla_len <= (rem))
#define NLA_NEXT_(a, rem) ((rem) -= NLA_ALIGN((a)->nla_len), \
			   (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))
#define NLA_DATA_(a) ((void *)((char *)(a) + NLA_HDRLEN))

static inline void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags,
			       uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->h.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->h.nlmsg_type = type;
	m->h.nlmsg_flags = NLM_F_REQUEST | flags;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = 1;
}

static inline struct nlattr *nl_put(struct nl_msg *m, uint16_t type,
				    const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->h.nlmsg_len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(NLA_DATA_(a), data, len);
	m->h.nlmsg_len += NLA_ALIGN(a->nla_len);
	return a;
}

static inline void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	nl_put(m, type, &v, sizeof(v));
}

/* Attributes from start over len bytes into tb[0..max] (last one wins). */
static inline void nl_parse(const void *start, int len,
			    const struct nlattr **tb, int max)
{
	const struct nlattr *a = start;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	for (; NLA_OK_(a, len); a = NLA_NEXT_(a, len))
		if ((a->nla_type & NLA_TYPE_MASK) <= max)
			tb[a->nla_type & NLA_TYPE_MASK] = a;
}

/* A genl message's top-level attributes. */
static inline void nl_parse_msg(const struct nlmsghdr *h,
				const struct nlattr **tb, int max)
{
	nl_parse((const char *)NLMSG_DATA(h) + GENL_HDRLEN,
		 (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb, max);
}

static inline uint8_t nl_cmd(const struct nlmsghdr *h)
{
	return ((const struct genlmsghdr *)NLMSG_DATA(h))->cmd;
}

static inline uint32_t nla_u32_(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, NLA_DATA_(a), sizeof(v));
	return v;
}

static inline uint64_t nla_u64_(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, NLA_DATA_(a), sizeof(v));
	return v;
}

static inline int nl_send(struct nl *nl, struct nl_msg *m)
{
	m->h.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, m->buf, m->h.nlmsg_len, 0) < 0)
		return -errno;
	return 0;
}

static inline void nl_extack(const struct nlmsghdr *h, struct nl_result *r)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int off = sizeof(*e);

	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	nl_parse((const char *)e + off,
		 (int)h->nlmsg_len - NLMSG_HDRLEN - off, tb,
		 NLMSGERR_ATTR_MAX);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->extack, sizeof(r->extack), "%s",
			 (const char *)NLA_DATA_(tb[NLMSGERR_ATTR_MSG]));
}

/*
 * Messages answering the last request until its NLMSG_DONE or
 * NLMSG_ERROR (an ack or an error); fn sees every data message. Returns
 * r->err, or -errno of the socket.
 */
static inline int nl_recv(struct nl *nl, nl_msg_fn fn, void *arg,
			  struct nl_result *r)
{
	static char buf[1 << 16];
	const struct nlmsghdr *h;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	for (;;) {
		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return r->err;
			if (h->nlmsg_type == NLMSG_ERROR) {
				r->err = ((const struct nlmsgerr *)
					  NLMSG_DATA(h))->error;
				nl_extack(h, r);
				return r->err;
			}
			r->msgs++;
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				r->intr++;
			if (fn)
				fn(h, arg);
		}
	}
}

/* Send m and read its answer. */
static inline int nl_call(struct nl *nl, struct nl_msg *m, nl_msg_fn fn,
			  void *arg, struct nl_result *r)
{
	int ret;

	m->h.nlmsg_flags |= NLM_F_ACK;
	ret = nl_send(nl, m);
	return ret ? ret : nl_recv(nl, fn, arg, r);
}

struct nl_family_info {
	uint16_t id;
	uint32_t events;
};

static inline void nl_family_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *g, *gt[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nl_family_info *fi = arg;
	int rem;

	nl_parse_msg(h, tb, CTRL_ATTR_MAX);
	if (tb[CTRL_ATTR_FAMILY_ID])
		memcpy(&fi->id, NLA_DATA_(tb[CTRL_ATTR_FAMILY_ID]), 2);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return;
	g = NLA_DATA_(tb[CTRL_ATTR_MCAST_GROUPS]);
	rem = tb[CTRL_ATTR_MCAST_GROUPS]->nla_len - NLA_HDRLEN;
	for (; NLA_OK_(g, rem); g = NLA_NEXT_(g, rem)) {
		nl_parse(NLA_DATA_(g), g->nla_len - NLA_HDRLEN, gt,
			 CTRL_ATTR_MCAST_GRP_MAX);
		if (gt[CTRL_ATTR_MCAST_GRP_NAME] && gt[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(NLA_DATA_(gt[CTRL_ATTR_MCAST_GRP_NAME]),
			    VMDEV_GENL_MCGRP_EVENTS))
			fi->events = nla_u32_(gt[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

/* A socket on the "vmdev" family: 0, or -errno (-ENOENT: no family). */
static inline int nl_open(struct nl *nl)
{
	struct nl_family_info fi = {};
	struct nl_result r;
	struct nl_msg m;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	nl_put(&m, CTRL_ATTR_FAMILY_NAME, VMDEV_GENL_NAME,
	       sizeof(VMDEV_GENL_NAME));
	ret = nl_call(nl, &m, nl_family_cb, &fi, &r);
	if (ret) {
		close(nl->fd);
		nl->fd = -1;
		return ret;
	}
	nl->family = fi.id;
	nl->events = fi.events;
	return 0;
}

static inline void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

/* A request of the family: GET (doit) of ids, or a dump. */
static inline void nl_req(struct nl *nl, struct nl_msg *m, uint8_t cmd,
			  int dump, uint32_t ctx, uint32_t dev)
{
	nl_msg_init(m, nl->family, dump ? NLM_F_DUMP : 0, cmd);
	if (ctx)
		nl_put_u32(m, VMDEV_A_CTX_ID, ctx);
	if (dev)
		nl_put_u32(m, VMDEV_A_DEV_ID, dev);
}

/*
 * A GET_CTX dump's callback: the highest id among the contexts this
 * process opened (arg: a uint32_t, 0 to start).
 */
static inline void nl_newest_own_ctx(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *tb[VMDEV_A_MAX + 1];
	uint32_t *best = arg, id;

	nl_parse_msg(h, tb, VMDEV_A_MAX);
	if (!tb[VMDEV_A_CTX_ID] || !tb[VMDEV_A_CTX_PID] ||
	    nla_u32_(tb[VMDEV_A_CTX_PID]) != (uint32_t)getpid())
		return;
	id = nla_u32_(tb[VMDEV_A_CTX_ID]);
	if (id > *best)
		*best = id;
}

#endif /* VMDEV_TESTS_KMOD_NL_H */
