// SPDX-License-Identifier: GPL-2.0
/*
 * VMDEV_RUN while something else happens: a signal or immediate_exit
 * ends the loop with -EINTR and the run carries on afterwards; a device
 * destroyed under a running loop turns its next access into an exit to
 * userspace; the context's descriptor closed under a running loop keeps
 * the context alive until the loop returns; and a loop that never
 * leaves the kernel still lets other tasks of its CPU run.
 *
 * The guest prints through the module's 16550 more text than the
 * transmit FIFO holds and nobody drains it: the guest then polls LSR
 * without end, every poll an exit completed in the kernel, counted in
 * its parameter block, so other threads can see the loop run.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_run.h"

GUEST_IMAGE_DECLARE(uart);

#define COM1		0x3f8
#define LSR_PORT	(COM1 + 5)
#define LSR_IDLE	(VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT)
/* What a guest polling THRE before each byte gets into an undrained THR. */
#define FILLS		(VMDEV_UART_FIFO_DEPTH - VMDEV_UART_TX_BURST + 1)
#define EXTRA		100	/* bytes past those */
#define TEXT_LEN	(FILLS + EXTRA)
#define SPIN_POLLS	(FILLS + 50)	/* surely spinning */
#define PROGRESS	200	/* polls that show the loop still runs */
#define WAIT_MS		60000
#define ASYNC_TIMEOUT	240	/* seconds per test: nested KVM on TCG */

/* A vCPU thread: one VMDEV_RUN under the deadline, and its outcome. */
struct vcpu_thread {
	pthread_t tid;
	struct krun *k;
	int ret;
	uint64_t exits;
	atomic_bool done;
};

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	timer_t timer;

	t->ret = krun_arm(t->k, &timer);
	if (!t->ret) {
		t->ret = krun_once(t->k->ctx, t->k->vm, &t->exits);
		if (t->ret == -EINTR && krun_expired)
			t->ret = -ETIMEDOUT;
		krun_disarm(t->k, timer);
	}
	atomic_store(&t->done, true);
	return NULL;
}

static int vcpu_start(struct vcpu_thread *t, struct krun *k)
{
	memset(t, 0, sizeof(*t));
	t->k = k;
	atomic_init(&t->done, false);
	return -pthread_create(&t->tid, NULL, vcpu_main, t);
}

static int vcpu_join(struct vcpu_thread *t)
{
	return -pthread_join(t->tid, NULL);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

FIXTURE(spin) {
	int ctx, kvm_err;
	uint32_t id;
	struct minivm vm;
	struct krun k;
	struct guest_uart_params *p;
	char text[TEXT_LEN];
	char out[TEXT_LEN + 1];
	size_t out_len;
};

FIXTURE_SETUP(spin)
{
	struct vmdev_range r = {
		.base = COM1, .len = VMDEV_UART_WINDOW, .space = VMDEV_SPACE_PIO,
	};
	unsigned int i;

	self->vm.run = NULL;
	self->out_len = 0;
	for (i = 0; i < TEXT_LEN; i++)
		self->text[i] = 'a' + (i * 7) % 26;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, kmod_create(self->ctx, &vmdev_uart16550_map, &r, 1,
				 &self->id));
	krun_init(&self->k, self->ctx, &self->vm, NULL, NULL);
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	memcpy(minivm_gpa(&self->vm, GUEST_DATA_ADDR, TEXT_LEN), self->text,
	       TEXT_LEN);
	/* No bound on the wait: the guest polls until the FIFO drains. */
	*self->p = (struct guest_uart_params){
		.base = COM1, .len = TEXT_LEN, .text = GUEST_DATA_ADDR,
		.poll_max = ~0U, .divisor = 1,
	};
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(uart),
				 MINIVM_PROT32));
}

FIXTURE_TEARDOWN(spin)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
}

static uint32_t polls(FIXTURE_DATA(spin) *self)
{
	return __atomic_load_n(&self->p->polls, __ATOMIC_RELAXED);
}

