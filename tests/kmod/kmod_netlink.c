// SPDX-License-Identifier: GPL-2.0
/*
 * The "vmdev" generic netlink family against the state made through
 * /dev/vmdev: the family and its group resolve; GET and dump of
 * contexts, devices and counters say what the ioctls did; the events of
 * a scripted sequence arrive in order, and a level change when the
 * context is attached to its KVM VM; a caller without CAP_NET_ADMIN
 * sees its own contexts only and cannot join the events; malformed
 * requests are refused with an extack message.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kmod_level3.h"
#include "kmod_nl.h"
#include "kmod_run.h"

#define NOBODY		65534

/* The family, or skip the test when the module is not there. */
#define NL_OPEN_OR_SKIP(nl) do {					\
	int r_ = nl_open(nl);						\
	if (r_ == -ENOENT)						\
		SKIP(return, "no vmdev family: vmdev.ko not loaded");	\
	ASSERT_EQ(0, r_) TH_LOG("resolve vmdev: %s", strerror(-r_));	\
} while (0)

/* ---- what a dump or GET returned -------------------------------------- */

#define MAX_SEEN	12000

struct seen {
	unsigned int n;
	uint32_t ctx[MAX_SEEN], id[MAX_SEEN];	/* id: device, or 0 */
	uint32_t pid[MAX_SEEN], nr_devices[MAX_SEEN], nr_ranges[MAX_SEEN];
	const struct nlattr *tb[VMDEV_A_MAX + 1];	/* of the last one */
	char last[4096];				/* its copy */
};

static void seen_cb(const struct nlmsghdr *h, void *arg)
{
	struct seen *s = arg;
	const struct nlattr **tb = s->tb;
	unsigned int i = s->n;

	if (h->nlmsg_len > sizeof(s->last) || i >= MAX_SEEN)
		return;
	memcpy(s->last, h, h->nlmsg_len);
	nl_parse_msg((const struct nlmsghdr *)s->last, tb, VMDEV_A_MAX);
	s->ctx[i] = tb[VMDEV_A_CTX_ID] ? nla_u32_(tb[VMDEV_A_CTX_ID]) : 0;
	s->id[i] = tb[VMDEV_A_DEV_ID] ? nla_u32_(tb[VMDEV_A_DEV_ID]) : 0;
	s->pid[i] = tb[VMDEV_A_CTX_PID] ? nla_u32_(tb[VMDEV_A_CTX_PID]) : 0;
	s->nr_devices[i] = tb[VMDEV_A_CTX_NR_DEVICES] ?
			   nla_u32_(tb[VMDEV_A_CTX_NR_DEVICES]) : ~0U;
	s->nr_ranges[i] = tb[VMDEV_A_CTX_NR_RANGES] ?
			  nla_u32_(tb[VMDEV_A_CTX_NR_RANGES]) : ~0U;
	s->n++;
}

static int query(struct nl *nl, uint8_t cmd, int dump, uint32_t ctx,
		 uint32_t dev, struct seen *s, struct nl_result *r)
{
	struct nl_msg m;

	memset(s, 0, sizeof(*s));
	nl_req(nl, &m, cmd, dump, ctx, dev);
	return nl_call(nl, &m, seen_cb, s, r);
}

/* The id of the context opened last by this process (ids only grow). */
static uint32_t own_ctx(struct nl *nl)
{
	static struct seen s;
	struct nl_result r;
	uint32_t best = 0;
	unsigned int i;

	if (query(nl, VMDEV_CMD_GET_CTX, 1, 0, 0, &s, &r))
		return 0;
	for (i = 0; i < s.n; i++)
		if (s.pid[i] == (uint32_t)getpid() && s.ctx[i] > best)
			best = s.ctx[i];
	return best;
}

static uint64_t nested_u64(const struct nlattr *nest, int type)
{
	const struct nlattr *tb[VMDEV_STATS_A_MAX + 1];

	nl_parse(NLA_DATA_(nest), nest->nla_len - NLA_HDRLEN, tb,
		 VMDEV_STATS_A_MAX);
	return tb[type] ? nla_u64_(tb[type]) : ~0ULL;
}

