/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the run-loop tests (tests/kmod/kmod_run*.c) share: a VMM loop
 * over VMDEV_RUN (level 1 of the fast path) for the test guests of
 * tests/guest, the way a VMM uses it: VMDEV_RUN until an exit it does
 * not complete, then that exit handled in userspace (through a
 * minivm_io_fn) and the guest resumed, until the guest writes its result
 * to GUEST_PORT_EXIT. A per-thread deadline bounds every run.
 *
 * Included after kselftest_harness.h.
 */
#ifndef VMDEV_TESTS_KMOD_RUN_H
#define VMDEV_TESTS_KMOD_RUN_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kmod_util.h"
#include "guest_test.h"
#include "minivm.h"

/*
 * The deadline's signal sets immediate_exit of the run page it guards,
 * so it ends the run wherever it lands (minivm's own deadline does the
 * same with SIGALRM). KRUN_KICK_SIGNAL is for tests that interrupt a run
 * on purpose: its handler does nothing, and neither has SA_RESTART.
 */
#define KRUN_DEADLINE_SIGNAL	SIGUSR2
#define KRUN_KICK_SIGNAL	SIGUSR1
#define KRUN_TIMEOUT_MS		60000

/* glibc names the SIGEV_THREAD_ID target only from 2.39 on. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

/* The run page this thread's deadline guards, and whether it expired. */
static _Thread_local struct kvm_run *krun_guarded;
static _Thread_local volatile sig_atomic_t krun_expired;

static inline void krun_on_deadline(int sig)
{
	(void)sig;
	krun_expired = 1;
	if (krun_guarded)
		krun_guarded->immediate_exit = 1;
}

static inline void krun_on_kick(int sig)
{
	(void)sig;
}

/* Install both handlers (per process): 0 or -errno. */
static inline int krun_signals(void)
{
	struct sigaction sa = { .sa_handler = krun_on_deadline };

	sigemptyset(&sa.sa_mask);
	if (sigaction(KRUN_DEADLINE_SIGNAL, &sa, NULL))
		return -errno;
	sa.sa_handler = krun_on_kick;
	return sigaction(KRUN_KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

/* One VMDEV_RUN of vm's vCPU: 0 or -errno; *exits as written back. */
static inline int krun_once(int ctx, struct minivm *vm, uint64_t *exits)
{
	struct vmdev_run r = {
		.size = sizeof(r), .vcpu_fd = vm->vcpu_fd,
		.kvm_run = (uintptr_t)vm->run, .exits = ~0ULL,
	};
	long ret = kmod_ioctl(ctx, VMDEV_RUN, &r);

	if (exits)
		*exits = r.exits;
	return (int)ret;
}

/* The device counters of VMDEV_GET_STATS: 0 or -errno. */
static inline int krun_stats(int ctx, uint32_t id, struct vmdev_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->id = id;
	return (int)kmod_ioctl(ctx, VMDEV_GET_STATS, st);
}

/* A level 1 VMM: one vCPU, one context, a slow path. */
struct krun {
	int ctx;
	struct minivm *vm;
	minivm_io_fn slow;	/* elements of exits that reach userspace */
	void *opaque;
	unsigned int timeout_ms;	/* 0: KRUN_TIMEOUT_MS */
	/* Results of the runs so far. */
	uint64_t calls;		/* VMDEV_RUN calls */
	uint64_t fast_exits;	/* exits VMDEV_RUN completed */
	uint64_t user_exits;	/* PIO/MMIO exits that reached userspace */
	uint64_t slow_ios;	/* their elements, but the guest's exit */
	bool exited;		/* the guest wrote GUEST_PORT_EXIT */
	uint32_t result;	/* what it wrote */
};

static inline void krun_init(struct krun *k, int ctx, struct minivm *vm,
			     minivm_io_fn slow, void *opaque)
{
	memset(k, 0, sizeof(*k));
	k->ctx = ctx;
	k->vm = vm;
	k->slow = slow;
	k->opaque = opaque;
}

/* Userspace's share of an exit: the guest's exit port, or the slow path. */
static inline int krun_user_io(void *opaque, struct minivm_io *io)
{
	struct krun *k = opaque;

	if (io->space == VMDEV_SPACE_PIO && io->write &&
	    io->addr == GUEST_PORT_EXIT) {
		k->exited = true;
		k->result = (uint32_t)io->data;
		return 0;
	}
	k->slow_ios++;
	return k->slow ? k->slow(k->opaque, io) : -ENXIO;
}

static inline int krun_arm(struct krun *k, timer_t *timer)
{
	unsigned int ms = k->timeout_ms ? k->timeout_ms : KRUN_TIMEOUT_MS;
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = KRUN_DEADLINE_SIGNAL,
	};
	struct itimerspec its = {
		.it_value.tv_sec = ms / 1000,
		.it_value.tv_nsec = (ms % 1000) * 1000000L,
	};

	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, timer))
		return -errno;
	krun_expired = 0;
	krun_guarded = k->vm->run;
	if (timer_settime(*timer, 0, &its, NULL)) {
		krun_guarded = NULL;
		timer_delete(*timer);
		return -errno;
	}
	return 0;
}

