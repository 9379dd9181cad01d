// SPDX-License-Identifier: GPL-2.0
/*
 * The runner thread of a worker: its VM's vCPU, running the fuzz guest
 * (tests/fuzz/guest.S), inside VMDEV_RUN as much as it can. The guest's
 * accesses hit the devices the other threads create and destroy on the
 * same context; what the devices do not complete comes back here and is
 * completed as a VMM would (reads get random data).
 *
 * Every thread has a periodic timer of its own (SIGEV_THREAD_ID) whose
 * signal takes a vCPU out of the guest (KVM_RUN returns EINTR) and sets
 * immediate_exit of the run page the thread guards, so a call that was
 * about to enter returns at once too. The runner is kicked every 10 ms,
 * as a VMM interrupts a vCPU; when the run is over, the next tick ends
 * its last VMDEV_RUN. No thread can stay in a guest longer than a tick.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "guest.h"

#define FZ_TICK_SIGNAL	SIGUSR1

/* glibc names the SIGEV_THREAD_ID target only from 2.39 on. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

extern const unsigned char fz_guest[];
extern const size_t fz_guest_size;

static _Thread_local struct kvm_run *volatile kick_target;

static void on_tick(int sig)
{
	(void)sig;
	if (kick_target)
		kick_target->immediate_exit = 1;
}

/* The tick handler, for the whole process; SA_RESTART for the rest. */
int fz_ticks_install(void)
{
	struct sigaction sa = { .sa_handler = on_tick, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	return sigaction(FZ_TICK_SIGNAL, &sa, NULL);
}

int fz_tick_start(struct fz_thread *t, unsigned int period_us, void **timer)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = FZ_TICK_SIGNAL,
	};
	struct itimerspec its = {
		.it_value.tv_nsec = period_us * 1000L,
		.it_interval.tv_nsec = period_us * 1000L,
	};
	timer_t tm;

	(void)t;
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &tm))
		return -1;
	if (timer_settime(tm, 0, &its, NULL)) {
		timer_delete(tm);
		return -1;
	}
	*timer = tm;
	return 0;
}

void fz_tick_stop(void *timer)
{
	if (timer)
		timer_delete((timer_t)timer);
	kick_target = NULL;
}

void fz_guard(struct fz_thread *t, struct kvm_run *run)
{
	t->kick_target = run;
	kick_target = run;
}

/*
 * The guest's windows: the arenas where devices are, four times as
 * likely as the rest: a stretch of each space where no device is made
 * (the slow path).
 */
static void guest_params(struct fz_proc *p, uint64_t seed)
{
	struct fz_guest_params *g = minivm_gpa(&p->vm, GUEST_PARAM_ADDR,
					       sizeof(*g));
	static const struct fz_guest_win wins[] = {
		{ VMDEV_SPACE_PIO, 0, FZ_PIO_ARENA, FZ_PIO_ARENA_LEN },
		{ VMDEV_SPACE_PIO, 0, FZ_PIO_ARENA, FZ_PIO_ARENA_LEN },
		{ VMDEV_SPACE_PIO, 0, FZ_PIO_ARENA, FZ_PIO_ARENA_LEN },
		{ VMDEV_SPACE_PIO, 0, FZ_PIO_ARENA, FZ_PIO_ARENA_LEN },
		{ VMDEV_SPACE_MMIO, 0, FZ_MMIO_ARENA, FZ_MMIO_ARENA_LEN },
		{ VMDEV_SPACE_MMIO, 0, FZ_MMIO_ARENA, FZ_MMIO_ARENA_LEN },
		{ VMDEV_SPACE_MMIO, 0, FZ_MMIO_ARENA, FZ_MMIO_ARENA_LEN },
		{ VMDEV_SPACE_MMIO, 0, FZ_MMIO_ARENA, FZ_MMIO_ARENA_LEN },
		{ VMDEV_SPACE_PIO, 0, 0x3000, 0x100 },
		{ VMDEV_SPACE_MMIO, 0, 0xd0000000, 0x1000 },
	};

	memset(g, 0, sizeof(*g));
	g->seed = seed | 1;
	g->nr_win = sizeof(wins) / sizeof(wins[0]);
	memcpy(g->win, wins, sizeof(wins));
}

static int load_guest(struct fz_proc *p, uint64_t seed)
{
	struct guest_image img = { fz_guest, fz_guest_size };
	int ret;

	ret = minivm_load(&p->vm, img, MINIVM_LONG64);
	if (!ret)
		guest_params(p, seed);
	return ret;
}

static void *map_vcpu(struct fz_proc *p, size_t len, int prot, int flags,
		      off_t off)
{
	void *m = mmap(NULL, len, prot, flags, p->vm.vcpu_fd, off);

	return m == MAP_FAILED ? NULL : m;
}