/* ---- the family --------------------------------------------------------- */

TEST(family_resolves)
{
	struct nl nl;

	NL_OPEN_OR_SKIP(&nl);
	EXPECT_NE(0, nl.family);
	EXPECT_NE(0U, nl.events) TH_LOG("no \"events\" group");
	nl_close(&nl);
}

FIXTURE(nlctx) {
	struct nl nl;
	int fd;
	uint32_t ctx, pio, mmio;
	struct seen s;
};

/* One context: a PIO device on one range, an MMIO one on two. */
FIXTURE_SETUP(nlctx)
{
	struct vmdev_range r[2] = {
		kmod_range(MMIO, 0xd0000000, 16), kmod_range(MMIO, 0xd0001000, 16),
	};

	self->fd = -1;
	self->nl.fd = -1;
	KMOD_OPEN_OR_SKIP(self->fd);
	NL_OPEN_OR_SKIP(&self->nl);
	ASSERT_EQ(0, kmod_create1(self->fd, PIO, 0x5f0, 16, &self->pio));
	ASSERT_EQ(0, kmod_create(self->fd, &kmod_map, r, 2, &self->mmio));
	self->ctx = own_ctx(&self->nl);
	ASSERT_NE(0U, self->ctx);
}

FIXTURE_TEARDOWN(nlctx)
{
	if (self->fd >= 0)
		close(self->fd);
	nl_close(&self->nl);
}

TEST_F(nlctx, get_ctx_matches_ioctls)
{
	const struct nlattr **tb = self->s.tb;
	struct nl_result r;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_CTX, 0, self->ctx, 0,
			   &self->s, &r)) TH_LOG("%s", r.extack);
	ASSERT_EQ(1U, self->s.n);
	EXPECT_EQ(self->ctx, self->s.ctx[0]);
	EXPECT_EQ((uint32_t)getpid(), self->s.pid[0]);
	EXPECT_EQ(2U, self->s.nr_devices[0]);
	EXPECT_EQ(3U, self->s.nr_ranges[0]);
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_UID]);
	EXPECT_EQ(geteuid(), nla_u32_(tb[VMDEV_A_CTX_UID]));
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_LEVEL]);
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_MODULE, nla_u32_(tb[VMDEV_A_CTX_LEVEL]));
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_VM_BOUND]);
	EXPECT_EQ(0, *(uint8_t *)NLA_DATA_(tb[VMDEV_A_CTX_VM_BOUND]));
	EXPECT_EQ(NULL, tb[VMDEV_A_CTX_VM_ID]);
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_GENERATION]);
	EXPECT_EQ(2U, nla_u32_(tb[VMDEV_A_CTX_GENERATION]));

	/* Destroying a device shows at once, and moves the generation. */
	ASSERT_EQ(0, kmod_destroy(self->fd, self->pio));
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_CTX, 0, self->ctx, 0,
			   &self->s, &r));
	EXPECT_EQ(1U, self->s.nr_devices[0]);
	EXPECT_EQ(2U, self->s.nr_ranges[0]);
	EXPECT_EQ(3U, nla_u32_(tb[VMDEV_A_CTX_GENERATION]));
}

TEST_F(nlctx, dump_ctx_lists_every_context_once)
{
	int fds[3];
	uint32_t ids[3], id;
	unsigned int i, j, found;
	struct nl_result r;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 3; i++) {
		fds[i] = kmod_open();
		ASSERT_LE(0, fds[i]);
		for (j = 0; j < i; j++)
			ASSERT_EQ(0, kmod_create1(fds[i], PIO, 0x100 + j * 8,
						  8, &id));
		ids[i] = own_ctx(&self->nl);
	}
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_CTX, 1, 0, 0, &self->s,
			   &r));
	EXPECT_EQ(0U, r.intr);
	for (i = 0; i < 3; i++) {
		for (found = 0, j = 0; j < self->s.n; j++) {
			if (self->s.ctx[j] != ids[i])
				continue;
			found++;
			EXPECT_EQ(i, self->s.nr_devices[j]);
		}
		EXPECT_EQ(1U, found) TH_LOG("context %u", ids[i]);
	}
	/* A dump may name one context. */
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_CTX, 1, ids[2], 0,
			   &self->s, &r));
	ASSERT_EQ(1U, self->s.n);
	EXPECT_EQ(ids[2], self->s.ctx[0]);
	EXPECT_EQ(2U, self->s.nr_devices[0]);
	/* A closed context is gone from the next dump and from GET. */
	close(fds[1]);
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_CTX, 1, 0, 0, &self->s,
			   &r));
	for (j = 0; j < self->s.n; j++)
		EXPECT_NE(ids[1], self->s.ctx[j]);
	EXPECT_EQ(-ENOENT, query(&self->nl, VMDEV_CMD_GET_CTX, 0, ids[1], 0,
				 &self->s, &r));
	EXPECT_STREQ("no such context", r.extack);
	close(fds[0]);
	close(fds[2]);
}