static inline void krun_disarm(struct krun *k, timer_t timer)
{
	timer_delete(timer);
	krun_guarded = NULL;
	k->vm->run->immediate_exit = 0;
}

/*
 * One step: VMDEV_RUN, then the exit it returned handled in userspace.
 * 0 (go on), 1 (the guest exited), -ETIMEDOUT, -EINTR (a signal other
 * than the deadline, when stop_on_signal), -EIO (an exit other than
 * PIO/MMIO: its reason stays in the run page) or another error.
 */
static inline int krun_step(struct krun *k, bool stop_on_signal)
{
	uint64_t exits;
	int ret;

	k->calls++;
	ret = krun_once(k->ctx, k->vm, &exits);
	if (exits != ~0ULL)
		k->fast_exits += exits;
	if (ret == -EINTR && krun_expired)
		return -ETIMEDOUT;
	if (ret == -EINTR)
		return stop_on_signal ? -EINTR : 0;
	if (ret)
		return ret;
	if (k->vm->run->exit_reason != KVM_EXIT_IO &&
	    k->vm->run->exit_reason != KVM_EXIT_MMIO)
		return -EIO;
	k->user_exits++;
	ret = minivm_complete_io(k->vm, krun_user_io, k);
	if (ret)
		return ret;
	return k->exited ? 1 : 0;
}

/*
 * Run until the guest exits (0, its result in k->result), or an error of
 * krun_step(). With stop_on_signal, a signal ends the run with -EINTR
 * and a later call carries on where it stopped.
 */
static inline int krun_run(struct krun *k, bool stop_on_signal)
{
	timer_t timer;
	int ret;

	ret = krun_arm(k, &timer);
	if (ret)
		return ret;
	k->exited = false;
	do
		ret = krun_step(k, stop_on_signal);
	while (!ret);
	krun_disarm(k, timer);
	return ret == 1 ? 0 : ret;
}

/* Run the loaded guest to its exit; assert it exited with expected. */
#define KRUN_EXPECT(k, expected)					\
	do {								\
		int __ret = krun_run(k, false);				\
		ASSERT_EQ(0, __ret) {					\
			TH_LOG("run: %s, exit %s", strerror(-__ret),	\
			       minivm_exit_name((k)->vm->run->exit_reason)); \
		}							\
		ASSERT_EQ((uint32_t)(expected), (k)->result);		\
	} while (0)

/*
 * What a fixture records in its setup, for the body to skip on: the
 * reason /dev/kvm is not usable, or -ENOENT when vmdev.ko is not loaded
 * (the 6.1 harness runs the body even after a SKIP in FIXTURE_SETUP).
 */
#define KRUN_REQUIRE(kvm_err, ctx)					\
	do {								\
		GUEST_REQUIRE_KVM(kvm_err);				\
		if ((ctx) == -ENOENT)					\
			SKIP(return, KMOD_NODE " absent: vmdev.ko not loaded"); \
	} while (0)

/*
 * Open a context and check KVM for a fixture: *ctx is the context or
 * -ENOENT, *kvm_err minivm_usable()'s verdict. Other failures are
 * failures. Installs the signal handlers.
 */
#define KRUN_SETUP(ctx, kvm_err)					\
	do {								\
		(ctx) = kmod_open();					\
		ASSERT_TRUE((ctx) >= 0 || (ctx) == -ENOENT) {		\
			TH_LOG("open " KMOD_NODE ": %s", strerror(-(ctx))); \
		}							\
		(kvm_err) = minivm_usable();				\
		ASSERT_EQ(0, krun_signals());				\
	} while (0)

#endif /* VMDEV_TESTS_KMOD_RUN_H */
