// SPDX-License-Identifier: GPL-2.0
/*
 * What VMDEV_RUN refuses, and how: a malformed argument; a descriptor
 * that is not a KVM vCPU (EBADF when it is no descriptor at all, EINVAL
 * otherwise); a kvm_run address that is not the start of a shared,
 * writable mapping of that very vCPU at offset 0; a vCPU of another
 * process (EPERM) or of another VM than the context's (EXDEV). A refused
 * call runs nothing and binds nothing: the guest does not move and
 * `exits` is not written. And where the mapping lacks
 * KVM's PIO data page, PIO exits go to userspace rather than fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_run.h"

GUEST_IMAGE_DECLARE(probe);
GUEST_IMAGE_DECLARE(access);

#define DEV_PORT	0x6100
#define DEV_MMIO	0xd0000000ULL
#define OUT_VALUE	0x12345678U

FIXTURE(refuse) {
	int ctx, kvm_err;
	uint32_t pio, mmio;
	struct minivm vm;
	struct guest_probe_params *p;
	long pg;
};

FIXTURE_SETUP(refuse)
{
	self->vm.run = NULL;
	self->pg = sysconf(_SC_PAGESIZE);
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(probe),
				 MINIVM_PROT32));
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, DEV_PORT, KMOD_WINDOW,
				  &self->pio));
	ASSERT_EQ(0, kmod_create1(self->ctx, MMIO, DEV_MMIO, KMOD_WINDOW,
				  &self->mmio));
	/* A guest that writes the device's RW register, then exits. */
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, sizeof(*self->p));
	*self->p = (struct guest_probe_params){
		.op = GUEST_PROBE_OUT, .port = DEV_PORT, .value = OUT_VALUE,
	};
}

FIXTURE_TEARDOWN(refuse)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
}

/* VMDEV_RUN of vcpu_fd at kvm_run; *exits as written back. */
static int run_with(int ctx, int vcpu_fd, const void *kvm_run,
		    uint64_t *exits)
{
	struct vmdev_run r = {
		.size = sizeof(r), .vcpu_fd = vcpu_fd,
		.kvm_run = (uintptr_t)kvm_run, .exits = ~0ULL,
	};
	int ret = (int)kmod_ioctl(ctx, VMDEV_RUN, &r);

	*exits = r.exits;
	return ret;
}

/* Nothing ran: the device register still holds its reset value. */
static void check_untouched(struct __test_metadata *_metadata,
			    FIXTURE_DATA(refuse) *self, uint64_t exits)
{
	uint64_t v = ~0ULL;

	EXPECT_EQ(~0ULL, exits);
	ASSERT_EQ(0, kmod_reg_read(self->ctx, self->pio, KMOD_REG_RW, &v));
	EXPECT_EQ(0U, v);
}

/* The probe guest and the device as they were before it first ran. */
static void rearm(struct __test_metadata *_metadata,
		  FIXTURE_DATA(refuse) *self)
{
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(probe),
				 MINIVM_PROT32));
	*self->p = (struct guest_probe_params){
		.op = GUEST_PROBE_OUT, .port = DEV_PORT, .value = OUT_VALUE,
	};
	ASSERT_EQ(0, kmod_reg_write(self->ctx, self->pio, KMOD_REG_RW, 0));
}

/* The probe guest's run through the kernel, to its exit port. */
static void check_runs(struct __test_metadata *_metadata,
		       FIXTURE_DATA(refuse) *self, const void *kvm_run)
{
	const struct kvm_run *run = kvm_run;
	uint64_t exits, v = 0;

	ASSERT_EQ(0, run_with(self->ctx, self->vm.vcpu_fd, kvm_run, &exits));
	EXPECT_EQ(1U, exits);
	ASSERT_EQ((uint32_t)KVM_EXIT_IO, run->exit_reason);
	EXPECT_EQ(GUEST_PORT_EXIT, run->io.port);
	ASSERT_EQ(0, kmod_reg_read(self->ctx, self->pio, KMOD_REG_RW, &v));
	EXPECT_EQ(OUT_VALUE, v);
}