static void check_range(struct __test_metadata *_metadata,
			const struct nlattr *a, uint32_t space, uint64_t base,
			uint64_t len)
{
	const struct nlattr *tb[VMDEV_RANGE_A_MAX + 1];

	ASSERT_EQ(VMDEV_A_RANGE, a->nla_type & NLA_TYPE_MASK);
	nl_parse(NLA_DATA_(a), a->nla_len - NLA_HDRLEN, tb, VMDEV_RANGE_A_MAX);
	ASSERT_NE(NULL, tb[VMDEV_RANGE_A_SPACE]);
	ASSERT_NE(NULL, tb[VMDEV_RANGE_A_BASE]);
	ASSERT_NE(NULL, tb[VMDEV_RANGE_A_LEN]);
	EXPECT_EQ(space, nla_u32_(tb[VMDEV_RANGE_A_SPACE]));
	EXPECT_EQ(base, nla_u64_(tb[VMDEV_RANGE_A_BASE]));
	EXPECT_EQ(len, nla_u64_(tb[VMDEV_RANGE_A_LEN]));
}

TEST_F(nlctx, get_dev_matches_create)
{
	const struct nlattr **tb = self->s.tb, *a;
	struct nl_result r;
	int rem;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_DEV, 0, self->ctx,
			   self->mmio, &self->s, &r)) TH_LOG("%s", r.extack);
	ASSERT_EQ(1U, self->s.n);
	EXPECT_EQ(self->mmio, self->s.id[0]);
	ASSERT_NE(NULL, tb[VMDEV_A_DEV_NAME]);
	EXPECT_STREQ("test", (char *)NLA_DATA_(tb[VMDEV_A_DEV_NAME]));
	ASSERT_NE(NULL, tb[VMDEV_A_DEV_NR_REGS]);
	EXPECT_EQ((uint32_t)KMOD_NR_REGS, nla_u32_(tb[VMDEV_A_DEV_NR_REGS]));
	ASSERT_NE(NULL, tb[VMDEV_A_DEV_LEVEL]);
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_MODULE, nla_u32_(tb[VMDEV_A_DEV_LEVEL]));
	ASSERT_NE(NULL, tb[VMDEV_A_DEV_RANGES]);
	a = NLA_DATA_(tb[VMDEV_A_DEV_RANGES]);
	rem = tb[VMDEV_A_DEV_RANGES]->nla_len - NLA_HDRLEN;
	ASSERT_TRUE(NLA_OK_(a, rem));
	check_range(_metadata, a, MMIO, 0xd0000000, 16);
	a = NLA_NEXT_(a, rem);
	ASSERT_TRUE(NLA_OK_(a, rem));
	check_range(_metadata, a, MMIO, 0xd0001000, 16);
	a = NLA_NEXT_(a, rem);
	EXPECT_FALSE(NLA_OK_(a, rem));

	/* The devices of the context, and nothing else. */
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_DEV, 1, self->ctx, 0,
			   &self->s, &r));
	ASSERT_EQ(2U, self->s.n);
	EXPECT_EQ(self->pio, self->s.id[0]);
	EXPECT_EQ(self->mmio, self->s.id[1]);
	EXPECT_EQ(self->ctx, self->s.ctx[1]);

	EXPECT_EQ(-ENOENT, query(&self->nl, VMDEV_CMD_GET_DEV, 0, self->ctx,
				 self->mmio + 100, &self->s, &r));
	EXPECT_STREQ("no such device", r.extack);
	EXPECT_EQ(-ENOENT, query(&self->nl, VMDEV_CMD_GET_DEV, 1,
				 0x7ffffff0, 0, &self->s, &r));
}

