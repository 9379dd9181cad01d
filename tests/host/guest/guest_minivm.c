// SPDX-License-Identifier: GPL-2.0
/*
 * The test bed itself on /dev/kvm: minivm's exits, results, errors and
 * deadline, with the probe guest (tests/guest/probe.S).
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "guest_test.h"

GUEST_IMAGE_DECLARE(probe);
GUEST_IMAGE_DECLARE(access);

#define TEST_PORT	0x1234
#define SHORT_TIMEOUT_MS 200

/* The accesses the probe made, and what its reads return. */
struct probe_io {
	unsigned int calls;
	struct minivm_io last;
	uint64_t read_value;
	int error;		/* returned by the callback if set */
};

static int probe_io(void *opaque, struct minivm_io *io)
{
	struct probe_io *p = opaque;

	p->calls++;
	if (!io->write)
		io->data = p->read_value;
	p->last = *io;
	return p->error;
}

FIXTURE(testbed) {
	int kvm_err;
	struct minivm vm;
	struct guest_probe_params *params;
	struct probe_io io;
};

FIXTURE_VARIANT(testbed) {
	bool irqchip;
};

FIXTURE_VARIANT_ADD(testbed, plain) {
	.irqchip = false,
};

FIXTURE_VARIANT_ADD(testbed, irqchip) {
	.irqchip = true,
};

FIXTURE_SETUP(testbed)
{
	struct minivm_opts opts = {
		.irqchip = variant->irqchip,
		.timeout_ms = SHORT_TIMEOUT_MS,
	};

	memset(&self->io, 0, sizeof(self->io));
	self->vm.vm_fd = -1;
	self->kvm_err = minivm_usable();
	if (self->kvm_err)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, &opts));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(probe),
				 MINIVM_PROT32));
	self->params = minivm_gpa(&self->vm, GUEST_PARAM_ADDR,
				  sizeof(*self->params));
	ASSERT_NE(NULL, self->params);
}

FIXTURE_TEARDOWN(testbed)
{
	if (!self->kvm_err)
		minivm_destroy(&self->vm);
}

TEST_F(testbed, exit_value)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_EXIT;
	self->params->value = 0x89abcdef;
	GUEST_RUN_EXPECT(&self->vm, probe_io, &self->io, 0x89abcdef);
	EXPECT_EQ(0U, self->io.calls);
	/* The exit port's PIO exit is minivm's own, not counted. */
	EXPECT_EQ(0U, self->vm.stats.pio_exits);
	EXPECT_EQ(0U, self->vm.stats.mmio_exits);
	EXPECT_GE(self->vm.stats.runs, 1U);
}

TEST_F(testbed, port_write)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_OUT;
	self->params->port = TEST_PORT;
	self->params->value = 0xfeedf00d;
	GUEST_RUN_EXPECT(&self->vm, probe_io, &self->io, GUEST_PASS);
	ASSERT_EQ(1U, self->io.calls);
	EXPECT_EQ(VMDEV_SPACE_PIO, self->io.last.space);
	EXPECT_EQ((uint64_t)TEST_PORT, self->io.last.addr);
	EXPECT_EQ(4U, self->io.last.len);
	EXPECT_TRUE(self->io.last.write);
	EXPECT_EQ(0xfeedf00dULL, self->io.last.data);
}

TEST_F(testbed, port_read)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_IN;
	self->params->port = TEST_PORT;
	self->io.read_value = 0x76543210;
	GUEST_RUN_EXPECT(&self->vm, probe_io, &self->io, 0x76543210);
	ASSERT_EQ(1U, self->io.calls);
	EXPECT_FALSE(self->io.last.write);
	EXPECT_EQ((uint64_t)TEST_PORT, self->io.last.addr);
	EXPECT_EQ(4U, self->io.last.len);
}

TEST_F(testbed, callback_error_ends_run)
{
	uint32_t result = 0xaa;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_OUT;
	self->params->port = TEST_PORT;
	self->io.error = -ENOTTY;
	EXPECT_EQ(-ENOTTY, minivm_run_guest(&self->vm, probe_io, &self->io,
					    &result));
	EXPECT_EQ(1U, self->io.calls);
	EXPECT_EQ(0xaaU, result);
}

TEST_F(testbed, exception_reported)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_UD;
	GUEST_RUN_EXPECT(&self->vm, probe_io, &self->io,
			 GUEST_FAIL_EXCEPTION | 6);
}