/*
 * The VM, and the vCPU mapped every way VMDEV_RUN must refuse or take:
 * a second shared mapping (right, and replaced now and then), read-only,
 * private, from its second page, and longer than the vCPU's pages.
 * Without a usable /dev/kvm there is no runner; the rest still runs.
 */
int fz_runner_setup(struct fz_proc *p)
{
	struct minivm_opts opts = { .irqchip = true };
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	int ret;

	if (minivm_usable())
		return 0;
	ret = minivm_create(&p->vm, &opts);
	if (ret)
		return ret;
	p->run_alias = map_vcpu(p, p->vm.run_size, PROT_READ | PROT_WRITE,
				MAP_SHARED, 0);
	p->run_ro = map_vcpu(p, p->vm.run_size, PROT_READ, MAP_SHARED, 0);
	p->run_priv = map_vcpu(p, p->vm.run_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE, 0);
	p->run_pio = map_vcpu(p, pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			      (off_t)pg);
	p->run_big = map_vcpu(p, 3 * p->vm.run_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, 0);
	if (!p->run_alias)
		return -errno;
	ret = load_guest(p, fz_cfg->seed + p->index);
	if (ret)
		return ret;
	p->have_vm = true;
	return 0;
}

/*
 * The slow path, as a VMM without the run loop would take it: the access
 * goes to VMDEV_ACCESS first, and what no device completes there is
 * completed here (writes taken, reads answered at random). Exits the run
 * loop left that VMDEV_ACCESS then completes are counted: a device came
 * in between, or the loop missed one.
 */
static int slow_io(void *opaque, struct minivm_io *io)
{
	struct fz_thread *t = opaque;
	struct vmdev_access a = {
		.addr = io->addr, .data = io->data, .space = io->space,
		.len = (uint8_t)io->len, .dir = io->write,
	};

	struct fz_guest_stats *g = &fz_sh->guest;

	if (ioctl(t->proc->ctx, VMDEV_ACCESS, &a)) {
		__atomic_fetch_add(&g->replay_misfit, 1, __ATOMIC_RELAXED);
	} else if (a.result == VMDEV_RESULT_DONE) {
		__atomic_fetch_add(&g->replayed, 1, __ATOMIC_RELAXED);
		io->data = a.data;
		return 0;
	} else {
		__atomic_fetch_add(&g->replay_slow, 1, __ATOMIC_RELAXED);
	}
	if (!io->write)
		io->data = fz_u64(&t->rng);
	return 0;
}

static bool is_guest_exit(const struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_IO &&
	       run->io.direction == KVM_EXIT_IO_OUT &&
	       run->io.port == GUEST_PORT_EXIT;
}

/* Add the guest's new iterations to the total. */
static void count_iters(struct fz_proc *p, uint64_t *last)
{
	const struct fz_guest_params *g =
		minivm_gpa(&p->vm, GUEST_PARAM_ADDR, sizeof(*g));
	uint64_t now = __atomic_load_n(&g->iters, __ATOMIC_RELAXED);

	if (now >= *last)
		__atomic_fetch_add(&fz_sh->guest.guest_iters, now - *last,
				   __ATOMIC_RELAXED);
	*last = now;
}

/*
 * Put the guest back at its start. KVM may still be in the middle of an
 * instruction (a string PIO, an MMIO access it emulates): the exit the
 * runner saw was not what it looked like (another thread overwrote the
 * reason), or another thread ran the vCPU since. New registers under a
 * pending instruction make KVM finish it with them: a rep outs with
 * rcx 0 counts down from 2^64, and the guest is lost to it. So first let
 * KVM finish what it has, without entering the guest (immediate_exit:
 * KVM_RUN returns EINTR once nothing is pending), with no other thread
 * running the vCPU meanwhile (vcpu_lock).
 */
static void reload(struct fz_thread *t, uint64_t *last)
{
	struct fz_proc *p = t->proc;
	int i;

	count_iters(p, last);
	pthread_rwlock_wrlock(&p->vcpu_lock);
	p->vm.run->immediate_exit = 1;
	for (i = 0; i < 64 && !ioctl(p->vm.vcpu_fd, KVM_RUN, 0); i++) {
		if (p->vm.run->exit_reason == KVM_EXIT_IO ||
		    p->vm.run->exit_reason == KVM_EXIT_MMIO)
			minivm_complete_io(&p->vm, slow_io, t);
	}
	p->vm.run->immediate_exit = 0;
	if (load_guest(p, fz_u64(&t->rng)))
		fz_violation("proc %u: cannot reload the guest", p->index);
	pthread_rwlock_unlock(&p->vcpu_lock);
	*last = 0;
	__atomic_fetch_add(&fz_sh->guest.reloads, 1, __ATOMIC_RELAXED);
}

/*
 * A runner's call that took over a second: a tick should have ended it
 * within 10 ms. Counted, and the longest described, to tell a loop that
 * spins on exits (many completed) from one that waits (none).
 */