TEST_F(nlctx, stats_count_accesses)
{
	const struct nlattr **tb = self->s.tb;
	struct nl_result r;
	uint64_t v;
	int i;

	KMOD_SKIP_IF_NO_MODULE();
	for (i = 0; i < 3; i++)
		ASSERT_EQ(DONE, kmod_read(self->fd, PIO, 0x5f0, 4, &v));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(DONE, kmod_write(self->fd, PIO, 0x5f0, 4, i));
	ASSERT_EQ(DONE, kmod_write(self->fd, MMIO, 0xd0001008, 8, 1));
	ASSERT_EQ(SLOW, kmod_write(self->fd, PIO, 0x7000, 1, 1));

	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_STATS, 0, self->ctx,
			   self->pio, &self->s, &r)) TH_LOG("%s", r.extack);
	ASSERT_EQ(1U, self->s.n);
	ASSERT_NE(NULL, tb[VMDEV_A_DEV_STATS]);
	EXPECT_EQ(3U, nested_u64(tb[VMDEV_A_DEV_STATS], VMDEV_STATS_A_READS));
	EXPECT_EQ(2U, nested_u64(tb[VMDEV_A_DEV_STATS], VMDEV_STATS_A_WRITES));
	EXPECT_EQ(0U, nested_u64(tb[VMDEV_A_DEV_STATS], VMDEV_STATS_A_SLOW));
	EXPECT_EQ(0U, nested_u64(tb[VMDEV_A_DEV_STATS], VMDEV_STATS_A_KVM_BUS));
	EXPECT_EQ(0U, nested_u64(tb[VMDEV_A_DEV_STATS],
				 VMDEV_STATS_A_IRQS_RAISED));

	/* The dump has both devices; the context sums them. */
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_STATS, 1, self->ctx, 0,
			   &self->s, &r));
	ASSERT_EQ(2U, self->s.n);
	EXPECT_EQ(self->mmio, self->s.id[1]);
	EXPECT_EQ(1U, nested_u64(tb[VMDEV_A_DEV_STATS], VMDEV_STATS_A_WRITES));
	ASSERT_EQ(0, query(&self->nl, VMDEV_CMD_GET_CTX, 0, self->ctx, 0,
			   &self->s, &r));
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_STATS]);
	EXPECT_EQ(3U, nested_u64(tb[VMDEV_A_CTX_STATS], VMDEV_STATS_A_WRITES));
	EXPECT_EQ(3U, nested_u64(tb[VMDEV_A_CTX_STATS], VMDEV_STATS_A_READS));
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_UNCLAIMED]);
	EXPECT_EQ(1U, nla_u64_(tb[VMDEV_A_CTX_UNCLAIMED]));
}

/* ---- events ------------------------------------------------------------- */

struct event {
	uint8_t cmd;
	uint32_t ctx, dev;
	uint64_t base;	/* ranges: the range's base */
};

/* Up to max events of context ctx, until none come for 200 ms. */
static int read_events(struct nl *nl, uint32_t ctx, struct event *ev, int max)
{
	static char buf[1 << 16];
	const struct nlattr *tb[VMDEV_A_MAX + 1], *rt[VMDEV_RANGE_A_MAX + 1];
	struct timeval tv = { .tv_usec = 200000 };
	const struct nlmsghdr *h;
	int n = 0;
	ssize_t len;

	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while ((len = recv(nl->fd, buf, sizeof(buf), 0)) > 0) {
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			nl_parse_msg(h, tb, VMDEV_A_MAX);
			if (!tb[VMDEV_A_CTX_ID] ||
			    nla_u32_(tb[VMDEV_A_CTX_ID]) != ctx || n >= max)
				continue;
			ev[n].cmd = nl_cmd(h);
			ev[n].ctx = ctx;
			ev[n].dev = tb[VMDEV_A_DEV_ID] ?
				    nla_u32_(tb[VMDEV_A_DEV_ID]) : 0;
			ev[n].base = 0;
			if (tb[VMDEV_A_RANGE]) {
				nl_parse(NLA_DATA_(tb[VMDEV_A_RANGE]),
					 tb[VMDEV_A_RANGE]->nla_len - NLA_HDRLEN,
					 rt, VMDEV_RANGE_A_MAX);
				if (rt[VMDEV_RANGE_A_BASE])
					ev[n].base = nla_u64_(rt[VMDEV_RANGE_A_BASE]);
			}
			n++;
		}
	}
	return n;
}