/*
 * Wait until the guest has polled LSR `target` times, while the vCPU
 * thread is still in its one VMDEV_RUN: true, or false if the run ended
 * or the wait timed out.
 */
static bool wait_polls(FIXTURE_DATA(spin) *self, struct vcpu_thread *t,
		       uint32_t target)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (polls(self) < target) {
		if (atomic_load(&t->done) || now_ms() > end)
			return false;
		usleep(1000);
	}
	return !atomic_load(&t->done);
}

/* Move what the guest transmitted from device id to self->out. */
static int drain(FIXTURE_DATA(spin) *self, uint32_t id)
{
	int n = kmod_fifo(self->ctx, id, VMDEV_UART_THR, VMDEV_FIFO_DRAIN,
			  self->out + self->out_len, TEXT_LEN - self->out_len);

	if (n > 0)
		self->out_len += n;
	return n;
}

/*
 * A signal ends the loop with -EINTR and KVM_EXIT_INTR, after exits
 * completed in the kernel; the run then carries on from where it
 * stopped, and the text is exact.
 */
TEST_F_TIMEOUT(spin, signal_interrupts, ASYNC_TIMEOUT)
{
	struct vcpu_thread t;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, vcpu_start(&t, &self->k));
	EXPECT_TRUE(wait_polls(self, &t, SPIN_POLLS));
	ASSERT_EQ(0, pthread_kill(t.tid, KRUN_KICK_SIGNAL));
	ASSERT_EQ(0, vcpu_join(&t));
	ASSERT_EQ(-EINTR, t.ret);
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, self->vm.run->exit_reason);
	/* Every byte is an LSR read and a THR write, all in the kernel. */
	EXPECT_GE(t.exits, 2ULL * FILLS + 50);

	ASSERT_EQ(FILLS, drain(self, self->id));
	KRUN_EXPECT(&self->k, GUEST_PASS);
	EXPECT_EQ(1U, self->k.user_exits);
	ASSERT_EQ(EXTRA, drain(self, self->id));
	EXPECT_EQ(0, memcmp(self->text, self->out, TEXT_LEN));
}

/*
 * immediate_exit set before the call: -EINTR at once, the guest never
 * entered; set by a signal handler during the loop (the deadline): the
 * loop ends too.
 */
TEST_F_TIMEOUT(spin, immediate_exit, ASYNC_TIMEOUT)
{
	uint64_t exits = ~0ULL;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	self->vm.run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, krun_once(self->ctx, &self->vm, &exits));
	EXPECT_EQ(0U, exits);
	EXPECT_EQ(0U, polls(self));
	self->vm.run->immediate_exit = 0;

	/* The guest never ends by itself: only the deadline stops it. */
	self->k.timeout_ms = 5000;
	EXPECT_EQ(-ETIMEDOUT, krun_run(&self->k, false));
	EXPECT_GT(polls(self), 0U);
	EXPECT_GT(self->k.fast_exits, 0U);
	EXPECT_EQ(0U, self->k.user_exits);
}

/*
 * The device destroyed while the loop completes its accesses: the next
 * access is an exit to userspace (nothing is mapped there any more),
 * which the VMM completes; a new device at the same ports then takes
 * the rest of the text.
 */
