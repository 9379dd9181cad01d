// SPDX-License-Identifier: GPL-2.0
/*
 * The context closed while vCPUs run in it. Two vCPUs of one VM run the
 * race guest through VMDEV_RUN on the stable device of a context; once
 * a round each comes back to userspace (a port nothing maps) and takes
 * the context to use next from its slot. The main thread, in a loop,
 * opens a new context with the same device, hands it to the vCPUs and
 * closes every descriptor of the previous one, usually while the vCPUs
 * are still inside VMDEV_RUN on it, or about to enter it with the
 * descriptor just closed:
 *
 *   close  one descriptor per context;
 *   dup    the vCPUs run through two different descriptors of it (dup),
 *          and a third one is held, all closed in turn;
 *   fork   a child process inherits the descriptors, reads the device
 *          through VMDEV_ACCESS for a while and exits, before or after
 *          the parent closed its own, so that the last reference goes
 *          with the child, with the parent's close, or with the last
 *          VMDEV_RUN.
 *
 * Asserted: a run that began on a context completed every access of the
 * guest in the kernel even after the context's last descriptor was
 * closed (no access ever reached userspace but the bounces, and every
 * read was right); a VMDEV_RUN on a closed descriptor fails cleanly;
 * the context is freed with its last reference: afterwards the module's
 * reference count and its live contexts and devices are back where they
 * started.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "kmod_race.h"

#define S_PIO		0x6000
#define S_MMIO		0xd0000000ULL
#define BOUNCE_PORT	0x6200		/* nothing maps it */
#define BOUNCE_VALUE	0x0b0c0e0dU
#define NR_FDS		3
#define MAX_CHILDREN	4096

enum how { CLOSE, DUP, FORK };

FIXTURE(race_close) {
	int kvm_err, ctx0;
	struct krace r;
	struct krace_census before;
	int fd[2][NR_FDS];	/* this generation's and the previous one's */
	pid_t child[MAX_CHILDREN];
	unsigned int nr_children, bad_children;
};

FIXTURE_VARIANT(race_close) {
	enum how how;
};

FIXTURE_VARIANT_ADD(race_close, close) { .how = CLOSE };
FIXTURE_VARIANT_ADD(race_close, dup) { .how = DUP };
FIXTURE_VARIANT_ADD(race_close, fork) { .how = FORK };

static void close_all(int *fd, unsigned int first)
{
	unsigned int i, k;

	for (i = 0; i < NR_FDS; i++) {
		k = (first + i) % NR_FDS;
		if (fd[k] >= 0)
			close(fd[k]);
		fd[k] = -1;
	}
}

FIXTURE_SETUP(race_close)
{
	memset(self->fd, 0xff, sizeof(self->fd));
	self->before = krace_census();
	/* Probe for the module only: the contexts come with the race. */
	KRUN_SETUP(self->ctx0, self->kvm_err);
	if (self->ctx0 >= 0)
		close(self->ctx0);
	if (self->kvm_err || self->ctx0 < 0)
		return;
	ASSERT_EQ(0, krace_init(&self->r));
	self->r.fd_may_go = true;
	self->r.bounce_value = BOUNCE_VALUE;
	krace_zone_add(self->r.bounce, &self->r.nr_bounce, PIO, BOUNCE_PORT,
		       4);
	/* The bounce first: a context changes between rounds only. */
	race_op(self->r.p, RACE_READ, GUEST_SPACE_PIO, 4, BOUNCE_PORT, 0,
		BOUNCE_VALUE);
	krace_stable_ops(self->r.p, S_PIO, S_MMIO, 10);
}

FIXTURE_TEARDOWN(race_close)
{
	unsigned int i;

	krace_fini(&self->r);
	close_all(self->fd[0], 0);
	close_all(self->fd[1], 0);
	for (i = 0; i < self->nr_children; i++)
		waitpid(self->child[i], NULL, 0);
}

/*
 * The child's life: reads of the stable device through the context it
 * inherited, then exit; the status says whether every read was right.
 */
static void child_main(int ctx, uint32_t gen)
{
	unsigned int i, n = gen % 5 * 20;
	uint64_t v;

	for (i = 0; i < n; i++) {
		if (kmod_read(ctx, PIO, S_PIO, 4, &v) != DONE ||
		    v != KRACE_S_CONST32)
			_exit(1);
		if (kmod_read(ctx, MMIO, S_MMIO + KRACE_S_C64_OFF, 8, &v) !=
		    DONE || v != KRACE_S_CONST64)
			_exit(2);
	}
	_exit(0);
}

