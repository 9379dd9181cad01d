// SPDX-License-Identifier: GPL-2.0
/*
 * vmdev's tracepoints through tracefs (events/vmdev/): each one enabled,
 * made to fire by ioctls or by a guest under VMDEV_RUN, and read back
 * from the trace with its fields checked: device create and destroy,
 * accesses completed in the kernel, accesses left to the VMM with their
 * reason, the exit VMDEV_RUN hands to the VMM, interrupt lines raised
 * and lowered, resamples, doorbells. Disabled, they write nothing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kmod_level3.h"
#include "kmod_run.h"
#include "kmod_eventfd.h"
#include "kmod_nl.h"

#define TRACEFS		"/sys/kernel/tracing"
#define TRACE_MAX	(1 << 20)
#define UNCLAIMED_PORT	0x9000
#define TRACE_PORT	0x6400

GUEST_IMAGE_DECLARE(probe);

static int tfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* The whole trace buffer, NUL-terminated, in a static buffer. */
static const char *tfs_read(void)
{
	static char buf[TRACE_MAX];
	size_t n = 0;
	ssize_t k;
	int fd = open(TRACEFS "/trace", O_RDONLY | O_CLOEXEC);

	buf[0] = 0;
	if (fd < 0)
		return buf;
	while (n < sizeof(buf) - 1 &&
	       (k = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = 0;
	close(fd);
	return buf;
}

/* Events on (all of vmdev's, into an emptied buffer) or off. */
static int trace_vmdev(bool on)
{
	int ret = on ? tfs_write(TRACEFS "/trace", "") : 0;

	return ret ? ret : tfs_write(TRACEFS "/events/vmdev/enable",
				     on ? "1" : "0");
}

/* Does the trace hold "<event>: <fields>" (fields formatted as given)? */
static bool traced(const char *trace, const char *event, const char *fmt, ...)
{
	char want[256];
	size_t k;
	va_list ap;

	k = (size_t)snprintf(want, sizeof(want), "%s: ", event);
	va_start(ap, fmt);
	vsnprintf(want + k, sizeof(want) - k, fmt, ap);
	va_end(ap);
	return strstr(trace, want) != NULL;
}

static uint32_t own_ctx(void)
{
	struct nl_result r;
	struct nl_msg m;
	uint32_t best = 0;
	struct nl nl;

	if (nl_open(&nl))
		return 0;
	nl_req(&nl, &m, VMDEV_CMD_GET_CTX, 1, 0, 0);
	nl_call(&nl, &m, nl_newest_own_ctx, &best, &r);
	nl_close(&nl);
	return best;
}

FIXTURE(trace) {
	int fd;
	uint32_t ctx, id;
	int efd[2];
};

FIXTURE_SETUP(trace)
{
	self->fd = -1;
	self->efd[0] = self->efd[1] = -1;
	if (access(TRACEFS "/events/vmdev/enable", W_OK))
		SKIP(return, "no events/vmdev in tracefs: vmdev.ko not loaded");
	KMOD_OPEN_OR_SKIP(self->fd);
	self->ctx = own_ctx();
	ASSERT_NE(0U, self->ctx);
	ASSERT_EQ(0, trace_vmdev(true));
	ASSERT_EQ(0, kev_create(self->fd, KEV_PIO, &self->id));
	self->efd[0] = kev_new();
	self->efd[1] = kev_new();
	ASSERT_LE(0, self->efd[0]);
	ASSERT_LE(0, self->efd[1]);
}

FIXTURE_TEARDOWN(trace)
{
	trace_vmdev(false);
	if (self->fd >= 0)
		close(self->fd);
	if (self->efd[0] >= 0)
		close(self->efd[0]);
	if (self->efd[1] >= 0)
		close(self->efd[1]);
}

TEST_F(trace, device_create_and_destroy)
{
	const char *t;
	uint32_t id;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kmod_create1(self->fd, MMIO, 0xd0000000, 16, &id));
	ASSERT_EQ(0, kmod_destroy(self->fd, id));
	t = tfs_read();
	/* The fixture's device, created with the events on, then this one. */
	EXPECT_TRUE(traced(t, "vmdev_device_create",
			   "ctx=%u dev=%u name=test ranges=1", self->ctx,
			   self->id)) TH_LOG("%s", t);
	EXPECT_TRUE(traced(t, "vmdev_device_create",
			   "ctx=%u dev=%u name=test ranges=1", self->ctx, id));
	EXPECT_TRUE(traced(t, "vmdev_device_destroy",
			   "ctx=%u dev=%u name=test ranges=1", self->ctx, id))
		TH_LOG("%s", t);
}

TEST_F(trace, accesses_and_slow_path)
{
	uint64_t v = 0;
	const char *t;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, KEV_PIO, 4, &v));
	ASSERT_EQ(SLOW, kmod_read(self->fd, PIO,
				  KEV_PIO + kev_regs[KEV_TRAP].offset, 4, &v));
	ASSERT_EQ(SLOW, kmod_write(self->fd, PIO, UNCLAIMED_PORT, 1, 7));
	t = tfs_read();
	EXPECT_TRUE(traced(t, "vmdev_access",
			   "ctx=%u dev=%u space=pio addr=%#x len=4 dir=write value=0x1 level=1",
			   self->ctx, self->id, KEV_PIO + 4)) TH_LOG("%s", t);
	EXPECT_TRUE(traced(t, "vmdev_access",
			   "ctx=%u dev=%u space=pio addr=%#x len=4 dir=read value=0x1 level=1",
			   self->ctx, self->id, KEV_PIO));
	EXPECT_TRUE(traced(t, "vmdev_slow",
			   "ctx=%u dev=%u space=pio addr=%#x len=4 dir=read reason=device",
			   self->ctx, self->id,
			   KEV_PIO + kev_regs[KEV_TRAP].offset));
	EXPECT_TRUE(traced(t, "vmdev_slow",
			   "ctx=%u dev=0 space=pio addr=%#x len=1 dir=write reason=unclaimed",
			   self->ctx, UNCLAIMED_PORT));
}