TEST_F(refuse, malformed_argument)
{
	struct vmdev_run r;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	memset(&r, 0, sizeof(r));
	r.vcpu_fd = self->vm.vcpu_fd;
	r.kvm_run = (uintptr_t)self->vm.run;
	r.exits = ~0ULL;

	r.size = offsetof(struct vmdev_run, exits);
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_RUN, &r));
	r.size = sizeof(r);
	r.flags = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_RUN, &r));
	r.flags = 0;
	r.pad = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_RUN, &r));
	r.pad = 0;
	r.size = 4097;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->ctx, VMDEV_RUN, &r));
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->ctx, VMDEV_RUN, NULL));
	check_untouched(_metadata, self, r.exits);
}

/* A bigger struct than this module knows: fine while its tail is zero. */
TEST_F(refuse, larger_struct)
{
	struct {
		struct vmdev_run r;
		uint64_t tail;
	} big;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	memset(&big, 0, sizeof(big));
	big.r.size = sizeof(big);
	big.r.vcpu_fd = self->vm.vcpu_fd;
	big.r.kvm_run = (uintptr_t)self->vm.run;
	big.r.exits = ~0ULL;
	big.tail = 1;
	EXPECT_EQ(-E2BIG, kmod_ioctl(self->ctx, VMDEV_RUN, &big));
	check_untouched(_metadata, self, big.r.exits);
	big.tail = 0;
	EXPECT_EQ(0, kmod_ioctl(self->ctx, VMDEV_RUN, &big));
	EXPECT_EQ(1U, big.r.exits);
	EXPECT_EQ(0U, big.tail);
}

struct fd_case {
	const char *what;
	int fd;
	int err;
};

/* Descriptors that are not KVM vCPUs, each refused. */
TEST_F(refuse, not_a_vcpu)
{
	int pipefd[2], null, kvm, efd, closed, i;
	struct fd_case cases[8];
	uint64_t exits;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, pipe(pipefd));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	efd = eventfd(0, EFD_CLOEXEC);
	closed = dup(pipefd[0]);
	ASSERT_LE(0, null);
	ASSERT_LE(0, kvm);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, closed);
	ASSERT_EQ(0, close(closed));
	i = 0;
	cases[i++] = (struct fd_case){ "-1", -1, -EBADF };
	cases[i++] = (struct fd_case){ "closed", closed, -EBADF };
	cases[i++] = (struct fd_case){ "pipe", pipefd[0], -EINVAL };
	cases[i++] = (struct fd_case){ "/dev/null", null, -EINVAL };
	cases[i++] = (struct fd_case){ "/dev/kvm", kvm, -EINVAL };
	cases[i++] = (struct fd_case){ "VM", self->vm.vm_fd, -EINVAL };
	cases[i++] = (struct fd_case){ "eventfd", efd, -EINVAL };
	cases[i++] = (struct fd_case){ "vmdev", self->ctx, -EINVAL };
	for (i = 0; i < (int)KMOD_ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].err, run_with(self->ctx, cases[i].fd,
						 self->vm.run, &exits)) {
			TH_LOG("%s", cases[i].what);
		}
	}
	check_untouched(_metadata, self, exits);
	close(pipefd[0]);
	close(pipefd[1]);
	close(null);
	close(kvm);
	close(efd);
	/* The vCPU itself still runs. */
	check_runs(_metadata, self, self->vm.run);
}

/* A second vCPU of the same VM, mapped: its kvm_run. */
static void *second_vcpu(struct __test_metadata *_metadata,
			 FIXTURE_DATA(refuse) *self, int *fd)
{
	void *run;

	*fd = ioctl(self->vm.vm_fd, KVM_CREATE_VCPU, 1);
	if (*fd < 0)
		return NULL;
	run = mmap(NULL, self->vm.run_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, *fd, 0);
	return run == MAP_FAILED ? NULL : run;
}

struct addr_case {
	const char *what;
	const void *addr;
};

/*
 * kvm_run addresses that are not the start of this vCPU's shared,
 * writable mapping at offset 0: each refused with EINVAL.
 */
