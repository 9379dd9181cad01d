/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the race tests (tests/kmod/kmod_race_*.c) share: the race guest
 * (tests/guest/race.S) on KRACE_VCPUS vCPUs of one KVM VM, each vCPU run
 * by a thread of its own through VMDEV_RUN, for a bounded time, while
 * the test's main thread changes what the guest accesses under it.
 *
 * What reaches userspace is sorted by address: the guest's exit port;
 * "gone" zones, where a device may be missing (reads are answered all
 * ones, which the guest counts as gone); "bounce" zones, which nothing
 * maps on purpose so that the vCPU comes back to userspace once a round
 * (reads are answered bounce_value); and anything else, a "stray": an
 * access that should have been completed in the kernel and was not.
 *
 * The context a vCPU runs through is taken afresh for every VMDEV_RUN
 * from its slot (generation and descriptor), so that a test can swap
 * contexts under running vCPUs; a generation is closed once closed_gen
 * reaches it. A run that started on a generation and returned after
 * that generation was closed "outlived" its context.
 *
 * Every vCPU thread has a deadline (a per-thread timer whose signal sets
 * immediate_exit, as in kmod_run.h); the normal way to stop the guests
 * is RACE_STOP, after which each finishes its round and writes its
 * result to the exit port.
 *
 * Included after kselftest_harness.h.
 */
#ifndef VMDEV_TESTS_KMOD_RACE_H
#define VMDEV_TESTS_KMOD_RACE_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/vmdev.h>

#include "kmod_run.h"
#include "race_dev.h"

#define KRACE_RUN_MS		3000	/* one race */
#define KRACE_DEADLINE_MS	60000	/* a vCPU thread, at most */
#define KRACE_MAX_ZONES		4