/* Children that exited: their statuses counted. */
static void reap(FIXTURE_DATA(race_close) *self, bool wait)
{
	unsigned int i;
	int status;

	for (i = 0; i < self->nr_children; i++) {
		if (self->child[i] <= 0)
			continue;
		if (waitpid(self->child[i], &status, wait ? 0 : WNOHANG) <= 0)
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			self->bad_children++;
		self->child[i] = 0;
	}
}

/*
 * Generation gen: a context of its own with the stable device, handed
 * to the vCPUs; the previous generation's descriptors closed while they
 * may still run in it; then, if the vCPUs run, until both took the new
 * one. 0 or -errno.
 */
static int generation(FIXTURE_DATA(race_close) *self, enum how how,
		      uint32_t gen)
{
	bool running = krace_running(&self->r);
	int *fd = self->fd[gen % 2], *prev = self->fd[(gen + 1) % 2];
	uint32_t id;
	pid_t pid;
	int ret;

	fd[0] = kmod_open();
	if (fd[0] < 0)
		return fd[0];
	ret = krace_stable_create(fd[0], S_PIO, S_MMIO, &id);
	if (ret)
		return ret;
	if (how == DUP) {
		fd[1] = dup(fd[0]);
		fd[2] = fcntl(fd[0], F_DUPFD_CLOEXEC, 64);
		if (fd[1] < 0 || fd[2] < 0)
			return -errno;
	}
	if (how == FORK && self->nr_children < MAX_CHILDREN) {
		pid = fork();
		if (pid < 0)
			return -errno;
		if (!pid)
			child_main(fd[0], gen);
		self->child[self->nr_children++] = pid;
	}
	krace_use_vcpu(&self->r, 0, gen, fd[0]);
	krace_use_vcpu(&self->r, 1, gen, how == DUP ? fd[1] : fd[0]);
	/* Now or a little later: inside a run, or between two. */
	usleep(gen % 3 * 150);
	close_all(prev, gen);
	atomic_store(&self->r.closed_gen, gen - 1);
	if (how == FORK)
		reap(self, false);
	/* Nobody holds the closed numbers when they are given again. */
	if (running && !krace_wait_gen(&self->r, gen, 10000))
		return -ETIMEDOUT;
	return 0;
}

TEST_F_TIMEOUT(race_close, close_during_run, 120)
{
	uint64_t end, t0;
	uint32_t gen = 0;
	int ret = 0;

	KRUN_REQUIRE(self->kvm_err, self->ctx0);
	t0 = krace_now_ms();
	ASSERT_EQ(0, generation(self, variant->how, ++gen));
	ASSERT_EQ(0, krace_start(&self->r));
	end = krace_now_ms() + KRACE_RUN_MS;
	while (!ret && krace_now_ms() < end && krace_running(&self->r))
		ret = generation(self, variant->how, ++gen);
	krace_stop(&self->r);
	EXPECT_EQ(0, ret) TH_LOG("generation %u: %s", gen, strerror(-ret));
	close_all(self->fd[0], 0);
	close_all(self->fd[1], 0);
	reap(self, true);

	TH_LOG("%u contexts in %llu ms (%u children); per vCPU: %llu/%llu "
	       "rounds, %llu/%llu runs, %llu/%llu outlived their context, "
	       "%llu/%llu on a closed descriptor",
	       gen, (unsigned long long)(krace_now_ms() - t0),
	       self->nr_children,
	       (unsigned long long)self->r.p->vcpu[0].rounds,
	       (unsigned long long)self->r.p->vcpu[1].rounds,
	       (unsigned long long)self->r.v[0].runs,
	       (unsigned long long)self->r.v[1].runs,
	       (unsigned long long)self->r.v[0].outlived,
	       (unsigned long long)self->r.v[1].outlived,
	       (unsigned long long)self->r.v[0].lost_fd,
	       (unsigned long long)self->r.v[1].lost_fd);
	KRACE_ASSERT_CLEAN(&self->r);
	EXPECT_EQ(KRACE_GUEST_SUM(&self->r, accesses), KRACE_EXITS(&self->r));
	/* One bounce a round, and nothing else reached userspace. */
	EXPECT_EQ(KRACE_GUEST_SUM(&self->r, rounds),
		  KRACE_VMM_SUM(&self->r, bounces));
	EXPECT_LT(2U, gen);
	/* Runs went on in contexts whose last descriptor was closed. */
	EXPECT_LT(0U, KRACE_VMM_SUM(&self->r, outlived));
	if (variant->how == FORK) {
		EXPECT_LT(0U, self->nr_children);
		EXPECT_EQ(0U, self->bad_children);
	}
	KRACE_ASSERT_NO_LEAK(&self->before);
}

TEST_HARNESS_MAIN
