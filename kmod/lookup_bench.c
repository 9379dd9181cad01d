// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel lookup benchmark, beside the library's
 * (tests/bench/io_bench.c): reading debugfs vmdev/lookup_bench builds
 * buses of 1, 100, 1000 and 10,000 MMIO ranges with the module's own
 * code (vmdev_bus_with(), whose lookup index is the shared core's) and
 * times vmdev_bus_find() at random addresses inside them, one line per
 * size. Every lookup is checked; "wrong" counts those that did not find
 * the range holding the address, and must be 0.
 *
 * Debugfs, root only, not an ABI: for tests/kmod/kmod_lookup_bench and
 * whoever measures. A read keeps one CPU busy for about a second, in
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
#define BENCH_NS	(200 * NSEC_PER_MSEC)

struct bench_run {
	u64 lookups;
	u64 ns;
	u64 wrong;
};

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

/* One round of lookups, under RCU as the vCPUs' are. */
static u64 bench_round(struct vmdev_bus *bus, const u64 *addr)
{
	const struct vmdev_bus_range *r;
	u64 wrong = 0;
	u32 i;

	rcu_read_lock();
	for (i = 0; i < BENCH_ADDRS; i++) {
		r = vmdev_bus_find(bus, VMDEV_SPACE_MMIO, addr[i], 4);
		if (IS_ERR_OR_NULL(r) || addr[i] - r->base >= r->len)
			wrong++;
	}
	rcu_read_unlock();
	return wrong;
}

static int bench_size(u32 n, u64 *addr, struct bench_run *run)
{
	struct vmdev_bus bus;
	struct vmdev_bus_table *t;
	u64 t0;
	u32 i;

	t = bench_table(n);
	if (IS_ERR(t))
		return PTR_ERR(t);
	RCU_INIT_POINTER(bus.table, t);
	for (i = 0; i < BENCH_ADDRS; i++)
		addr[i] = BENCH_BASE + get_random_u32_below(n) * BENCH_STRIDE +
			  get_random_u32_below(BENCH_LEN - 4);
	memset(run, 0, sizeof(*run));
	t0 = ktime_get_ns();
	do {
		run->wrong += bench_round(&bus, addr);
		run->lookups += BENCH_ADDRS;
		cond_resched();
		run->ns = ktime_get_ns() - t0;
	} while (run->ns < BENCH_NS);
	kvfree(t);
	return 0;
}

static int lookup_bench_show(struct seq_file *m, void *unused)
{
	static const u32 sizes[] = { 1, 100, 1000, 10000 };
	struct bench_run run;
	u64 *addr, rate, rate1 = 0;
	unsigned int s;
	int ret = 0;

	addr = kmalloc_array(BENCH_ADDRS, sizeof(*addr), GFP_KERNEL);
	if (!addr)
		return -ENOMEM;
	seq_puts(m, "ranges lookups_per_s ns_per_lookup percent_of_1_range wrong\n");
	for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
		ret = bench_size(sizes[s], addr, &run);
		if (ret)
			break;
		rate = div64_u64(run.lookups * NSEC_PER_SEC, run.ns);
		if (!s)
			rate1 = rate;
		seq_printf(m, "%u %llu %llu.%02llu %llu %llu\n", sizes[s], rate,
			   div64_u64(run.ns, run.lookups),
			   div64_u64(run.ns * 100, run.lookups) % 100,
			   div64_u64(rate * 100, max_t(u64, rate1, 1)), run.wrong);
	}
	kfree(addr);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(lookup_bench);

void vmdev_lookup_bench_init(struct dentry *dir)
{
	debugfs_create_file("lookup_bench", 0400, dir, NULL,
			    &lookup_bench_fops);
}