static inline uint64_t krace_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static inline uint64_t krace_mask(uint32_t len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

struct krace_zone {
	uint8_t space;
	uint64_t base;
	uint64_t len;
};

struct krace;

/* One vCPU thread. Its counters are its own until it is joined. */
struct krace_vcpu {
	struct krace *r;
	unsigned int index;
	pthread_t tid;
	bool started;
	int ret;		/* 0 once the guest exited, else -errno */
	bool exited;
	bool stopped;		/* the thread is done, locked */
	uint32_t result;	/* what the guest wrote to its exit port */
	uint32_t seen_gen;	/* the generation of its latest run, locked */
	uint64_t runs;		/* VMDEV_RUN calls */
	uint64_t kernel_exits;	/* exits they completed (vmdev_run.exits) */
	uint64_t user_exits;	/* PIO/MMIO exits that reached userspace */
	uint64_t gone_reads;
	uint64_t gone_writes;
	uint64_t bounces;
	uint64_t strays;
	struct minivm_io first_stray;
	uint64_t lost_fd;	/* runs refused: the descriptor was closed */
	uint64_t outlived;	/* runs that outlived their context's close */
};

struct krace {
	struct minivm vm;
	bool vm_made;
	struct guest_race_params *p;
	/* Per vCPU: generation << 32 | descriptor of the context to use. */
	_Atomic uint64_t slot[KRACE_VCPUS];
	atomic_uint closed_gen;
	/*
	 * vCPU threads tell the main thread when they take a new generation
	 * or stop: waiting on a timer instead would interrupt the nested
	 * guest of the CPU it runs on at every tick.
	 */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* VMDEV_RUN may meet a closed descriptor (EBADF): take the slot again. */
	bool fd_may_go;
	struct krace_zone gone[KRACE_MAX_ZONES];
	unsigned int nr_gone;
	struct krace_zone bounce[KRACE_MAX_ZONES];
	unsigned int nr_bounce;
	uint64_t bounce_value;
	struct krace_vcpu v[KRACE_VCPUS];
};

/* The stable device at pio and mmio: 0 or -errno. */
static inline int krace_stable_create(int ctx, uint16_t pio, uint64_t mmio,
				      uint32_t *id)
{
	struct vmdev_range r[2] = {
		kmod_range(PIO, pio, KRACE_S_WINDOW),
		kmod_range(MMIO, mmio, KRACE_S_WINDOW),
	};

	return kmod_create(ctx, &krace_s_map, r, 2, id);
}

/* Every vCPU uses descriptor fd, of generation gen, from now on. */
static inline void krace_use(struct krace *r, uint32_t gen, int fd)
{
	unsigned int i;

	for (i = 0; i < KRACE_VCPUS; i++)
		atomic_store(&r->slot[i], (uint64_t)gen << 32 | (uint32_t)fd);
}

static inline void krace_use_vcpu(struct krace *r, unsigned int i,
				  uint32_t gen, int fd)
{
	atomic_store(&r->slot[i], (uint64_t)gen << 32 | (uint32_t)fd);
}

/*
 * The VM with its vCPUs and the race guest loaded (once minivm_usable()
 * said KVM is there): 0 or -errno. The table is the caller's to fill.
 * *r may be zeroed memory that never went through here: krace_fini()
 * takes it.
 */
static inline int krace_init(struct krace *r)
{
	struct minivm_opts o = { .nr_vcpus = KRACE_VCPUS };
	unsigned int i;
	int ret;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < KRACE_VCPUS; i++) {
		r->v[i].r = r;
		r->v[i].index = i;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	ret = krun_signals();
	if (!ret)
		ret = minivm_create(&r->vm, &o);
	if (ret)
		return ret;
	r->vm_made = true;
	ret = minivm_load(&r->vm, GUEST_IMAGE(race), MINIVM_LONG64);
	if (ret)
		return ret;
	r->p = minivm_gpa(&r->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	return r->p ? 0 : -EFAULT;
}

static inline void krace_zone_add(struct krace_zone *z, unsigned int *nr,
				  uint8_t space, uint64_t base, uint64_t len)
{
	z[(*nr)++] = (struct krace_zone){
		.space = space, .base = base, .len = len,
	};
}

static inline bool krace_in(const struct krace_zone *z, unsigned int nr,
			    const struct minivm_io *io)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (z[i].space == io->space && io->addr - z[i].base < z[i].len)
			return true;
	return false;
}

/* The VMM's side of an exit: sort it (see the top of this file). */
static inline int krace_io(void *opaque, struct minivm_io *io)
{
	struct krace_vcpu *v = opaque;
	struct krace *r = v->r;

	if (io->space == VMDEV_SPACE_PIO && io->write &&
	    io->addr == GUEST_PORT_EXIT) {
		v->exited = true;
		v->result = (uint32_t)io->data;
		return 0;
	}
	v->user_exits++;
	if (krace_in(r->gone, r->nr_gone, io)) {
		if (io->write) {
			v->gone_writes++;
		} else {
			v->gone_reads++;
			io->data = krace_mask(io->len);
		}
	} else if (krace_in(r->bounce, r->nr_bounce, io)) {
		v->bounces++;
		if (!io->write)
			io->data = r->bounce_value & krace_mask(io->len);
	} else {
		if (!v->strays++)
			v->first_stray = *io;
		if (!io->write)
			io->data = 0;
	}
	return 0;
}

/*
 * One VMDEV_RUN through the vCPU's slot, then its exit handled here:
 * 0 (go on), -ETIMEDOUT, -EIO (an exit other than PIO or MMIO), or
 * another error.
 */
static inline int krace_step(struct krace_vcpu *v)
{
	struct krace *r = v->r;
	struct minivm_vcpu *mv = &r->vm.vcpus[v->index];
	uint64_t s = atomic_load(&r->slot[v->index]);
	uint32_t gen = s >> 32;
	struct vmdev_run run = {
		.size = sizeof(run), .vcpu_fd = mv->fd,
		.kvm_run = (uintptr_t)mv->run,
	};
	long ret;

	if (gen != v->seen_gen) {
		pthread_mutex_lock(&r->lock);
		v->seen_gen = gen;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
	}
	v->runs++;
	ret = kmod_ioctl((int)(uint32_t)s, VMDEV_RUN, &run);
	if (!ret || ret == -EINTR) {
		v->kernel_exits += run.exits;
		if (gen && gen <= atomic_load(&r->closed_gen))
			v->outlived++;
	}
	if (ret == -EINTR)
		return krun_expired ? -ETIMEDOUT : 0;
	if ((ret == -EBADF || ret == -ENOTTY) && r->fd_may_go) {
		v->lost_fd++;
		return 0;
	}
	if (ret)
		return (int)ret;
	if (mv->run->exit_reason != KVM_EXIT_IO &&
	    mv->run->exit_reason != KVM_EXIT_MMIO)
		return -EIO;
	return minivm_complete_vcpu_io(&r->vm, v->index, krace_io, v);
}

static inline void *krace_vcpu_main(void *arg)
{
	struct krace_vcpu *v = arg;
	struct kvm_run *run = v->r->vm.vcpus[v->index].run;
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = KRUN_DEADLINE_SIGNAL,
	};
	struct itimerspec its = {
		.it_value.tv_sec = KRACE_DEADLINE_MS / 1000,
	};
	timer_t timer;

	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer)) {
		v->ret = -errno;
		return NULL;
	}
	krun_expired = 0;
	krun_guarded = run;
	if (timer_settime(timer, 0, &its, NULL))
		v->ret = -errno;
	while (!v->ret && !v->exited)
		v->ret = krace_step(v);
	timer_delete(timer);
	krun_guarded = NULL;
	run->immediate_exit = 0;
	pthread_mutex_lock(&v->r->lock);
	v->stopped = true;
	pthread_cond_broadcast(&v->r->changed);
	pthread_mutex_unlock(&v->r->lock);
	return NULL;
}