TEST(events_arrive_in_order)
{
	struct vmdev_range rg[2] = {
		kmod_range(PIO, 0x600, 8), kmod_range(MMIO, 0xe0000000, 16),
	};
	struct event ev[16];
	struct nl nl, q;
	uint32_t ctx, id;
	int fd, n, i;

	NL_OPEN_OR_SKIP(&nl);
	ASSERT_EQ(0, nl_open(&q));
	ASSERT_EQ(0, setsockopt(nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&nl.events, sizeof(nl.events)));
	KMOD_OPEN_OR_SKIP(fd);
	ctx = own_ctx(&q);
	ASSERT_EQ(0, kmod_create(fd, &kmod_map, rg, 2, &id));
	ASSERT_EQ(0, kmod_reset(fd, id));
	ASSERT_EQ(0, kmod_destroy(fd, id));
	close(fd);

	const struct event want[] = {
		{ VMDEV_CMD_CTX_NEW, ctx, 0, 0 },
		{ VMDEV_CMD_DEV_NEW, ctx, id, 0 },
		{ VMDEV_CMD_RANGE_NEW, ctx, id, 0x600 },
		{ VMDEV_CMD_RANGE_NEW, ctx, id, 0xe0000000 },
		{ VMDEV_CMD_DEV_RESET, ctx, id, 0 },
		{ VMDEV_CMD_RANGE_DEL, ctx, id, 0x600 },
		{ VMDEV_CMD_RANGE_DEL, ctx, id, 0xe0000000 },
		{ VMDEV_CMD_DEV_DEL, ctx, id, 0 },
		{ VMDEV_CMD_CTX_DEL, ctx, 0, 0 },
	};
	n = read_events(&nl, ctx, ev, 16);
	ASSERT_EQ((int)KMOD_ARRAY_SIZE(want), n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(want[i].cmd, ev[i].cmd) TH_LOG("event %d", i);
		EXPECT_EQ(want[i].dev, ev[i].dev) TH_LOG("event %d", i);
		EXPECT_EQ(want[i].base, ev[i].base) TH_LOG("event %d", i);
	}
	nl_close(&nl);
	nl_close(&q);
}