TEST_F(refuse, not_its_mapping)
{
	size_t len = self->vm.run_size;
	uint8_t *anon, *other, *priv, *ro, *pio_page;
	int other_fd, vcpu = self->vm.vcpu_fd, i;
	const uint8_t *base = (const uint8_t *)self->vm.run;
	struct addr_case cases[10];
	uint64_t exits;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	anon = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, vcpu, 0);
	ro = mmap(NULL, len, PROT_READ, MAP_SHARED, vcpu, 0);
	pio_page = mmap(NULL, self->pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			vcpu, self->pg);
	other = second_vcpu(_metadata, self, &other_fd);
	ASSERT_NE(MAP_FAILED, anon);
	ASSERT_NE(MAP_FAILED, priv);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_NE(MAP_FAILED, pio_page);
	ASSERT_NE(NULL, other);
	i = 0;
	cases[i++] = (struct addr_case){ "NULL", NULL };
	cases[i++] = (struct addr_case){ "inside, unaligned", base + 8 };
	cases[i++] = (struct addr_case){ "inside, next page", base + self->pg };
	cases[i++] = (struct addr_case){ "anonymous", anon };
	cases[i++] = (struct addr_case){ "another vCPU's", other };
	cases[i++] = (struct addr_case){ "private", priv };
	cases[i++] = (struct addr_case){ "read-only", ro };
	cases[i++] = (struct addr_case){ "at offset 1 page", pio_page };
	cases[i++] = (struct addr_case){ "kernel half",
					 (const void *)(~0UL << 47) };
	cases[i++] = (struct addr_case){ "on the stack", &i };
	for (i = 0; i < (int)KMOD_ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-EINVAL, run_with(self->ctx, vcpu, cases[i].addr,
					    &exits)) {
			TH_LOG("%s", cases[i].what);
		}
	}
	/* The other vCPU's own mapping is right for it, not for this one. */
	EXPECT_EQ(-EINVAL, run_with(self->ctx, other_fd, self->vm.run,
				    &exits));
	check_untouched(_metadata, self, exits);
	munmap(anon, len);
	munmap(priv, len);
	munmap(ro, len);
	munmap(pio_page, self->pg);
	munmap(other, len);
	close(other_fd);
	check_runs(_metadata, self, self->vm.run);
}

/* Any mapping of the vCPU at offset 0 will do, not only the first. */
TEST_F(refuse, second_mapping_is_fine)
{
	void *again;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	again = mmap(NULL, self->vm.run_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED, self->vm.vcpu_fd, 0);
	ASSERT_NE(MAP_FAILED, again);
	check_runs(_metadata, self, again);
	munmap(again, self->vm.run_size);
}

/*
 * A mapping of the kvm_run page alone leaves out KVM's PIO data page:
 * MMIO exits are still completed in the kernel (their data is in
 * kvm_run), PIO exits go to userspace untouched.
 */
TEST_F(refuse, no_pio_page)
{
	struct guest_access_params *a;
	struct kvm_run *run;
	struct vmdev_stats st;
	uint64_t exits;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	run = mmap(NULL, self->pg, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->vm.vcpu_fd, 0);
	ASSERT_NE(MAP_FAILED, run);
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	a = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	a->nr_ops = 2;
	a->ops[0] = (struct guest_access_op){
		.space = GUEST_SPACE_MMIO, .size = 4, .addr = DEV_MMIO + 4,
		.check = 1, .value = KMOD_CONST,
	};
	a->ops[1] = (struct guest_access_op){
		.space = GUEST_SPACE_PIO, .size = 4, .write = 1,
		.addr = DEV_PORT, .value = OUT_VALUE,
	};
	ASSERT_EQ(0, run_with(self->ctx, self->vm.vcpu_fd, run, &exits));
	EXPECT_EQ(1U, exits);
	ASSERT_EQ((uint32_t)KVM_EXIT_IO, run->exit_reason);
	EXPECT_EQ(DEV_PORT, run->io.port);
	EXPECT_EQ(KVM_EXIT_IO_OUT, run->io.direction);
	ASSERT_EQ(0, krun_stats(self->ctx, self->mmio, &st));
	EXPECT_EQ(1U, st.fast);
	ASSERT_EQ(0, krun_stats(self->ctx, self->pio, &st));
	EXPECT_EQ(0U, st.fast + st.slow);
	munmap(run, self->pg);
}