/* Start every vCPU thread: 0 or -errno. */
static inline int krace_start(struct krace *r)
{
	unsigned int i;
	int ret;

	for (i = 0; i < KRACE_VCPUS; i++) {
		ret = pthread_create(&r->v[i].tid, NULL, krace_vcpu_main,
				     &r->v[i]);
		if (ret)
			return -ret;
		r->v[i].started = true;
	}
	return 0;
}

/* Every vCPU thread is still running its guest. */
static inline bool krace_running(struct krace *r)
{
	bool running = true;
	unsigned int i;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < KRACE_VCPUS; i++)
		running = running && r->v[i].started && !r->v[i].stopped;
	pthread_mutex_unlock(&r->lock);
	return running;
}

/*
 * Until every vCPU has taken generation gen from its slot: true, or
 * false if one stopped or ms passed.
 */
static inline bool krace_wait_gen(struct krace *r, uint32_t gen,
				  unsigned int ms)
{
	struct timespec end;
	unsigned int i;
	bool ok = true;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += ms % 1000 * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	for (i = 0; ok && i < KRACE_VCPUS; i++) {
		while (ok && r->v[i].seen_gen < gen) {
			if (r->v[i].stopped)
				ok = false;
			else if (pthread_cond_timedwait(&r->changed, &r->lock,
							&end))
				ok = false;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return ok;
}

/* Tell the guests to stop, and join the threads (each has a deadline). */
static inline void krace_stop(struct krace *r)
{
	unsigned int i;

	__atomic_store_n(&r->p->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < KRACE_VCPUS; i++) {
		if (r->v[i].started)
			pthread_join(r->v[i].tid, NULL);
		r->v[i].started = false;
	}
}

/* For the teardown: stop what runs, free the VM. */
static inline void krace_fini(struct krace *r)
{
	if (r->p)
		krace_stop(r);
	if (r->vm_made)
		minivm_destroy(&r->vm);
	r->vm_made = false;
}

/* A counter of the guest's, summed over the vCPUs. */
#define KRACE_GUEST_SUM(r, field) ({					\
	uint64_t __sum = 0;						\
	unsigned int __i;						\
	for (__i = 0; __i < KRACE_VCPUS; __i++)				\
		__sum += (r)->p->vcpu[__i].field;			\
	__sum;								\
})

/* A counter of the vCPU threads', summed. */
#define KRACE_VMM_SUM(r, field) ({					\
	uint64_t __sum = 0;						\
	unsigned int __i;						\
	for (__i = 0; __i < KRACE_VCPUS; __i++)				\
		__sum += (r)->v[__i].field;				\
	__sum;								\
})

/*
 * What every race asserts once the threads are joined: each guest ran
 * and exited with GUEST_PASS (no bad read, no stale marker), nothing
 * reached userspace that the kernel should have completed, and every
 * read the VMM answered "gone" was counted so by the guest.
 */
