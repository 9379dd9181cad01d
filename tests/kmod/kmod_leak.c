// SPDX-License-Identifier: GPL-2.0
/*
 * Leaks, by count: 10,000 lives of a context, each with devices on PIO
 * and MMIO ranges, every kind of eventfd binding (edge and level irqfds
 * with a resample eventfd, a notify fd, ioeventfds that fire, deferred
 * signals pending) and a bound KVM VM, leave the module's object counters
 * (debugfs vmdev/objects) exactly where they started and the slab where
 * it started, give or take a bound far below what a single leaked object
 * per life would add. Every hundredth life also takes things apart by
 * hand (unbind, destroy) before the close.
 */
#include <signal.h>
#include <time.h>

#include "kselftest_harness.h"
#include "kmod_eventfd.h"
#include "guest_test.h"

#define LIVES		10000
#define WARMUP		100	/* lives before the slab is first read */
#define BY_HAND		100	/* every this many lives, tear down by hand */
#define MMIO_BASE	0xd0000000ULL
#define SETTLE_S	20	/* for RCU-deferred frees to finish */
/*
 * Settled: the slab has not shrunk for this long. kvfree_rcu() frees in
 * batches, and on 6.1 a batch can wait seconds: one quiet second is not
 * enough to tell that the frees are over.
 */
#define SETTLE_QUIET_S	6
/*
 * The slab moves by this much on its own: SLUB counts the objects of
 * per-CPU slabs as active, and RCU frees xarray nodes late (about 100
 * KiB seen, mostly radix_tree_node). The smallest object the module
 * allocates is 64 bytes: leaked once per life, it would add 620 KiB.
 */
#define SLAB_SLACK	(256 * 1024)

static const char *const kinds[] = {
	"contexts", "devices", "sinks", "sources", "vms",
};

#define NR_KINDS	KMOD_ARRAY_SIZE(kinds)

/* Bytes of active objects per slab cache (/proc/slabinfo). */
#define MAX_CACHES	1024

struct slab {
	unsigned int n;
	long long total;
	struct {
		char name[64];
		long long bytes;
	} cache[MAX_CACHES];
};

static int slab_read(struct slab *s)
{
	long long active, num, size;
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "re");

	if (!f)
		return -errno;
	s->n = 0;
	s->total = 0;
	while (fgets(line, sizeof(line), f) && s->n < MAX_CACHES) {
		if (sscanf(line, "%63s %lld %lld %lld", s->cache[s->n].name,
			   &active, &num, &size) != 4)
			continue;
		s->cache[s->n].bytes = active * size;
		s->total += active * size;
		s->n++;
	}
	fclose(f);
	return 0;
}

/* The cache of a that grew most in b (for the log of a failure). */
static unsigned int slab_grew_most(const struct slab *a, const struct slab *b,
				   long long *by)
{
	unsigned int i, j, best = 0;
	long long d;

	*by = 0;
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < a->n; j++)
			if (!strcmp(a->cache[j].name, b->cache[i].name))
				break;
		d = b->cache[i].bytes - (j < a->n ? a->cache[j].bytes : 0);
		if (d > *by) {
			*by = d;
			best = i;
		}
	}
	return best;
}

static void objects(long *n)
{
	unsigned int i;

	for (i = 0; i < NR_KINDS; i++)
		n[i] = kmod_objects(kinds[i]);
}

static bool objects_equal(const long *a, const long *b)
{
	return !memcmp(a, b, NR_KINDS * sizeof(*a));
}

struct life {
	int ctx;
	int efd[6];		/* edge, level, resample, notify, io x2 */
	uint32_t kev, plain;
};

enum { EDGE, LEVEL, EOI, NOTE, IO_DB, IO_SET, NR_EFDS };

/* Bind the VM: a run that KVM ends at once (immediate_exit). */
static int bind_vm(int ctx, struct minivm *vm)
{
	struct vmdev_run r = {
		.size = sizeof(r), .vcpu_fd = vm->vcpu_fd,
		.kvm_run = (uintptr_t)vm->run,
	};
	int ret;

	vm->run->immediate_exit = 1;
	ret = (int)kmod_ioctl(ctx, VMDEV_RUN, &r);
	vm->run->immediate_exit = 0;
	return ret == -EINTR ? 0 : (ret ? ret : -EPROTO);
}

