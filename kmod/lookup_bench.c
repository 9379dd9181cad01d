// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel lookup benchmark, beside the library's
 * (tests/bench/io_bench.c): reading debugfs vmdev/lookup_bench builds
 * buses of 1, 100, 1000 and 10,000 MMIO ranges with the module's own
 * code (vmdev_bus_with(), whose lookup index is the shared core's) and
 * times vmdev_bus_find() at random addresses inside them, one line per
 * size. Every lookup is checked; "wrong" counts those that did not find
 * the range holding the address, and must be 0. Beside it, in the same
 * run, the plain binary search over the same ranges that the module
 * used before the index (bsearch_per_s), as the reference. Each figure
 * is the median of BENCH_ROUNDS rounds, all sizes and both kinds taking
 * turns in each, after a round that is not counted (a loaded or
 * emulated machine varies from round to round).
 *
 * Debugfs, root only, not an ABI: for tests/kmod/kmod_lookup_bench and
 * whoever measures. A read keeps one CPU busy for about two seconds, in
 * rounds of 4096 lookups between which it may be rescheduled.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "bus.h"
#include "lookup_bench.h"

#define BENCH_BASE	0x100000000ULL
#define BENCH_LEN	0x1000ULL
#define BENCH_STRIDE	0x2000ULL	/* a hole after every range */
#define BENCH_ADDRS	4096
#define BENCH_NS	(40 * NSEC_PER_MSEC)	/* a round */
#define BENCH_ROUNDS	5	/* per size and kind, interleaved: median */

/*
 * The reference: the last range starting at or before addr, or NULL.
 * Out of line, as find() below: each lookup is one call, whatever the
 * compiler would inline into this loop.
 */
static noinline const struct vmdev_bus_range *
bsearch_floor(const struct vmdev_bus_table *t, u64 addr)
{
	const struct vmdev_bus_range *r = &t->ranges[t->start[VMDEV_SPACE_MMIO]];
	u32 n = t->idx[VMDEV_SPACE_MMIO].n, half;

	while (n > 1) {
		half = n / 2;
		r = r[half].base <= addr ? r + half : r;
		n -= half;
	}
	return r->base <= addr ? r : NULL;
}

/* A bus of n ranges at BENCH_STRIDE, or an ERR_PTR. */
static struct vmdev_bus_table *bench_table(u32 n)
{
	struct vmdev_bus_table *t;
	struct vmdev_range *r;
	u32 i;

	r = kvmalloc_array(n, sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++)
		r[i] = (struct vmdev_range){ .base = BENCH_BASE + i * BENCH_STRIDE,
					     .len = BENCH_LEN,
					     .space = VMDEV_SPACE_MMIO };
	/* No device behind the ranges: the lookup never reads it. */
	t = vmdev_bus_with(NULL, r, n, NULL);
	kvfree(r);
	return t;
}

/* vmdev_bus_find(), inline in the dispatchers, as one call here. */
static noinline const struct vmdev_bus_range *find(struct vmdev_bus *bus,
						   u64 addr)
{
	return vmdev_bus_find(bus, VMDEV_SPACE_MMIO, addr, 4);
}

/* One round of lookups, under RCU as the vCPUs' are. */
static u64 bench_round(struct vmdev_bus *bus, const u64 *addr, bool ref)
{
	const struct vmdev_bus_range *r;
	u64 wrong = 0;
	u32 i;

	rcu_read_lock();
	for (i = 0; i < BENCH_ADDRS; i++) {
		r = ref ? bsearch_floor(rcu_dereference(bus->table), addr[i]) :
			  find(bus, addr[i]);
		if (IS_ERR_OR_NULL(r) || addr[i] - r->base >= r->len)
			wrong++;
	}
	rcu_read_unlock();
	return wrong;
}

/* Lookups per second of one timed round; wrong lookups added up. */
static u64 bench_time(struct vmdev_bus *bus, const u64 *addr, bool ref,
		      u64 *wrong)
{
	u64 t0 = ktime_get_ns(), ns, lookups = 0;

	do {
		*wrong += bench_round(bus, addr, ref);
		lookups += BENCH_ADDRS;
		cond_resched();
		ns = ktime_get_ns() - t0;
	} while (ns < BENCH_NS);
	return div64_u64(lookups * NSEC_PER_SEC, ns);
}

static u64 median(u64 *v)
{
	u32 i, j;

	for (i = 1; i < BENCH_ROUNDS; i++)
		for (j = i; j && v[j - 1] > v[j]; j--)
			swap(v[j - 1], v[j]);
	return v[BENCH_ROUNDS / 2];
}

static const u32 bench_sizes[] = { 1, 100, 1000, 10000 };
#define BENCH_SIZES	ARRAY_SIZE(bench_sizes)

/* One bus size: its bus, its addresses, its rounds. */
struct bench_set {
	struct vmdev_bus bus;
	u64 addr[BENCH_ADDRS];
	u64 rate[BENCH_ROUNDS];	/* lookups per second, index */
	u64 ref[BENCH_ROUNDS];	/* lookups per second, plain binary search */
	u64 wrong;
};

static int bench_set_init(struct bench_set *b, u32 n)
{
	struct vmdev_bus_table *t = bench_table(n);
	u32 i;

	if (IS_ERR(t))
		return PTR_ERR(t);
	RCU_INIT_POINTER(b->bus.table, t);
	for (i = 0; i < BENCH_ADDRS; i++)
		b->addr[i] = BENCH_BASE +
			     get_random_u32_below(n) * BENCH_STRIDE +
			     get_random_u32_below(BENCH_LEN - 4);
	return 0;
}

/*
 * Every size and both kinds take turns within each round, so that a
 * change of the machine's load falls on all of them alike.
 */
static void bench_rounds(struct bench_set *b)
{
	u32 r, s;

	for (s = 0; s < BENCH_SIZES; s++)	/* warm-up, not counted */
		bench_time(&b[s].bus, b[s].addr, false, &b[s].wrong);
	for (r = 0; r < BENCH_ROUNDS; r++) {
		for (s = 0; s < BENCH_SIZES; s++) {
			b[s].rate[r] = bench_time(&b[s].bus, b[s].addr, false,
						  &b[s].wrong);
			b[s].ref[r] = bench_time(&b[s].bus, b[s].addr, true,
						 &b[s].wrong);
		}
	}
}

static int lookup_bench_show(struct seq_file *m, void *unused)
{
	struct bench_set *b;
	u64 rate, rate1 = 1;
	u32 s;
	int ret = 0;

	b = kvcalloc(BENCH_SIZES, sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	for (s = 0; s < BENCH_SIZES && !ret; s++)
		ret = bench_set_init(&b[s], bench_sizes[s]);
	if (!ret)
		bench_rounds(b);
	if (!ret)
		seq_puts(m, "ranges lookups_per_s ns_per_lookup percent_of_1_range wrong bsearch_per_s\n");
	for (s = 0; s < BENCH_SIZES && !ret; s++) {
		rate = max_t(u64, median(b[s].rate), 1);
		if (!s)
			rate1 = rate;
		seq_printf(m, "%u %llu %llu.%02llu %llu %llu %llu\n",
			   bench_sizes[s], rate, div64_u64(NSEC_PER_SEC, rate),
			   div64_u64(100 * NSEC_PER_SEC, rate) % 100,
			   div64_u64(rate * 100, rate1), b[s].wrong,
			   median(b[s].ref));
	}
	for (s = 0; s < BENCH_SIZES; s++)
		kvfree(rcu_dereference_protected(b[s].bus.table, true));
	kvfree(b);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(lookup_bench);

void vmdev_lookup_bench_init(struct dentry *dir)
{
	debugfs_create_file("lookup_bench", 0400, dir, NULL,
			    &lookup_bench_fops);
}