#define KRACE_ASSERT_CLEAN(r) do {					\
	unsigned int __i;						\
	for (__i = 0; __i < KRACE_VCPUS; __i++) {			\
		struct krace_vcpu *__v = &(r)->v[__i];			\
		struct guest_race_vcpu *__g = &(r)->p->vcpu[__i];	\
		EXPECT_EQ(0, __v->ret) {				\
			TH_LOG("vCPU %u: %s, exit %s", __i,		\
			       strerror(-__v->ret),			\
			       minivm_exit_name((r)->vm.vcpus[__i].run->exit_reason)); \
		}							\
		EXPECT_EQ((uint32_t)GUEST_PASS, __v->result) {	\
			TH_LOG("vCPU %u: %#x, first bad entry %u read " \
			       "%#llx (dead %u)", __i, __v->result,	\
			       __g->first_op,				\
			       (unsigned long long)__g->first_value,	\
			       __g->first_dead);			\
		}							\
		EXPECT_EQ(0U, __g->bad);				\
		EXPECT_EQ(0U, __g->stale);				\
		EXPECT_LT(0U, __g->rounds);				\
		EXPECT_EQ(0U, __v->strays) {				\
			TH_LOG("vCPU %u: first stray %s %s %#llx len %u", \
			       __i, __v->first_stray.space ? "MMIO" : "PIO", \
			       __v->first_stray.write ? "write" : "read", \
			       (unsigned long long)__v->first_stray.addr, \
			       __v->first_stray.len);			\
		}							\
	}								\
	EXPECT_EQ(KRACE_GUEST_SUM(r, gone), KRACE_VMM_SUM(r, gone_reads)); \
} while (0)

/*
 * Exits completed, in the kernel and in userspace: every access the
 * guests made that KVM did not complete itself (an ioeventfd), once.
 */
#define KRACE_EXITS(r)							\
	(KRACE_VMM_SUM(r, kernel_exits) + KRACE_VMM_SUM(r, user_exits))

/* ---- leaks ------------------------------------------------------------ */

/*
 * What a race may leak, read before and after it: the module's reference
 * count (one per open context file) and its live objects (debugfs
 * vmdev/objects, kmod_objects()).
 */
struct krace_census {
	int refs;
	long contexts, devices, sinks, sources, vms;
};

static inline struct krace_census krace_census(void)
{
	return (struct krace_census){
		.refs = kmod_module_refs("vmdev"),
		.contexts = kmod_objects("contexts"),
		.devices = kmod_objects("devices"),
		.sinks = kmod_objects("sinks"),
		.sources = kmod_objects("sources"),
		.vms = kmod_objects("vms"),
	};
}

static inline bool krace_census_equal(const struct krace_census *a,
				      const struct krace_census *b)
{
	return a->refs == b->refs && a->contexts == b->contexts &&
	       a->devices == b->devices && a->sinks == b->sinks &&
	       a->sources == b->sources && a->vms == b->vms;
}

/*
 * Wait until the census is back to `before` (a file's last reference
 * may go from a work item, a little after the close): true, or false
 * after ms with *now the last census read.
 */
static inline bool krace_census_settles(const struct krace_census *before,
					struct krace_census *now,
					unsigned int ms)
{
	uint64_t end = krace_now_ms() + ms;

	for (;;) {
		*now = krace_census();
		if (krace_census_equal(before, now))
			return true;
		if (krace_now_ms() > end)
			return false;
		usleep(10000);
	}
}

#define KRACE_ASSERT_NO_LEAK(before) do {				\
	struct krace_census __now;					\
	EXPECT_TRUE(krace_census_settles(before, &__now, 5000)) {	\
		TH_LOG("module refs %d -> %d, contexts %ld -> %ld, "	\
		       "devices %ld -> %ld, sinks %ld -> %ld, "		\
		       "sources %ld -> %ld, vms %ld -> %ld",		\
		       (before)->refs, __now.refs, (before)->contexts,	\
		       __now.contexts, (before)->devices, __now.devices, \
		       (before)->sinks, __now.sinks, (before)->sources,	\
		       __now.sources, (before)->vms, __now.vms);	\
	}								\
} while (0)

#endif /* VMDEV_TESTS_KMOD_RACE_H */