/* Attaching to KVM's bus: a LEVEL event, and level 3 in the GETs. */
TEST(level_change)
{
	const struct event want[] = {
		{ VMDEV_CMD_DEV_NEW, 0, 0, 0 }, { VMDEV_CMD_RANGE_NEW, 0, 0, 0x6500 },
		{ VMDEV_CMD_LEVEL, 0, 0, 0 },
	};
	static struct seen s;
	const struct nlattr **tb = s.tb;
	struct nl_result r;
	struct event ev[8];
	struct minivm vm;
	struct nl nl, q;
	int fd, kvm_err, n, i;
	uint32_t ctx, id;
	char name[48];

	NL_OPEN_OR_SKIP(&nl);
	KRUN_SETUP(fd, kvm_err);
	KRUN_REQUIRE(kvm_err, fd);
	if (kl3_state(fd) != VMDEV_L3_READY)
		SKIP(return, "level 3 not available here (dmesg says why)");
	ASSERT_EQ(0, nl_open(&q));
	ASSERT_EQ(0, setsockopt(nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&nl.events, sizeof(nl.events)));
	ctx = own_ctx(&q);
	ASSERT_EQ(0, kmod_create1(fd, PIO, 0x6500, 16, &id));
	ASSERT_EQ(0, minivm_create(&vm, NULL));
	ASSERT_EQ(0, kl3_attach(fd, vm.vm_fd));
	n = read_events(&nl, ctx, ev, 8);
	ASSERT_EQ(3, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(want[i].cmd, ev[i].cmd) TH_LOG("event %d", i);
		EXPECT_EQ(want[i].base, ev[i].base) TH_LOG("event %d", i);
	}
	ASSERT_EQ(0, query(&q, VMDEV_CMD_GET_CTX, 0, ctx, 0, &s, &r));
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_LEVEL]);
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, nla_u32_(tb[VMDEV_A_CTX_LEVEL]));
	EXPECT_EQ(1, *(uint8_t *)NLA_DATA_(tb[VMDEV_A_CTX_VM_BOUND]));
	EXPECT_LE(1U, nla_u32_(tb[VMDEV_A_CTX_L3_WINDOWS]));
	/* KVM's name of the VM: this process made it. */
	snprintf(name, sizeof(name), "kvm-%d", getpid());
	ASSERT_NE(NULL, tb[VMDEV_A_CTX_VM_ID]);
	EXPECT_STREQ(name, (char *)NLA_DATA_(tb[VMDEV_A_CTX_VM_ID]));
	ASSERT_EQ(0, query(&q, VMDEV_CMD_GET_DEV, 0, ctx, id, &s, &r));
	EXPECT_EQ((uint32_t)kl3_level_of(fd, PIO, 0x6500),
		  nla_u32_(tb[VMDEV_A_DEV_LEVEL]));
	EXPECT_EQ((uint32_t)VMDEV_LEVEL_KVM_BUS, nla_u32_(tb[VMDEV_A_DEV_LEVEL]));
	minivm_destroy(&vm);
	close(fd);
	nl_close(&nl);
	nl_close(&q);
}

/* ---- permissions -------------------------------------------------------- */

/* Become nobody without any capability, keeping none. */
static int drop_to_nobody(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};

	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return (int)syscall(SYS_capset, &h, d);
}

/* As nobody, with CAP_DAC_OVERRIDE kept only to open /dev/vmdev. */
static int open_as_nobody(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};
	int fd;

	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP | SECBIT_KEEP_CAPS))
		return -1;
	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	fd = kmod_open();
	d[0].effective = d[0].permitted = 0;
	if (syscall(SYS_capset, &h, d))
		return -1;
	return fd;
}

/*
 * Exit status of the unprivileged child: 0 if all held, else the number
 * of the first check that failed.
 */
static int unprivileged(uint32_t root_ctx)
{
	static struct seen s;
	struct nl_result r;
	struct nl nl;
	uint32_t mine, id;
	unsigned int i;
	int fd;

	fd = open_as_nobody();
	if (fd < 0)
		return 1;
	if (kmod_create1(fd, PIO, 0x700, 8, &id))
		return 2;
	if (nl_open(&nl))
		return 3;
	mine = own_ctx(&nl);
	if (!mine)
		return 4;
	/* The dump shows its own contexts only. */
	if (query(&nl, VMDEV_CMD_GET_CTX, 1, 0, 0, &s, &r) || !s.n)
		return 5;
	for (i = 0; i < s.n; i++)
		if (s.ctx[i] != mine)
			return 6;
	if (query(&nl, VMDEV_CMD_GET_CTX, 0, root_ctx, 0, &s, &r) != -EPERM)
		return 7;
	if (strcmp(r.extack, "context of another user"))
		return 8;
	if (query(&nl, VMDEV_CMD_GET_DEV, 1, root_ctx, 0, &s, &r) != -EPERM)
		return 9;
	if (query(&nl, VMDEV_CMD_GET_DEV, 0, mine, id, &s, &r) || s.n != 1)
		return 10;
	/* Device dumps of every context skip root's. */
	if (query(&nl, VMDEV_CMD_GET_STATS, 1, 0, 0, &s, &r) || s.n != 1 ||
	    s.ctx[0] != mine)
		return 11;
	if (!setsockopt(nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			&nl.events, sizeof(nl.events)) || errno != EPERM)
		return 12;
	close(fd);
	/* Without a context of its own it sees nothing at all. */
	if (drop_to_nobody() || query(&nl, VMDEV_CMD_GET_CTX, 1, 0, 0, &s, &r) ||
	    s.n)
		return 13;
	return 0;
}