TEST_F(trace, irqs_resample_and_doorbell)
{
	int trig = self->efd[0], eoi = self->efd[1];
	const char *t;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, kev_irqfd(self->fd, self->id, KEV_LEVEL, trig, eoi, 0));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_L));
	EXPECT_EQ(1U, kev_take(trig));
	/* An EOI while asserted re-fires; after the clear it finds nothing. */
	ASSERT_EQ(0, kev_signal(eoi, 1));
	EXPECT_EQ(1U, kev_wait(trig));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_STAT_L));
	ASSERT_EQ(0, kev_signal(eoi, 1));
	EXPECT_EQ(0U, kev_quiet(trig));
	ASSERT_EQ(DONE, kmod_write(self->fd, PIO,
				   KEV_PIO + kev_regs[KEV_DB].offset, 4, 5));
	t = tfs_read();
	EXPECT_TRUE(traced(t, "vmdev_irq", "ctx=%u dev=%u line=%u raised",
			   self->ctx, self->id, KEV_LEVEL)) TH_LOG("%s", t);
	EXPECT_TRUE(traced(t, "vmdev_irq_resample",
			   "ctx=%u dev=%u line=%u refired", self->ctx,
			   self->id, KEV_LEVEL));
	EXPECT_TRUE(traced(t, "vmdev_irq", "ctx=%u dev=%u line=%u lowered",
			   self->ctx, self->id, KEV_LEVEL));
	EXPECT_TRUE(traced(t, "vmdev_irq_resample",
			   "ctx=%u dev=%u line=%u idle", self->ctx, self->id,
			   KEV_LEVEL));
	EXPECT_TRUE(traced(t, "vmdev_doorbell", "ctx=%u dev=%u slot=0",
			   self->ctx, self->id)) TH_LOG("%s", t);
}

TEST_F(trace, disabled_writes_nothing)
{
	uint64_t v;

	KMOD_SKIP_IF_NO_MODULE();
	ASSERT_EQ(0, trace_vmdev(false));
	ASSERT_EQ(0, tfs_write(TRACEFS "/trace", ""));
	ASSERT_EQ(DONE, kev_poke(self->fd, KEV_PIO, KEV_SET_E));
	ASSERT_EQ(DONE, kmod_read(self->fd, PIO, KEV_PIO, 4, &v));
	ASSERT_EQ(SLOW, kmod_write(self->fd, PIO, UNCLAIMED_PORT, 1, 7));
	EXPECT_EQ(NULL, strstr(tfs_read(), "vmdev_"));
}

/*
 * A guest under VMDEV_RUN: its read completed at level 1, or on KVM's
 * bus (level 3) once attached, then its exit to the VMM.
 */
static void guest_run(struct __test_metadata *_metadata, bool level3)
{
	struct guest_probe_params *p;
	struct minivm vm;
	uint32_t ctx, id;
	uint64_t exits;
	const char *t;
	int fd, kvm_err;

	if (access(TRACEFS "/events/vmdev/enable", W_OK))
		SKIP(return, "no events/vmdev in tracefs: vmdev.ko not loaded");
	KRUN_SETUP(fd, kvm_err);
	KRUN_REQUIRE(kvm_err, fd);
	ctx = own_ctx();
	ASSERT_EQ(0, minivm_create(&vm, NULL));
	ASSERT_EQ(0, kmod_create1(fd, PIO, TRACE_PORT, KMOD_WINDOW, &id));
	p = minivm_gpa(&vm, GUEST_PARAM_ADDR, sizeof(*p));
	*p = (struct guest_probe_params){
		.op = GUEST_PROBE_IN, .port = TRACE_PORT + 4, .value = 0,
	};
	ASSERT_EQ(0, minivm_load(&vm, GUEST_IMAGE(probe), MINIVM_PROT32));
	if (level3 && kl3_state(fd) != VMDEV_L3_READY)
		SKIP(goto out, "level 3 not available here (dmesg says why)");
	if (level3)
		ASSERT_EQ(0, kl3_attach(fd, vm.vm_fd));
	ASSERT_EQ(0, trace_vmdev(true));
	EXPECT_EQ(0, krun_once(fd, &vm, &exits));
	trace_vmdev(false);
	/* On KVM's bus the read is no exit at all. */
	EXPECT_EQ(level3 ? 0U : 1U, exits);
	t = tfs_read();
	EXPECT_TRUE(traced(t, "vmdev_access",
			   "ctx=%u dev=%u space=pio addr=%#x len=4 dir=read value=%#x level=%u",
			   ctx, id, TRACE_PORT + 4, KMOD_CONST, level3 ? 3 : 1))
		TH_LOG("%s", t);
	EXPECT_TRUE(traced(t, "vmdev_slow",
			   "ctx=%u dev=0 space=pio addr=%#x len=4 dir=write reason=unclaimed",
			   ctx, GUEST_PORT_EXIT));
	EXPECT_TRUE(traced(t, "vmdev_exit_user",
			   "ctx=%u exit_reason=%u completed_before=%u", ctx,
			   KVM_EXIT_IO, level3 ? 0 : 1));
out:
	minivm_destroy(&vm);
	close(fd);
}

TEST(guest_run_level1)
{
	guest_run(_metadata, false);
}

TEST(guest_run_level3)
{
	guest_run(_metadata, true);
}

TEST_HARNESS_MAIN