/*
 * A vCPU of another process: a forked child inherits the descriptor,
 * the mapping and the context, and is refused (EPERM) before anything
 * runs or binds; KVM would refuse it too (EIO), but only once entered.
 */
TEST_F(refuse, vcpu_of_another_process)
{
	long vms = kmod_objects("vms");
	uint64_t exits = ~0ULL;
	int status, ret;
	pid_t pid;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ret = run_with(self->ctx, self->vm.vcpu_fd, self->vm.run,
			       &exits);
		_exit(ret == -EPERM && exits == ~0ULL ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	check_untouched(_metadata, self, ~0ULL);
	EXPECT_EQ(vms, kmod_objects("vms"));
	/* Its own process still runs it. */
	check_runs(_metadata, self, self->vm.run);
}

/*
 * A context is one VM: the first vCPU it runs binds it to that vCPU's
 * VM, and a vCPU of another VM is refused (EXDEV) with nothing run or
 * changed, whichever VM came first.
 */
TEST_F(refuse, vcpu_of_another_vm)
{
	struct minivm other;
	uint64_t exits = ~0ULL;
	long vms;
	int ctx2;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, minivm_create(&other, NULL));
	ASSERT_EQ(0, minivm_load(&other, GUEST_IMAGE(probe), MINIVM_PROT32));
	vms = kmod_objects("vms");
	check_runs(_metadata, self, self->vm.run);
	EXPECT_EQ(vms + 1, kmod_objects("vms"));
	EXPECT_EQ(-EXDEV, run_with(self->ctx, other.vcpu_fd, other.run,
				   &exits));
	EXPECT_EQ(~0ULL, exits);
	EXPECT_EQ(vms + 1, kmod_objects("vms"));
	rearm(_metadata, self);
	check_runs(_metadata, self, self->vm.run);

	/* The other way round, on a context of its own. */
	ctx2 = kmod_open();
	ASSERT_LE(0, ctx2);
	ASSERT_EQ(0, run_with(ctx2, other.vcpu_fd, other.run, &exits));
	EXPECT_EQ(vms + 2, kmod_objects("vms"));
	exits = ~0ULL;
	EXPECT_EQ(-EXDEV, run_with(ctx2, self->vm.vcpu_fd, self->vm.run,
				   &exits));
	EXPECT_EQ(~0ULL, exits);
	close(ctx2);
	EXPECT_EQ(vms + 1, kmod_objects("vms"));
	minivm_destroy(&other);
}

/*
 * The context holds its VM, and the VM's vendor module, after the VMM
 * closed every KVM descriptor: until the context goes, the VM cannot be
 * destroyed under it, nor kvm_amd unloaded while a VM's destruction
 * still needs its code.
 */
TEST_F(refuse, context_holds_its_vm)
{
	const char *vendor = "kvm_amd";
	long vms, refs, held;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	if (kmod_module_refs(vendor) < 0)
		vendor = "kvm_intel";
	ASSERT_LE(0, kmod_module_refs(vendor));
	vms = kmod_objects("vms");
	check_runs(_metadata, self, self->vm.run);
	held = kmod_module_refs(vendor);
	minivm_destroy(&self->vm);
	self->vm.run = NULL;
	EXPECT_EQ(vms + 1, kmod_objects("vms"));
	refs = kmod_module_refs(vendor);
	/* What the VM's files held is gone; the context's hold is not. */
	EXPECT_LT(0, refs);
	EXPECT_GE(held, refs);
	close(self->ctx);
	self->ctx = -1;
	EXPECT_EQ(vms, kmod_objects("vms"));
	EXPECT_GT(refs, kmod_module_refs(vendor));
}

TEST_HARNESS_MAIN