TEST_F(nlctx, unprivileged_sees_own_contexts_only)
{
	int status;
	pid_t pid;

	KMOD_SKIP_IF_NO_MODULE();
	if (geteuid())
		SKIP(return, "needs root to become nobody");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(unprivileged(self->ctx));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("check %d failed",
						 WEXITSTATUS(status));
}

/* ---- malformed requests ------------------------------------------------- */

TEST_F(nlctx, malformed_requests_are_refused)
{
	struct nl_result r;
	struct nl_msg m;
	uint8_t b = 1;
	char big[2048];

	KMOD_SKIP_IF_NO_MODULE();
	/* A u32 given as one byte. */
	nl_msg_init(&m, self->nl.family, 0, VMDEV_CMD_GET_CTX);
	nl_put(&m, VMDEV_A_CTX_ID, &b, 1);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &m, NULL, NULL, &r));
	EXPECT_NE(0, r.extack[0]);
	TH_LOG("short u32: %s", r.extack);

	/* The id it needs is missing. */
	nl_req(&self->nl, &m, VMDEV_CMD_GET_CTX, 0, 0, 0);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &m, NULL, NULL, &r));
	EXPECT_NE(0, r.extack[0]);
	TH_LOG("no id: %s", r.extack);
	EXPECT_STREQ("context id missing", r.extack);
	nl_req(&self->nl, &m, VMDEV_CMD_GET_DEV, 0, self->ctx, 0);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &m, NULL, NULL, &r));
	EXPECT_STREQ("device id missing", r.extack);

	/* Id 0 names nothing: out of the policy's range. */
	nl_msg_init(&m, self->nl.family, 0, VMDEV_CMD_GET_CTX);
	nl_put_u32(&m, VMDEV_A_CTX_ID, 0);
	EXPECT_EQ(-ERANGE, nl_call(&self->nl, &m, NULL, NULL, &r));
	EXPECT_NE(0, r.extack[0]);

	/* An attribute requests never carry, and one the family lacks. */
	nl_req(&self->nl, &m, VMDEV_CMD_GET_CTX, 0, self->ctx, 0);
	nl_put(&m, VMDEV_A_DEV_NAME, "x", 2);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &m, NULL, NULL, &r));
	EXPECT_NE(0, r.extack[0]);
	TH_LOG("reply-only attribute: %s", r.extack);
	nl_req(&self->nl, &m, VMDEV_CMD_GET_CTX, 0, self->ctx, 0);
	nl_put_u32(&m, 200, 1);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &m, NULL, NULL, &r));

	/* Oversized: an id of 2 KiB. */
	memset(big, 0xff, sizeof(big));
	nl_msg_init(&m, self->nl.family, 0, VMDEV_CMD_GET_CTX);
	nl_put(&m, VMDEV_A_CTX_ID, big, sizeof(big));
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &m, NULL, NULL, &r));
	EXPECT_NE(0, r.extack[0]);

	/* An attribute longer than the message holding it. */
	nl_req(&self->nl, &m, VMDEV_CMD_GET_CTX, 0, self->ctx, 0);
	((struct nlattr *)(m.buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len = 64;
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &m, NULL, NULL, &r));

	/* A command that does not exist; an event is no request. */
	nl_req(&self->nl, &m, 99, 0, self->ctx, 0);
	EXPECT_EQ(-EOPNOTSUPP, nl_call(&self->nl, &m, NULL, NULL, &r));
	nl_req(&self->nl, &m, VMDEV_CMD_DEV_NEW, 0, self->ctx, 0);
	EXPECT_EQ(-EOPNOTSUPP, nl_call(&self->nl, &m, NULL, NULL, &r));

	/* And the family still answers. */
	EXPECT_EQ(0, query(&self->nl, VMDEV_CMD_GET_CTX, 0, self->ctx, 0,
			   &self->s, &r));
}

TEST_HARNESS_MAIN