TEST_F(testbed, bad_param_reported)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_SHUTDOWN + 1;
	GUEST_RUN_EXPECT(&self->vm, probe_io, &self->io, GUEST_FAIL_BADPARAM);
}

/*
 * A triple fault is KVM_EXIT_SHUTDOWN with VMX and SVM; a host whose KVM
 * emulates the failing event delivery instead (PVM) reports an emulation
 * failure. Either way the run ends with the exit left for the caller.
 */
TEST_F(testbed, triple_fault)
{
	uint32_t result, reason;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_SHUTDOWN;
	EXPECT_EQ(-EIO, minivm_run_guest(&self->vm, probe_io, &self->io,
					 &result));
	reason = self->vm.run->exit_reason;
	EXPECT_TRUE(reason == KVM_EXIT_SHUTDOWN ||
		    reason == KVM_EXIT_INTERNAL_ERROR) {
		TH_LOG("exit %s", minivm_exit_name(reason));
	}
	/* Not an I/O exit: nothing to complete. */
	EXPECT_EQ(-EINVAL, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
}

/*
 * A halted vCPU: without an irqchip KVM exits with HLT; with one, it
 * blocks in the kernel until the deadline's signal kicks it out.
 */
TEST_F(testbed, halt)
{
	struct timespec t0, t1;
	uint32_t result;
	long ms;
	int ret;

	GUEST_REQUIRE_KVM(self->kvm_err);
	self->params->op = GUEST_PROBE_HALT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = minivm_run_guest(&self->vm, probe_io, &self->io, &result);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (!variant->irqchip) {
		EXPECT_EQ(-EIO, ret);
		EXPECT_STREQ("HLT",
			     minivm_exit_name(self->vm.run->exit_reason));
		return;
	}
	EXPECT_EQ(-ETIMEDOUT, ret);
	EXPECT_GE(ms, SHORT_TIMEOUT_MS);
	EXPECT_EQ(0, self->vm.run->immediate_exit);
	/* The deadline is per call: the next one waits again. */
	EXPECT_EQ(-ETIMEDOUT, minivm_run_guest(&self->vm, probe_io,
					       &self->io, &result));
}

TEST_F(testbed, load_errors)
{
	struct guest_image img = GUEST_IMAGE(probe);
	struct guest_image empty = { img.data, 0 };
	struct guest_image huge = { img.data, GUEST_IMAGE_MAX + 1 };

	GUEST_REQUIRE_KVM(self->kvm_err);
	EXPECT_EQ(-EINVAL, minivm_load(&self->vm, empty, MINIVM_PROT32));
	EXPECT_EQ(-E2BIG, minivm_load(&self->vm, huge, MINIVM_PROT32));
	EXPECT_EQ(-EINVAL, minivm_load(&self->vm, img, MINIVM_LONG64 + 1));
	/* A reload starts over: the probe runs again. */
	ASSERT_EQ(0, minivm_load(&self->vm, img, MINIVM_PROT32));
	self->params->op = GUEST_PROBE_EXIT;
	self->params->value = 7;
	GUEST_RUN_EXPECT(&self->vm, probe_io, &self->io, 7);
}

TEST_F(testbed, gpa_bounds)
{
	GUEST_REQUIRE_KVM(self->kvm_err);
	EXPECT_EQ(self->vm.mem, minivm_gpa(&self->vm, 0, GUEST_MEM_SIZE));
	EXPECT_EQ(self->vm.mem + GUEST_MEM_SIZE - 1,
		  minivm_gpa(&self->vm, GUEST_MEM_SIZE - 1, 1));
	EXPECT_EQ(self->vm.mem + GUEST_MEM_SIZE,
		  minivm_gpa(&self->vm, GUEST_MEM_SIZE, 0));
	EXPECT_EQ(NULL, minivm_gpa(&self->vm, GUEST_MEM_SIZE, 1));
	EXPECT_EQ(NULL, minivm_gpa(&self->vm, 1, GUEST_MEM_SIZE));
	EXPECT_EQ(NULL, minivm_gpa(&self->vm, UINT64_MAX, 2));
}

/* An irqfd, level (resample) or edge, needs the in-kernel irqchip. */
TEST_F(testbed, irqfd)
{
	int fd = -1, rfd = -1;
	int ret;

	GUEST_REQUIRE_KVM(self->kvm_err);
	ret = minivm_irqfd(&self->vm, 5, &fd, &rfd);
	if (!variant->irqchip) {
		EXPECT_EQ(-EINVAL, ret);
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(-1, rfd);
		EXPECT_EQ(-EINVAL, minivm_irqfd(&self->vm, 5, &fd, NULL));
		return;
	}
	ASSERT_EQ(0, ret);
	EXPECT_GE(fd, 0);
	EXPECT_GE(rfd, 0);
	close(fd);
	close(rfd);
	fd = -1;
	ASSERT_EQ(0, minivm_irqfd(&self->vm, 6, &fd, NULL));
	EXPECT_GE(fd, 0);
	close(fd);
}

/* Every element of a string exit, in order; reads land in the page. */
TEST_F(testbed, complete_string_pio)
{
	struct kvm_run *run;
	uint16_t *data;
	unsigned int i;

	GUEST_REQUIRE_KVM(self->kvm_err);
	run = self->vm.run;
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.size = 2;
	run->io.port = TEST_PORT;
	run->io.count = 5;
	run->io.data_offset = 4096 - 10;
	data = (uint16_t *)((uint8_t *)run + run->io.data_offset);
	for (i = 0; i < 5; i++)
		data[i] = 0x1100 + i;
	ASSERT_EQ(0, minivm_complete_io(&self->vm, probe_io, &self->io));
	EXPECT_EQ(5U, self->io.calls);
	EXPECT_EQ(0x1104U, self->io.last.data);
	EXPECT_EQ(5U, self->vm.stats.pio_max_count);
	run->io.direction = KVM_EXIT_IO_IN;
	self->io.read_value = 0xbeef;
	ASSERT_EQ(0, minivm_complete_io(&self->vm, probe_io, &self->io));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(0xbeef, data[i]);
	/* A callback error stops at that element. */
	self->io.calls = 0;
	self->io.error = -EAGAIN;
	EXPECT_EQ(-EAGAIN, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
	EXPECT_EQ(1U, self->io.calls);
}

/* Exits KVM does not produce are refused before any callback. */
TEST_F(testbed, malformed_exits)
{
	struct kvm_run *run;

	GUEST_REQUIRE_KVM(self->kvm_err);
	run = self->vm.run;
	run->exit_reason = KVM_EXIT_IO;
	run->io.size = 3;
	run->io.count = 1;
	run->io.data_offset = 4096;
	EXPECT_EQ(-EPROTO, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
	run->io.size = 4;
	run->io.count = 0;
	EXPECT_EQ(-EPROTO, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
	run->io.count = 1;
	run->io.data_offset = self->vm.run_size - 2;
	EXPECT_EQ(-EPROTO, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
	run->io.data_offset = UINT64_MAX;
	EXPECT_EQ(-EPROTO, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.len = 0;
	EXPECT_EQ(-EPROTO, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
	run->mmio.len = 9;
	EXPECT_EQ(-EPROTO, minivm_complete_io(&self->vm, probe_io,
					      &self->io));
	EXPECT_EQ(0U, self->io.calls);
	/* A well-formed MMIO read of 8 bytes fills all eight. */
	run->mmio.len = 8;
	run->mmio.is_write = 0;
	run->mmio.phys_addr = 0xd0000000;
	self->io.read_value = 0x0102030405060708ULL;
	ASSERT_EQ(0, minivm_complete_io(&self->vm, probe_io, &self->io));
	EXPECT_EQ(0x08, run->mmio.data[0]);
	EXPECT_EQ(0x01, run->mmio.data[7]);
	EXPECT_EQ(VMDEV_SPACE_MMIO, self->io.last.space);
	EXPECT_EQ(8U, self->io.last.len);
}

/* The long mode entry state, through the access guest's empty table. */
TEST_F(testbed, long_mode)
{
	struct guest_access_params *p;
	struct kvm_sregs sregs;

	GUEST_REQUIRE_KVM(self->kvm_err);
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	ASSERT_EQ(0, ioctl(self->vm.vcpu_fd, KVM_GET_SREGS, &sregs));
	EXPECT_TRUE(sregs.cs.l);
	EXPECT_NE(0ULL, sregs.efer & (1ULL << 10));	/* LMA */
	p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*p));
	p->nr_ops = 0;
	GUEST_RUN_EXPECT(&self->vm, probe_io, &self->io, GUEST_PASS);
	EXPECT_EQ(0U, p->done);
	EXPECT_EQ(0U, self->io.calls);
}

TEST_HARNESS_MAIN
