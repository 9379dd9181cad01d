// SPDX-License-Identifier: GPL-2.0
/*
 * A signal ends VMDEV_RUN in the middle of a long string. Each element
 * of a "rep outs" is an exit of its own, completed in the kernel by the
 * run loop; a VMM must still be able to interrupt, and kill, a vCPU
 * thread whose guest moves a string of a million elements (the fuzzer,
 * tests/fuzz, once had guests running away on strings of 2^64). KVM
 * re-enters the guest between the elements and sees the signal there:
 * the run returns -EINTR with exit_reason KVM_EXIT_INTR, the elements
 * done so far are all the device saw, and the next run goes on from
 * there.
 *
 * The guest is tests/guest/strio.S: one rep outsb of LONG bytes to a
 * byte register of a device, which completes every element in the
 * kernel, a run of many seconds under nested TCG.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_run.h"

GUEST_IMAGE_DECLARE(strio);

#define DEV_PORT	0x6200
#define LONG		GUEST_DATA_SIZE	/* 1 MiB of elements */
#define SIGNAL_AFTER_MS	200
#define ANSWER_MS	2000	/* a signal must end the run within */

FIXTURE(intr) {
	int ctx, kvm_err;
	uint32_t id;
	struct minivm vm;
	struct guest_strio_params *p;
};

FIXTURE_SETUP(intr)
{
	self->vm.run = NULL;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, DEV_PORT, KMOD_WINDOW,
				  &self->id));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(strio),
				 MINIVM_PROT32));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	*self->p = (struct guest_strio_params){
		.port = DEV_PORT, .size = 1, .count = LONG, .write = 1,
		.buf = GUEST_DATA_ADDR,
	};
}

FIXTURE_TEARDOWN(intr)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct kicker {
	pthread_t target;
	int sig;
};

static void *kick_later(void *arg)
{
	struct kicker *k = arg;

	usleep(SIGNAL_AFTER_MS * 1000);
	pthread_kill(k->target, k->sig);
	return NULL;
}

/*
 * A signal in the middle of the string: the run ends with -EINTR and
 * KVM_EXIT_INTR well before the string would, the elements done so far
 * are all the device saw, and the next run goes on from there.
 */
TEST_F(intr, signal_ends_a_string)
{
	struct kicker k = { .target = pthread_self(), .sig = KRUN_KICK_SIGNAL };
	struct vmdev_stats st;
	uint64_t exits = 0, more = 0;
	pthread_t thread;
	int64_t t0;
	int ret;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, pthread_create(&thread, NULL, kick_later, &k));
	t0 = now_ms();
	ret = krun_once(self->ctx, &self->vm, &exits);
	EXPECT_GT(SIGNAL_AFTER_MS + ANSWER_MS, now_ms() - t0);
	pthread_join(thread, NULL);
	ASSERT_EQ(-EINTR, ret);
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, self->vm.run->exit_reason);
	EXPECT_LT(0U, exits);
	EXPECT_GT((uint64_t)LONG, exits);
	ASSERT_EQ(0, krun_stats(self->ctx, self->id, &st));
	EXPECT_EQ(exits, st.fast);

	/* The next run takes the string up again, one element further. */
	ASSERT_EQ(0, pthread_create(&thread, NULL, kick_later, &k));
	ret = krun_once(self->ctx, &self->vm, &more);
	pthread_join(thread, NULL);
	ASSERT_EQ(-EINTR, ret);
	EXPECT_LT(0U, more);
	ASSERT_EQ(0, krun_stats(self->ctx, self->id, &st));
	EXPECT_EQ(exits + more, st.fast);
}

/* SIGKILL ends a vCPU thread inside a long string at once. */
TEST_F(intr, sigkill_ends_a_string)
{
	int64_t t0, waited;
	int status;
	pid_t pid;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	/* The child runs its own VM on its own context. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct minivm vm;
		int ctx = kmod_open();
		uint32_t id;

		if (ctx < 0 || minivm_create(&vm, NULL) ||
		    kmod_create1(ctx, PIO, DEV_PORT, KMOD_WINDOW, &id) ||
		    minivm_load(&vm, GUEST_IMAGE(strio), MINIVM_PROT32))
			_exit(1);
		*(struct guest_strio_params *)minivm_gpa(&vm, GUEST_PARAM_ADDR,
							 sizeof(*self->p)) =
			*self->p;
		krun_once(ctx, &vm, NULL);
		_exit(2);	/* the string ended before the kill */
	}
	usleep(SIGNAL_AFTER_MS * 1000 * 2);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	t0 = now_ms();
	while (waitpid(pid, &status, WNOHANG) == 0 &&
	       now_ms() - t0 < 10 * ANSWER_MS)
		usleep(10000);
	waited = now_ms() - t0;
	EXPECT_GT(ANSWER_MS, waited);
	if (waited >= 10 * ANSWER_MS)
		waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		TH_LOG("child status %#x", status);
	}
}

TEST_HARNESS_MAIN