/* One context's life up to its close: 0 or the first -errno. */
static int live(struct life *l, struct minivm *vm, bool by_hand)
{
	struct vmdev_range kr[2] = {
		kmod_range(PIO, KEV_PIO, KEV_WINDOW),
		kmod_range(MMIO, MMIO_BASE, KEV_WINDOW),
	};
	struct vmdev_range pr[3] = {
		kmod_range(PIO, 0x3f0, KMOD_WINDOW),
		kmod_range(MMIO, MMIO_BASE + 0x1000, KMOD_WINDOW),
		kmod_range(MMIO, MMIO_BASE + 0x2000, KMOD_WINDOW),
	};
	int ret, i;

	l->ctx = kmod_open();
	if (l->ctx < 0)
		return l->ctx;
	for (i = 0; i < NR_EFDS; i++) {
		l->efd[i] = kev_new();
		if (l->efd[i] < 0)
			return l->efd[i];
	}
	ret = kmod_create(l->ctx, &kev_map, kr, 2, &l->kev);
	if (!ret)
		ret = kmod_create(l->ctx, &kmod_map, pr, 3, &l->plain);
	if (!ret)
		ret = kev_irqfd(l->ctx, l->kev, KEV_EDGE, l->efd[EDGE], -1, 0);
	if (!ret)
		ret = kev_irqfd(l->ctx, l->kev, KEV_LEVEL, l->efd[LEVEL],
				l->efd[EOI], 0);
	if (!ret)
		ret = kev_notifyfd(l->ctx, l->kev, KEV_DB, l->efd[NOTE], 0);
	if (!ret)
		ret = kev_ioeventfd(l->ctx, l->kev, KEV_DB, l->efd[IO_DB], 5, 0);
	if (!ret)
		ret = kev_ioeventfd(l->ctx, l->kev, KEV_SET_L, l->efd[IO_SET],
				    1, 0);
	if (!ret)
		ret = bind_vm(l->ctx, vm);
	/* Fire everything: some signals are still deferred at the close. */
	if (!ret)
		ret = kev_signal(l->efd[IO_DB], 1);
	if (!ret)
		ret = kev_signal(l->efd[IO_SET], 1);
	if (!ret)
		ret = kev_signal(l->efd[EOI], 1);
	if (!ret && kev_poke(l->ctx, KEV_PIO, KEV_SET_E) != DONE)
		ret = -EPROTO;
	if (!ret && by_hand) {
		ret = kev_irqfd(l->ctx, l->kev, KEV_LEVEL, l->efd[LEVEL], -1,
				KEV_UNBIND);
		if (!ret)
			ret = kev_notifyfd(l->ctx, l->kev, KEV_DB,
					   l->efd[NOTE], KEV_UNBIND);
		if (!ret)
			ret = kev_ioeventfd(l->ctx, l->kev, KEV_DB,
					    l->efd[IO_DB], 5, KEV_UNBIND);
		if (!ret)
			ret = kmod_destroy(l->ctx, l->plain);
		if (!ret)
			ret = kmod_destroy(l->ctx, l->kev);
	}
	return ret;
}

static void end(struct life *l)
{
	int i;

	for (i = 0; i < NR_EFDS; i++)
		if (l->efd[i] >= 0)
			close(l->efd[i]);
	if (l->ctx >= 0)
		close(l->ctx);
}

static int lives(struct minivm *vm, int from, int to, int *failed_at)
{
	struct life l;
	int i, ret;

	for (i = from; i < to; i++) {
		memset(&l, 0xff, sizeof(l));
		ret = live(&l, vm, i % BY_HAND == 0);
		end(&l);
		if (ret) {
			*failed_at = i;
			return ret;
		}
	}
	return 0;
}

/*
 * Wait for the counts to come back to start and for the slab to stop
 * shrinking (kvfree_rcu() and deferred work free a little later).
 */
static int settle(const long *start, long *now, struct slab *slab)
{
	long long prev;
	int s, quiet = 0, ret;

	ret = slab_read(slab);
	for (s = 0; s < SETTLE_S && !ret; s++) {
		objects(now);
		prev = slab->total;
		sleep(1);
		ret = slab_read(slab);
		quiet = slab->total >= prev ? quiet + 1 : 0;
		if (objects_equal(start, now) && quiet == SETTLE_QUIET_S)
			break;
	}
	return ret;
}

/* Only for the timeout: the harness's default of 30 s is too short. */
FIXTURE(leak) {
	int unused;
};

FIXTURE_SETUP(leak)
{
}

FIXTURE_TEARDOWN(leak)
{
}

TEST_F_TIMEOUT(leak, ten_thousand_lives, 180)
{
	static struct slab slab0, slab1;
	long start[NR_KINDS], now[NR_KINDS];
	long long by;
	struct minivm vm;
	int failed_at = -1, ret;
	unsigned int i;

	if (access(KMOD_NODE, F_OK))
		SKIP(return, KMOD_NODE " absent: vmdev.ko not loaded");
	if (kmod_objects("contexts") < 0)
		SKIP(return, KMOD_OBJECTS " absent: no debugfs");
	GUEST_REQUIRE_KVM(minivm_usable());
	ASSERT_EQ(0, minivm_create(&vm, NULL));
	objects(start);
	ASSERT_EQ(0, lives(&vm, 0, WARMUP, &failed_at)) {
		TH_LOG("life %d", failed_at);
	}
	ASSERT_EQ(0, settle(start, now, &slab0));
	ret = lives(&vm, WARMUP, LIVES, &failed_at);
	ASSERT_EQ(0, ret) {
		TH_LOG("life %d: %s", failed_at, strerror(-ret));
	}
	ASSERT_EQ(0, settle(start, now, &slab1));
	for (i = 0; i < NR_KINDS; i++) {
		EXPECT_EQ(start[i], now[i]) {
			TH_LOG("%s: %ld before, %ld after %d lives", kinds[i],
			       start[i], now[i], LIVES);
		}
	}
	i = slab_grew_most(&slab0, &slab1, &by);
	TH_LOG("slab: %lld bytes before, %lld after %d lives (%+lld; most: %s %+lld)",
	       slab0.total, slab1.total, LIVES - WARMUP,
	       slab1.total - slab0.total, slab1.cache[i].name, by);
	EXPECT_GT(slab0.total + SLAB_SLACK, slab1.total);
	minivm_destroy(&vm);
}

TEST_HARNESS_MAIN
