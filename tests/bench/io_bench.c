// SPDX-License-Identifier: GPL-2.0
/*
 * I/O manager benchmark (not a test): dispatch rate against the number of
 * registered ranges, with one and two dispatching threads, and the cost
 * of registering 10,000 ranges one by one against one transaction. All
 * figures come from the same run, so their ratios are comparable; each
 * dispatch figure is the median of ROUNDS rounds in which every size
 * takes its turn, so that a change of the machine's load (it is shared)
 * falls on all sizes alike.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vmdev/io.h>

#define RANGE_SIZE	0x1000ULL
#define RANGE_STRIDE	0x2000ULL	/* a hole after every range */
#define MMIO_BASE	0x100000000ULL
#define ADDRS		4096		/* precomputed, random */
#define RUN_S		0.1
#define ROUNDS		5
#define NR_SIZES	4
#define REG_RANGES	10000

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int nop_read(void *opaque, enum vmdev_space space, uint64_t base,
		    uint64_t offset, void *data, size_t len)
{
	memset(data, 0, len);
	return 0;
}

static void die(const char *what, long err)
{
	fprintf(stderr, "io_bench: %s: %s\n", what, strerror((int)-err));
	exit(1);
}

static struct vmdev_device *nop_device(void)
{
	VMDEV_OPTS(vmdev_device_opts, opts, .read = nop_read,
		   .kind = VMDEV_DEVICE_THREAD_SAFE);
	struct vmdev_device *dev;
	int err = vmdev_device_new(&opts, &dev);

	if (err)
		die("vmdev_device_new", err);
	return dev;
}

static struct vmdev_resources *range_res(uint64_t i)
{
	struct vmdev_resource r = {
		.type = VMDEV_RES_MMIO,
		.range = { MMIO_BASE + i * RANGE_STRIDE, RANGE_SIZE },
	};
	struct vmdev_resources *res;
	int err = vmdev_resources_new(&res);

	if (!err)
		err = vmdev_resources_append(res, &r);
	if (err)
		die("vmdev_resources", err);
	return res;
}

/* Register n ranges, one device each; txn: all in one commit. */
static double register_ranges(struct vmdev_io_manager *mgr, int n, bool txn)
{
	struct vmdev_io_txn *t = NULL;
	struct vmdev_resources *res;
	struct vmdev_device *dev;
	double t0 = now_s();
	long err;
	int i;

	if (txn) {
		err = vmdev_io_txn_begin(mgr, &t);
		if (err)
			die("vmdev_io_txn_begin", err);
	}
	for (i = 0; i < n; i++) {
		res = range_res(i);
		dev = nop_device();
		err = t ? vmdev_io_txn_register(t, dev, res) :
			  vmdev_io_register(mgr, dev, res);
		if (err != 1)
			die("register", err);
		vmdev_device_put(dev);
		vmdev_resources_free(res);
	}
	if (t) {
		err = vmdev_io_txn_commit(t);
		if (err)
			die("vmdev_io_txn_commit", err);
	}
	return now_s() - t0;
}

struct runner {
	pthread_t thread;
	struct vmdev_io_manager *mgr;
	pthread_barrier_t *start;
	uint64_t addr[ADDRS];
	long ops;
	double secs;
};

static void *run(void *arg)
{
	struct runner *r = arg;
	double t0, end;
	uint32_t v;
	long ops = 0;
	int i, err;

	pthread_barrier_wait(r->start);
	t0 = now_s();
	end = t0 + RUN_S;
	do {
		for (i = 0; i < ADDRS; i++) {
			err = vmdev_io_read(r->mgr, VMDEV_MMIO, r->addr[i], &v,
					    sizeof(v));
			if (err)
				die("vmdev_io_read", err);
		}
		ops += ADDRS;
	} while (now_s() < end);
	r->ops = ops;
	r->secs = now_s() - t0;
	return NULL;
}

/* Dispatches per second over nthreads threads, n ranges registered. */
static double dispatch_rate(struct vmdev_io_manager *mgr, int n, int nthreads)
{
	struct runner *r = calloc(nthreads, sizeof(*r));
	pthread_barrier_t start;
	double rate = 0;
	int t, i;

	if (!r)
		die("calloc", -ENOMEM);
	pthread_barrier_init(&start, NULL, nthreads);
	for (t = 0; t < nthreads; t++) {
		r[t].mgr = mgr;
		r[t].start = &start;
		for (i = 0; i < ADDRS; i++)
			r[t].addr[i] = MMIO_BASE +
				       (uint64_t)(random() % n) * RANGE_STRIDE +
				       (uint64_t)random() % (RANGE_SIZE - 4);
		pthread_create(&r[t].thread, NULL, run, &r[t]);
	}
	for (t = 0; t < nthreads; t++) {
		pthread_join(r[t].thread, NULL);
		rate += r[t].ops / r[t].secs;
	}
	pthread_barrier_destroy(&start);
	free(r);
	return rate;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp_double);
	return v[ROUNDS / 2];
}

static void bench_dispatch(void)
{
	static const int sizes[NR_SIZES] = { 1, 100, 1000, 10000 };
	double one[NR_SIZES][ROUNDS], two[NR_SIZES][ROUNDS];
	struct vmdev_io_manager *mgr[NR_SIZES];
	double one1 = 1, m1, m2;
	int s, r, err;

	for (s = 0; s < NR_SIZES; s++) {
		err = vmdev_io_manager_new(NULL, &mgr[s]);
		if (err)
			die("vmdev_io_manager_new", err);
		register_ranges(mgr[s], sizes[s], true);
	}
	for (r = 0; r < ROUNDS; r++) {
		for (s = 0; s < NR_SIZES; s++) {
			one[s][r] = dispatch_rate(mgr[s], sizes[s], 1);
			two[s][r] = dispatch_rate(mgr[s], sizes[s], 2);
		}
	}
	printf("Dispatch: 4-byte MMIO reads at random addresses, ");
	printf("no-op device; medians of %d rounds\n", ROUNDS);
	printf("%8s %14s %9s %14s %8s %10s\n", "ranges", "1 thread M/s",
	       "ns/op", "2 threads M/s", "2T/1T", "vs 1 range");
	for (s = 0; s < NR_SIZES; s++) {
		m1 = median(one[s]);
		m2 = median(two[s]);
		if (!s)
			one1 = m1;
		printf("%8d %14.2f %9.1f %14.2f %8.2f %10.2f\n", sizes[s],
		       m1 / 1e6, 1e9 / m1, m2 / 1e6, m2 / m1, m1 / one1);
		vmdev_io_manager_free(mgr[s]);
	}
}

static void bench_register(void)
{
	struct vmdev_io_manager *a, *b;
	double single, batch;
	int err;

	err = vmdev_io_manager_new(NULL, &a);
	if (!err)
		err = vmdev_io_manager_new(NULL, &b);
	if (err)
		die("vmdev_io_manager_new", err);
	single = register_ranges(a, REG_RANGES, false);
	batch = register_ranges(b, REG_RANGES, true);
	printf("\nRegistration of %d ranges (one device each)\n", REG_RANGES);
	printf("  one by one      %9.1f ms %9.2f us/range\n", single * 1e3,
	       single * 1e6 / REG_RANGES);
	printf("  one transaction %9.1f ms %9.2f us/range\n", batch * 1e3,
	       batch * 1e6 / REG_RANGES);
	printf("  one by one / one transaction: %.1f\n", single / batch);
	vmdev_io_manager_free(a);
	vmdev_io_manager_free(b);
}

int main(void)
{
	srandom(1);
	bench_dispatch();
	bench_register();
	return 0;
}
