// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * vmdevctl: what vmdev.ko holds, through its generic netlink family
 * (libvmdev-nl). vmdevctl(8) is the manual.
 *
 *   vmdevctl [-j] list
 *   vmdevctl [-j] show CTX [DEV]
 *   vmdevctl [-j] stats [-w SECS] [CTX]
 *   vmdevctl [-j] monitor [-c COUNT]
 *
 * Exit status: 0, 1 on a failure (module not loaded, permission, no such
 * object), 2 on bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmdev.h>
#include <vmdev/nl.h>

#include "out.h"

#define EXIT_USAGE	2
#define DUMP_TRIES	5

static bool json;

static const char usage_text[] =
	"usage: vmdevctl [-j] list\n"
	"       vmdevctl [-j] show CTX [DEV]\n"
	"       vmdevctl [-j] stats [-w SECS] [CTX]\n"
	"       vmdevctl [-j] monitor [-c COUNT]\n"
	"  -j  JSON output instead of tables\n";

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "vmdevctl: %s\n", why);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* A decimal number in [min, max], or -1. */
static long long number(const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

static int failed(struct vmdev_nl *nl, const char *what, int err)
{
	const char *msg = nl ? vmdev_nl_errmsg(nl) : "";

	fprintf(stderr, "vmdevctl: %s: %s%s%s\n", what, strerror(-err),
		*msg ? ": " : "", msg);
	return EXIT_FAILURE;
}

static const char *level_name(uint32_t level)
{
	switch (level) {
	case VMDEV_LEVEL_NONE:
		return "none";
	case VMDEV_LEVEL_MODULE:
		return "module";
	case VMDEV_LEVEL_KVM_BUS:
		return "kvm-bus";
	default:
		return "?";
	}
}

static const char *space_name(uint32_t space)
{
	return space == VMDEV_SPACE_PIO ? "pio" : "mmio";
}

/* "pio:0x3f8+8,mmio:0xd0000000+0x1000" */
static void ranges_str(const struct vmdev_nl_dev *d, char *buf, size_t n)
{
	size_t used = 0;
	uint32_t i;

	buf[0] = 0;
	for (i = 0; i < d->nr_ranges && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used,
					 "%s%s:%#" PRIx64 "+%#" PRIx64,
					 i ? "," : "",
					 space_name(d->ranges[i].space),
					 d->ranges[i].base, d->ranges[i].len);
}

/* ---- objects collected from dumps ------------------------------------- */

struct list {
	size_t n, cap, elem;
	void *v;
};

static int list_add(struct list *l, const void *e)
{
	void *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		v = realloc(l->v, l->cap * l->elem);
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	memcpy((char *)l->v + l->n++ * l->elem, e, l->elem);
	return 0;
}

static int add_ctx(const struct vmdev_nl_ctx *c, void *arg)
{
	return list_add(arg, c);
}

static int add_dev(const struct vmdev_nl_dev *d, void *arg)
{
	return list_add(arg, d);
}

/* A dump into l, repeated while the module's state moved under it. */
static int collect(struct vmdev_nl *nl, int kind, uint32_t ctx, struct list *l)
{
	int ret = -EAGAIN, i;

	for (i = 0; i < DUMP_TRIES && ret == -EAGAIN; i++) {
		l->n = 0;
		if (kind == VMDEV_CMD_GET_CTX)
			ret = vmdev_nl_ctx_dump(nl, add_ctx, l);
		else if (kind == VMDEV_CMD_GET_DEV)
			ret = vmdev_nl_dev_dump(nl, ctx, add_dev, l);
		else
			ret = vmdev_nl_stats_dump(nl, ctx, add_dev, l);
	}
	/* Still moving: what was seen is complete for what stayed. */
	return ret == -EAGAIN ? 0 : ret;
}

/* ---- list and show ------------------------------------------------------ */

static void json_counters(const struct vmdev_nl_counters *c)
{
	printf("{\"reads\":%" PRIu64 ",\"writes\":%" PRIu64
	       ",\"kvm_bus\":%" PRIu64 ",\"slow\":%" PRIu64
	       ",\"doorbells\":%" PRIu64 ",\"ioeventfds\":%" PRIu64
	       ",\"irqs_raised\":%" PRIu64 ",\"irqs_lowered\":%" PRIu64
	       ",\"irqs_resampled\":%" PRIu64 "}",
	       c->reads, c->writes, c->kvm_bus, c->slow, c->doorbells,
	       c->ioeventfds, c->irqs_raised, c->irqs_lowered,
	       c->irqs_resampled);
}

static void json_ctx(const struct vmdev_nl_ctx *c)
{
	printf("{\"id\":%u,\"pid\":%u,\"uid\":%u,\"level\":\"%s\","
	       "\"vm_bound\":%s,\"l3_windows\":%u,\"devices\":%u,"
	       "\"ranges\":%u,\"generation\":%u,\"unclaimed\":%" PRIu64
	       ",", c->id, c->pid, c->uid, level_name(c->level),
	       c->vm_bound ? "true" : "false", c->l3_windows, c->nr_devices,
	       c->nr_ranges, c->generation, c->unclaimed);
	if (c->vm_bound) {
		printf("\"vm\":");
		json_str(stdout, c->vm_id);
		putchar(',');
	}
	printf("\"stats\":");
	json_counters(&c->stats);
	putchar('}');
}

static void json_dev(const struct vmdev_nl_dev *d, bool stats)
{
	uint32_t i;

	printf("{\"ctx\":%u,\"id\":%u,\"name\":", d->ctx_id, d->id);
	json_str(stdout, d->name);
	printf(",\"regs\":%u,\"level\":\"%s\",\"ranges\":[", d->nr_regs,
	       level_name(d->level));
	for (i = 0; i < d->nr_ranges; i++)
		printf("%s{\"space\":\"%s\",\"base\":%" PRIu64 ",\"len\":%"
		       PRIu64 "}", i ? "," : "", space_name(d->ranges[i].space),
		       d->ranges[i].base, d->ranges[i].len);
	putchar(']');
	if (stats) {
		printf(",\"stats\":");
		json_counters(&d->stats);
	}
	putchar('}');
}

#define U(buf, v) (snprintf(buf, sizeof(buf), "%" PRIu64, (uint64_t)(v)), buf)

static void table_ctxs(const struct vmdev_nl_ctx *c, size_t n)
{
	static const char *const head[] = {
		"#CTX", "#PID", "#UID", "LEVEL", "VM", "#DEVICES", "#RANGES",
		"#IN-KERNEL", "#SLOW", "#UNCLAIMED",
	};
	char b[8][24];
	struct table t;
	size_t i;

	table_init(&t, 10, head);
	for (i = 0; i < n; i++)
		table_row(&t, U(b[0], c[i].id), U(b[1], c[i].pid),
			  U(b[2], c[i].uid), level_name(c[i].level),
			  c[i].vm_bound ? c[i].vm_id : "-",
			  U(b[3], c[i].nr_devices),
			  U(b[4], c[i].nr_ranges),
			  U(b[5], c[i].stats.reads + c[i].stats.writes),
			  U(b[6], c[i].stats.slow), U(b[7], c[i].unclaimed));
	table_print(&t, stdout);
	table_free(&t);
}

static int cmd_list(struct vmdev_nl *nl)
{
	struct list l = { .elem = sizeof(struct vmdev_nl_ctx) };
	const struct vmdev_nl_ctx *c;
	int ret;
	size_t i;

	ret = collect(nl, VMDEV_CMD_GET_CTX, 0, &l);
	if (ret < 0)
		return failed(nl, "list", ret);
	c = l.v;
	if (json) {
		putchar('[');
		for (i = 0; i < l.n; i++) {
			if (i)
				putchar(',');
			json_ctx(&c[i]);
		}
		puts("]");
	} else {
		table_ctxs(c, l.n);
	}
	free(l.v);
	return 0;
}

static void table_devs(const struct vmdev_nl_dev *d, size_t n)
{
	static const char *const head[] = {
		"#DEV", "NAME", "#REGS", "LEVEL", "RANGES",
	};
	char b[2][24], r[512];
	struct table t;
	size_t i;

	table_init(&t, 5, head);
	for (i = 0; i < n; i++) {
		ranges_str(&d[i], r, sizeof(r));
		table_row(&t, U(b[0], d[i].id), d[i].name[0] ? d[i].name : "-",
			  U(b[1], d[i].nr_regs), level_name(d[i].level), r);
	}
	table_print(&t, stdout);
	table_free(&t);
}

static int show_ctx(struct vmdev_nl *nl, uint32_t ctx)
{
	struct list l = { .elem = sizeof(struct vmdev_nl_dev) };
	struct vmdev_nl_ctx c;
	size_t i;
	int ret;

	ret = vmdev_nl_ctx_get(nl, ctx, &c);
	if (!ret)
		ret = collect(nl, VMDEV_CMD_GET_DEV, ctx, &l);
	if (ret < 0)
		return failed(nl, "show", ret);
	if (json) {
		printf("{\"context\":");
		json_ctx(&c);
		printf(",\"devices\":[");
		for (i = 0; i < l.n; i++) {
			if (i)
				putchar(',');
			json_dev(&((struct vmdev_nl_dev *)l.v)[i], false);
		}
		puts("]}");
	} else {
		table_ctxs(&c, 1);
		putchar('\n');
		table_devs(l.v, l.n);
	}
	free(l.v);
	return 0;
}

static void table_kv(const struct vmdev_nl_dev *d)
{
	static const char *const head[] = { "FIELD", "VALUE" };
	const struct vmdev_nl_counters *c = &d->stats;
	char b[14][24], r[512];
	struct table t;

	ranges_str(d, r, sizeof(r));
	table_init(&t, 2, head);
	table_row(&t, "context", U(b[0], d->ctx_id));
	table_row(&t, "device", U(b[1], d->id));
	table_row(&t, "name", d->name[0] ? d->name : "-");
	table_row(&t, "registers", U(b[2], d->nr_regs));
	table_row(&t, "level", level_name(d->level));
	table_row(&t, "ranges", r);
	table_row(&t, "reads", U(b[3], c->reads));
	table_row(&t, "writes", U(b[4], c->writes));
	table_row(&t, "kvm_bus", U(b[5], c->kvm_bus));
	table_row(&t, "slow", U(b[6], c->slow));
	table_row(&t, "doorbells", U(b[7], c->doorbells));
	table_row(&t, "ioeventfds", U(b[8], c->ioeventfds));
	table_row(&t, "irqs_raised", U(b[9], c->irqs_raised));
	table_row(&t, "irqs_lowered", U(b[10], c->irqs_lowered));
	table_row(&t, "irqs_resampled", U(b[11], c->irqs_resampled));
	table_print(&t, stdout);
	table_free(&t);
}

static int show_dev(struct vmdev_nl *nl, uint32_t ctx, uint32_t id)
{
	struct vmdev_nl_dev d, s;
	int ret;

	ret = vmdev_nl_dev_get(nl, ctx, id, &d);
	if (!ret)
		ret = vmdev_nl_stats_get(nl, ctx, id, &s);
	if (ret < 0)
		return failed(nl, "show", ret);
	d.stats = s.stats;
	if (json) {
		json_dev(&d, true);
		putchar('\n');
	} else {
		table_kv(&d);
	}
	return 0;
}

/* ---- stats -------------------------------------------------------------- */

struct snapshot {
	struct list devs;	/* names, ranges: GET_DEV */
	struct list stats;	/* counters: GET_STATS */
	double at;		/* seconds, monotonic */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int snap(struct vmdev_nl *nl, uint32_t ctx, struct snapshot *s)
{
	int ret;

	s->devs.elem = s->stats.elem = sizeof(struct vmdev_nl_dev);
	ret = collect(nl, VMDEV_CMD_GET_DEV, ctx, &s->devs);
	if (ret >= 0)
		ret = collect(nl, VMDEV_CMD_GET_STATS, ctx, &s->stats);
	s->at = now();
	return ret;
}

/* Both dumps come in (context, device) order: find by a merge walk. */
static const struct vmdev_nl_dev *find(const struct list *l, size_t *pos,
				       uint32_t ctx, uint32_t id)
{
	const struct vmdev_nl_dev *d = l->v;

	while (*pos < l->n && (d[*pos].ctx_id < ctx ||
			       (d[*pos].ctx_id == ctx && d[*pos].id < id)))
		(*pos)++;
	if (*pos < l->n && d[*pos].ctx_id == ctx && d[*pos].id == id)
		return &d[*pos];
	return NULL;
}

static double rate(uint64_t a, uint64_t b, double secs)
{
	return b >= a && secs > 0 ? (double)(b - a) / secs : 0;
}

#define F(buf, v) (snprintf(buf, sizeof(buf), "%.1f", (v)), buf)

/* One device's row or object: totals, or rates against *old. */
static void stats_one(struct table *t, const struct vmdev_nl_dev *d,
		      const char *name, const struct vmdev_nl_dev *old,
		      double secs, bool *first)
{
	const struct vmdev_nl_counters *c = &d->stats, *o = old ? &old->stats : NULL;
	char b[9][24];

	if (json) {
		printf("%s{\"ctx\":%u,\"id\":%u,\"name\":", *first ? "" : ",",
		       d->ctx_id, d->id);
		json_str(stdout, name);
		printf(",\"stats\":");
		json_counters(c);
		if (o)
			printf(",\"interval\":%.3f,\"rates\":{\"reads\":%.1f,"
			       "\"writes\":%.1f,\"slow\":%.1f,\"irqs\":%.1f,"
			       "\"doorbells\":%.1f}", secs,
			       rate(o->reads, c->reads, secs),
			       rate(o->writes, c->writes, secs),
			       rate(o->slow, c->slow, secs),
			       rate(o->irqs_raised, c->irqs_raised, secs),
			       rate(o->doorbells, c->doorbells, secs));
		putchar('}');
	} else if (o) {
		table_row(t, U(b[0], d->ctx_id), U(b[1], d->id), name,
			  F(b[2], rate(o->reads, c->reads, secs)),
			  F(b[3], rate(o->writes, c->writes, secs)),
			  F(b[4], rate(o->slow, c->slow, secs)),
			  F(b[5], rate(o->irqs_raised, c->irqs_raised, secs)),
			  F(b[6], rate(o->doorbells, c->doorbells, secs)));
	} else {
		table_row(t, U(b[0], d->ctx_id), U(b[1], d->id), name,
			  U(b[2], c->reads), U(b[3], c->writes),
			  U(b[4], c->kvm_bus), U(b[5], c->slow),
			  U(b[6], c->irqs_raised), U(b[7], c->doorbells));
	}
	*first = false;
}

static void stats_print(const struct snapshot *s, const struct snapshot *old)
{
	static const char *const totals[] = {
		"#CTX", "#DEV", "NAME", "#READS", "#WRITES", "#KVM-BUS",
		"#SLOW", "#IRQS", "#DOORBELLS",
	};
	static const char *const rates[] = {
		"#CTX", "#DEV", "NAME", "#READS/S", "#WRITES/S", "#SLOW/S",
		"#IRQS/S", "#DOORBELLS/S",
	};
	const struct vmdev_nl_dev *st = s->stats.v, *dev, *o = NULL;
	size_t i, dp = 0, op = 0;
	bool first = true;
	struct table t;

	table_init(&t, old ? 8 : 9, old ? rates : totals);
	if (json)
		putchar('[');
	for (i = 0; i < s->stats.n; i++) {
		dev = find(&s->devs, &dp, st[i].ctx_id, st[i].id);
		if (old) {
			o = find(&old->stats, &op, st[i].ctx_id, st[i].id);
			if (!o)	/* new since the first look: no rate yet */
				continue;
		}
		stats_one(&t, &st[i], dev && dev->name[0] ? dev->name : "-", o,
			  old ? s->at - old->at : 0, &first);
	}
	if (json)
		puts("]");
	else
		table_print(&t, stdout);
	table_free(&t);
}

static int cmd_stats(struct vmdev_nl *nl, uint32_t ctx, unsigned int wait)
{
	struct snapshot a = { 0 }, b = { 0 };
	int ret;

	ret = snap(nl, ctx, &a);
	if (ret >= 0 && wait) {
		sleep(wait);
		ret = snap(nl, ctx, &b);
	}
	if (ret < 0)
		ret = failed(nl, "stats", ret);
	else if (wait)
		stats_print(&b, &a);
	else
		stats_print(&a, NULL);
	free(a.devs.v);
	free(a.stats.v);
	free(b.devs.v);
	free(b.stats.v);
	return ret < 0 ? EXIT_FAILURE : 0;
}

/* ---- monitor ------------------------------------------------------------ */

static const char *const event_names[] = {
	[VMDEV_CMD_CTX_NEW] = "ctx-new",
	[VMDEV_CMD_CTX_DEL] = "ctx-del",
	[VMDEV_CMD_DEV_NEW] = "dev-new",
	[VMDEV_CMD_DEV_DEL] = "dev-del",
	[VMDEV_CMD_DEV_RESET] = "dev-reset",
	[VMDEV_CMD_RANGE_NEW] = "range-new",
	[VMDEV_CMD_RANGE_DEL] = "range-del",
	[VMDEV_CMD_LEVEL] = "level",
};

struct monitor {
	long long left;		/* events still to print; < 0: no end */
};

static void event_text(const struct vmdev_nl_event *ev, const char *name)
{
	char r[512];

	printf("%-9s ctx %u", name, ev->ctx_id);
	switch (ev->type) {
	case VMDEV_CMD_CTX_NEW:
	case VMDEV_CMD_CTX_DEL:
	case VMDEV_CMD_LEVEL:
		printf(" pid %u uid %u level %s devices %u", ev->ctx.pid,
		       ev->ctx.uid, level_name(ev->ctx.level),
		       ev->ctx.nr_devices);
		break;
	case VMDEV_CMD_DEV_NEW:
		ranges_str(&ev->dev, r, sizeof(r));
		printf(" dev %u name %s regs %u ranges %s", ev->dev_id,
		       ev->dev.name[0] ? ev->dev.name : "-", ev->dev.nr_regs,
		       r[0] ? r : "-");
		break;
	case VMDEV_CMD_RANGE_NEW:
	case VMDEV_CMD_RANGE_DEL:
		printf(" dev %u %s:%#" PRIx64 "+%#" PRIx64, ev->dev_id,
		       space_name(ev->range.space), ev->range.base,
		       ev->range.len);
		break;
	default:
		printf(" dev %u", ev->dev_id);
	}
	putchar('\n');
}

static void event_json(const struct vmdev_nl_event *ev, const char *name)
{
	printf("{\"event\":\"%s\",\"ctx\":%u", name, ev->ctx_id);
	if (ev->type == VMDEV_CMD_CTX_NEW || ev->type == VMDEV_CMD_CTX_DEL ||
	    ev->type == VMDEV_CMD_LEVEL) {
		printf(",\"context\":");
		json_ctx(&ev->ctx);
	} else {
		printf(",\"dev\":%u", ev->dev_id);
	}
	if (ev->type == VMDEV_CMD_DEV_NEW) {
		printf(",\"device\":");
		json_dev(&ev->dev, false);
	}
	if (ev->type == VMDEV_CMD_RANGE_NEW || ev->type == VMDEV_CMD_RANGE_DEL)
		printf(",\"range\":{\"space\":\"%s\",\"base\":%" PRIu64
		       ",\"len\":%" PRIu64 "}", space_name(ev->range.space),
		       ev->range.base, ev->range.len);
	puts("}");
}

static int on_event(const struct vmdev_nl_event *ev, void *arg)
{
	struct monitor *m = arg;
	const char *name = ev->type < sizeof(event_names) / sizeof(*event_names) &&
			   event_names[ev->type] ? event_names[ev->type] : "?";

	if (!m->left)
		return 0;
	if (json)
		event_json(ev, name);
	else
		event_text(ev, name);
	fflush(stdout);
	if (m->left > 0)
		m->left--;
	return 0;
}

static int cmd_monitor(long long count)
{
	VMDEV_OPTS(vmdev_nl_opts, o, .events = true);
	struct monitor m = { .left = count };
	struct vmdev_nl *nl;
	int ret;

	ret = vmdev_nl_open(&o, &nl);
	if (ret == -ENOENT) {
		fputs("vmdevctl: vmdev.ko is not loaded (no generic netlink family \"vmdev\")\n",
		      stderr);
		return EXIT_FAILURE;
	}
	if (ret == -EPERM) {
		fputs("vmdevctl: monitor needs CAP_NET_ADMIN\n", stderr);
		return EXIT_FAILURE;
	}
	if (ret)
		return failed(NULL, "monitor", ret);
	while (m.left) {
		ret = vmdev_nl_events_read(nl, on_event, &m);
		if (ret == -ENOBUFS)
			fputs("vmdevctl: events lost (socket buffer full)\n",
			      stderr);
		else if (ret < 0)
			break;
	}
	vmdev_nl_close(nl);
	return m.left ? failed(NULL, "monitor", ret) : 0;
}

/* ---- main --------------------------------------------------------------- */

static int open_nl(struct vmdev_nl **nl)
{
	int ret = vmdev_nl_open(NULL, nl);

	if (ret == -ENOENT) {
		fputs("vmdevctl: vmdev.ko is not loaded (no generic netlink family \"vmdev\")\n",
		      stderr);
		return EXIT_FAILURE;
	}
	return ret ? failed(NULL, "netlink", ret) : 0;
}

/* The subcommand's own options and operands, checked before any I/O. */
static int run(const char *cmd, int argc, char **argv)
{
	long long a = 0, b = 0, wait = 0, count = -1;
	struct vmdev_nl *nl;
	int opt, ret;

	optind = 1;
	while ((opt = getopt(argc, argv, "+w:c:")) != -1) {
		if (opt == 'w' && !strcmp(cmd, "stats") &&
		    (wait = number(optarg, 1, 86400)) > 0)
			continue;
		if (opt == 'c' && !strcmp(cmd, "monitor") &&
		    (count = number(optarg, 1, LLONG_MAX)) > 0)
			continue;
		return usage(opt == '?' ? NULL : "bad option value");
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "list") ? argc != 0 :
	    !strcmp(cmd, "show") ? argc < 1 || argc > 2 :
	    !strcmp(cmd, "stats") ? argc > 1 :
	    !strcmp(cmd, "monitor") ? argc != 0 : 1)
		return usage(NULL);
	if ((argc > 0 && (a = number(argv[0], 1, UINT32_MAX)) < 0) ||
	    (argc > 1 && (b = number(argv[1], 1, UINT32_MAX)) < 0))
		return usage("CTX and DEV are ids (1..4294967295)");
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(count);
	ret = open_nl(&nl);
	if (ret)
		return ret;
	if (!strcmp(cmd, "list"))
		ret = cmd_list(nl);
	else if (!strcmp(cmd, "show"))
		ret = b ? show_dev(nl, a, b) : show_ctx(nl, a);
	else
		ret = cmd_stats(nl, a, wait);
	vmdev_nl_close(nl);
	return ret;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "+jh")) != -1) {
		if (opt == 'j') {
			json = true;
		} else if (opt == 'h') {
			fputs(usage_text, stdout);
			return 0;
		} else {
			return usage(NULL);
		}
	}
	if (optind >= argc)
		return usage("no command");
	return run(argv[optind], argc - optind, argv + optind);
}