TEST_F_TIMEOUT(spin, destroy_device, ASYNC_TIMEOUT)
{
	struct kvm_run *run = self->vm.run;
	struct vmdev_range r = {
		.base = COM1, .len = VMDEV_UART_WINDOW, .space = VMDEV_SPACE_PIO,
	};
	struct vcpu_thread t;
	uint32_t id2;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, vcpu_start(&t, &self->k));
	EXPECT_TRUE(wait_polls(self, &t, SPIN_POLLS));
	ASSERT_EQ(0, kmod_destroy(self->ctx, self->id));
	ASSERT_EQ(0, vcpu_join(&t));
	ASSERT_EQ(0, t.ret);
	EXPECT_GE(t.exits, 2ULL * FILLS + 50);
	ASSERT_EQ((uint32_t)KVM_EXIT_IO, run->exit_reason);
	EXPECT_EQ(KVM_EXIT_IO_IN, run->io.direction);
	EXPECT_EQ(LSR_PORT, run->io.port);
	EXPECT_EQ(1, run->io.size);
	EXPECT_EQ(1U, run->io.count);
	EXPECT_EQ(-ENOENT, kmod_reset(self->ctx, self->id));

	/* The VMM answers this read itself, then maps a new UART. */
	*((uint8_t *)run + run->io.data_offset) = LSR_IDLE;
	ASSERT_EQ(0, kmod_create(self->ctx, &vmdev_uart16550_map, &r, 1,
				 &id2));
	KRUN_EXPECT(&self->k, GUEST_PASS);
	EXPECT_EQ(1U, self->k.user_exits);
	ASSERT_EQ(EXTRA, drain(self, id2));
	EXPECT_EQ(0, memcmp(self->text + FILLS, self->out,
			    EXTRA));
}

/*
 * The context's last descriptor closed while the loop runs: the loop
 * holds the file, so the context and its devices stay until it returns
 * (the guest's polls keep completing in the kernel); then the context
 * is gone with the descriptor.
 */
TEST_F_TIMEOUT(spin, close_context, ASYNC_TIMEOUT)
{
	struct vcpu_thread t;
	int refs, ctx = self->ctx;
	uint32_t seen;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	refs = kmod_module_refs("vmdev");
	ASSERT_EQ(0, vcpu_start(&t, &self->k));
	EXPECT_TRUE(wait_polls(self, &t, SPIN_POLLS));
	ASSERT_EQ(0, close(ctx));
	self->ctx = -1;
	seen = polls(self);
	EXPECT_TRUE(wait_polls(self, &t, seen + PROGRESS));
	if (refs > 0)
		EXPECT_EQ(refs, kmod_module_refs("vmdev"));
	ASSERT_EQ(0, pthread_kill(t.tid, KRUN_KICK_SIGNAL));
	ASSERT_EQ(0, vcpu_join(&t));
	EXPECT_EQ(-EINTR, t.ret);
	EXPECT_GT(t.exits, (uint64_t)seen + PROGRESS);
	EXPECT_EQ(-EBADF, krun_once(ctx, &self->vm, NULL));
	if (refs > 0)
		EXPECT_EQ(refs - 1, kmod_module_refs("vmdev"));
}

/*
 * A loop that never returns to userspace still lets other tasks of its
 * CPU run: with the vCPU thread and this one on one CPU, this one spins
 * without sleeping and still sees the guest progress many times, so the
 * CPU went back and forth between them.
 */
TEST_F_TIMEOUT(spin, yields_cpu, ASYNC_TIMEOUT)
{
	uint32_t seen, changes = 0;
	struct vcpu_thread t;
	cpu_set_t one, all;
	uint64_t end;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all), &all));
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	/* The vCPU thread inherits the one CPU. */
	ASSERT_EQ(0, vcpu_start(&t, &self->k));
	end = now_ms() + WAIT_MS;
	seen = polls(self);
	while (changes < 20 && now_ms() < end && !atomic_load(&t.done)) {
		if (polls(self) != seen) {
			seen = polls(self);
			changes++;
		}
	}
	EXPECT_EQ(20U, changes);
	EXPECT_FALSE(atomic_load(&t.done));
	ASSERT_EQ(0, pthread_kill(t.tid, KRUN_KICK_SIGNAL));
	ASSERT_EQ(0, vcpu_join(&t));
	EXPECT_EQ(-EINTR, t.ret);
	EXPECT_EQ(0, sched_setaffinity(0, sizeof(all), &all));
}

TEST_HARNESS_MAIN