static void slow_run(uint64_t ns, uint64_t exits, long ret)
{
	struct fz_guest_stats *g = &fz_sh->guest;

	if (ns < 1000000000ULL)
		return;
	__atomic_fetch_add(&g->slow_runs, 1, __ATOMIC_RELAXED);
	if (ns > g->slow_run_ns) {
		g->slow_run_ns = ns;
		g->slow_run_exits = exits;
		g->slow_run_ret = (int)ret;
	}
}

/*
 * One VMDEV_RUN of the runner: mostly on the process's context through
 * the vCPU's own mapping; sometimes through the second mapping (which
 * another thread may be replacing), on the shared context (bound to
 * another process's VM: EXDEV, unless this one bound it) or on a context
 * opened for this one call.
 */
static long run_once(struct fz_thread *t, uint64_t *exits)
{
	static const struct fz_out outs[] = {
		{ offsetof(struct vmdev_run, exits), 8, true },
	};
	struct fz_proc *p = t->proc;
	struct vmdev_run r = {
		.size = sizeof(r), .vcpu_fd = p->vm.vcpu_fd,
		.kvm_run = (uintptr_t)p->vm.run, .exits = ~0ULL,
	};
	struct fz_call c = {
		.ioc = FZ_RUN, .cmd = VMDEV_RUN, .outs = outs, .nr_outs = 1,
		.checked = true,
	};
	int ctx = p->ctx, tmp = -1;
	unsigned int x = fz_below(&t->rng, 100);
	uint64_t start;
	size_t len;
	long ret;

	if (x < 3)
		ctx = p->shared_ctx;
	else if (x < 5 && (tmp = open("/dev/vmdev", O_RDWR | O_CLOEXEC)) >= 0)
		ctx = tmp;
	if (fz_chance(&t->rng, 15))
		r.kvm_run = (uintptr_t)__atomic_load_n(&p->run_alias,
							__ATOMIC_RELAXED);
	c.cmd = fz_cmd_bits(t, c.cmd);
	c.arg = fz_place(t, &r, sizeof(r), FZ_AT_BUF, &len);
	c.len = len;
	p->vm.run->immediate_exit = 0;
	start = fz_now_ns();
	ret = fz_ioctl(t, ctx, &c);
	memcpy(&r, c.arg, sizeof(r));
	*exits = r.exits == ~0ULL ? 0 : r.exits;
	slow_run(fz_now_ns() - start, *exits, ret);
	if (tmp >= 0)
		close(tmp);
	return ret;
}

static void print_exit(struct fz_thread *t, uint64_t exits)
{
	const struct kvm_run *run = t->proc->vm.run;

	if (run->exit_reason == KVM_EXIT_IO)
		printf("# proc %u exit: %s port %#x size %u count %u (%llu "
		       "completed before)\n", t->proc->index,
		       run->io.direction ? "out" : "in", run->io.port,
		       run->io.size, run->io.count, (unsigned long long)exits);
	else
		printf("# proc %u exit: mmio %s %#llx len %u (%llu completed "
		       "before)\n", t->proc->index,
		       run->mmio.is_write ? "write" : "read",
		       (unsigned long long)run->mmio.phys_addr, run->mmio.len,
		       (unsigned long long)exits);
}

void fz_runner(struct fz_thread *t)
{
	struct fz_proc *p = t->proc;
	struct fz_guest_stats *gs = &fz_sh->guest;
	uint64_t exits, last = 0, runs = 0;
	long ret;

	fz_guard(t, p->vm.run);
	while (!fz_stopping()) {
		fz_beat(t, "VMDEV_RUN");
		ret = run_once(t, &exits);
		__atomic_fetch_add(&gs->runs, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&gs->kernel_exits, exits, __ATOMIC_RELAXED);
		if (++runs % 64 == 0)
			count_iters(p, &last);
		if (ret)
			continue;	/* EINTR: a tick; or a refused call */
		if (is_guest_exit(p->vm.run)) {
			reload(t, &last);
		} else if (p->vm.run->exit_reason == KVM_EXIT_IO ||
			   p->vm.run->exit_reason == KVM_EXIT_MMIO) {
			if (fz_cfg->verbose && runs < 200)
				print_exit(t, exits);
			/* -EPROTO when another thread scribbled the exit. */
			minivm_complete_io(&p->vm, slow_io, t);
			__atomic_fetch_add(&gs->user_exits, 1, __ATOMIC_RELAXED);
		} else {
			uint32_t why = p->vm.run->exit_reason;

			__atomic_fetch_add(&gs->other_exits, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&gs->reasons[why < 63 ? why : 63], 1,
					   __ATOMIC_RELAXED);
			reload(t, &last);
		}
	}
	count_iters(p, &last);
	fz_guard(t, NULL);
}
