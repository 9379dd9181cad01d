// SPDX-License-Identifier: GPL-2.0
/*
 * Level 3's lifecycle and its refusals. VMDEV_KVM_ATTACH takes only a
 * KVM VM fd of the caller's (anything else: EBADF or EINVAL), and only
 * the context's VM (EXDEV, both orders with VMDEV_RUN). Attached, the
 * context holds the VM, its vendor module and its KVM bus device after
 * the VMM closed every KVM descriptor (kvm_amd cannot be unloaded, nor
 * vmdev.ko); closing the context first takes the device off KVM's bus,
 * and the guest's accesses exit to userspace again. With level3=off the
 * module refuses to attach (EOPNOTSUPP) and serves the same device at
 * level 1 with the same results; a bad level3= refuses to load.
 *
 * The module tests need root and VMDEV_KO (the test VM sets both); every
 * test leaves vmdev.ko loaded as it found it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/vmdev.h>

#include "kselftest_harness.h"
#include "kmod_run.h"
#include "kmod_level3.h"

GUEST_IMAGE_DECLARE(access);

#define BASE		0x6000
#define NR_READS	64

/* Run a command with up to two arguments: its exit status, or -1. */
static int run_cmd(const char *prog, const char *a1, const char *a2)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid) {
		execlp(prog, prog, a1, a2, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static const char *vendor_module(void)
{
	return kmod_module_refs("kvm_amd") >= 0 ? "kvm_amd" : "kvm_intel";
}

FIXTURE(life) {
	int ctx, kvm_err;
	struct minivm vm;
	struct guest_access_params *p;
	uint64_t user_ios;	/* accesses that reached userspace */
};

FIXTURE_SETUP(life)
{
	self->vm.run = NULL;
	KRUN_SETUP(self->ctx, self->kvm_err);
	if (self->kvm_err || self->ctx < 0)
		return;
	ASSERT_EQ(0, minivm_create(&self->vm, NULL));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	self->p = minivm_gpa(&self->vm, GUEST_PARAM_ADDR, GUEST_PARAM_SIZE);
	ASSERT_NE(NULL, self->p);
}

static bool can_reload(void);
static int run_cmd(const char *prog, const char *a1, const char *a2);

FIXTURE_TEARDOWN(life)
{
	if (self->vm.run)
		minivm_destroy(&self->vm);
	if (self->ctx >= 0)
		close(self->ctx);
	/* A reload test that failed half-way leaves the module loaded. */
	if (can_reload() && kmod_module_refs("vmdev") < 0)
		EXPECT_EQ(0, run_cmd("insmod", getenv("VMDEV_KO"), NULL));
}

/* NR_READS reads of the constant, each checked by the guest. */
static void reads_table(struct guest_access_params *p)
{
	uint32_t i;

	p->nr_ops = NR_READS;
	p->done = 0;
	p->failed = 0;
	for (i = 0; i < NR_READS; i++)
		p->ops[i] = (struct guest_access_op){
			.space = VMDEV_SPACE_PIO, .size = 4, .check = 1,
			.addr = BASE + 4, .value = KMOD_CONST,
		};
}

/* The VMM's own device at BASE, for accesses that reach it. */
static int user_io(void *opaque, struct minivm_io *io)
{
	FIXTURE_DATA(life) *self = opaque;

	self->user_ios++;
	if (!io->write)
		io->data = KMOD_CONST;
	return 0;
}

/* Run the reads to the guest's exit; the accesses that reached us. */
static uint64_t run_reads(struct __test_metadata *_metadata,
			  FIXTURE_DATA(life) *self)
{
	uint32_t result = ~0U;

	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	reads_table(self->p);
	self->user_ios = 0;
	EXPECT_EQ(0, minivm_run_guest(&self->vm, user_io, self, &result));
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	EXPECT_EQ((uint32_t)NR_READS, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	return self->user_ios;
}

/* Everything that is not a KVM VM fd of this process is refused. */
TEST_F(life, refuses_what_is_not_a_vm)
{
	struct vmdev_kvm_attach a = { .size = sizeof(a) };
	long vms = kmod_objects("vms");
	int null_fd, efd, pfd[2];

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(VMDEV_L3_READY, kl3_state(self->ctx));
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, null_fd);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, pipe(pfd));
	EXPECT_EQ(-EBADF, kl3_attach(self->ctx, -1));
	EXPECT_EQ(-EBADF, kl3_attach(self->ctx, 1000000));
	EXPECT_EQ(-EINVAL, kl3_attach(self->ctx, null_fd));
	EXPECT_EQ(-EINVAL, kl3_attach(self->ctx, efd));
	EXPECT_EQ(-EINVAL, kl3_attach(self->ctx, pfd[0]));
	EXPECT_EQ(-EINVAL, kl3_attach(self->ctx, self->vm.kvm_fd));
	EXPECT_EQ(-EINVAL, kl3_attach(self->ctx, self->vm.vcpu_fd));
	EXPECT_EQ(-EINVAL, kl3_attach(self->ctx, self->ctx));
	/* Flags and padding must be zero; the size must cover vm_fd. */
	a.vm_fd = self->vm.vm_fd;
	a.flags = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_KVM_ATTACH, &a));
	a.flags = 0;
	a.pad = 1;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_KVM_ATTACH, &a));
	a.pad = 0;
	a.size = 4;
	EXPECT_EQ(-EINVAL, kmod_ioctl(self->ctx, VMDEV_KVM_ATTACH, &a));
	EXPECT_EQ(-EFAULT, kmod_ioctl(self->ctx, VMDEV_KVM_ATTACH, NULL));
	/* Nothing was bound by any of it. */
	EXPECT_EQ(vms, kmod_objects("vms"));
	EXPECT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	EXPECT_EQ(vms + 1, kmod_objects("vms"));
	close(null_fd);
	close(efd);
	close(pfd[0]);
	close(pfd[1]);
}

/* One context, one VM: another VM's fd or vCPU is EXDEV, both orders. */
TEST_F(life, one_vm_per_context)
{
	struct minivm other = { .run = NULL };
	uint64_t exits;
	int ctx2;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, minivm_create(&other, NULL));
	ASSERT_EQ(0, minivm_load(&other, GUEST_IMAGE(access), MINIVM_LONG64));
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	EXPECT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	EXPECT_EQ(-EXDEV, kl3_attach(self->ctx, other.vm_fd));
	EXPECT_EQ(-EXDEV, krun_once(self->ctx, &other, &exits));

	/* Bound by a vCPU first, then asked to attach to another VM. */
	ctx2 = kmod_open();
	ASSERT_LE(0, ctx2);
	ASSERT_EQ(0, krun_once(ctx2, &other, &exits));
	EXPECT_EQ(-EXDEV, kl3_attach(ctx2, self->vm.vm_fd));
	EXPECT_EQ(0, kl3_attach(ctx2, other.vm_fd));
	close(ctx2);
	minivm_destroy(&other);
}

/*
 * Attached, the device is served by KVM (no exit); the context holds
 * the VM and its vendor module once the VMM closed every KVM
 * descriptor; closing the context lets both go.
 */
TEST_F(life, vm_closed_while_attached)
{
	const char *vendor = vendor_module();
	long vms = kmod_objects("vms");
	long bus = kmod_objects("kvm_bus_devices");
	long refs;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_LE(0, kmod_module_refs(vendor));
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, BASE, KMOD_WINDOW, NULL));
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	EXPECT_EQ(bus + 1, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ(0U, run_reads(_metadata, self));
	minivm_destroy(&self->vm);
	self->vm.run = NULL;
	EXPECT_EQ(vms + 1, kmod_objects("vms"));
	EXPECT_EQ(bus + 1, kmod_objects("kvm_bus_devices"));
	refs = kmod_module_refs(vendor);
	EXPECT_LT(0, refs);
	EXPECT_NE(0, run_cmd("rmmod", vendor, NULL));
	EXPECT_LE(0, kmod_module_refs(vendor));
	EXPECT_NE(0, run_cmd("rmmod", "vmdev", NULL));
	close(self->ctx);
	self->ctx = -1;
	EXPECT_EQ(vms, kmod_objects("vms"));
	EXPECT_EQ(bus, kmod_objects("kvm_bus_devices"));
	EXPECT_GT(refs, kmod_module_refs(vendor));
}

/* The context closed first: its device leaves KVM's bus with it. */
TEST_F(life, context_closed_first)
{
	long bus = kmod_objects("kvm_bus_devices");

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, BASE, KMOD_WINDOW, NULL));
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	EXPECT_EQ(0U, run_reads(_metadata, self));
	close(self->ctx);
	self->ctx = -1;
	EXPECT_EQ(bus, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ((uint64_t)NR_READS, run_reads(_metadata, self));
}

/*
 * Destroying the device takes its window off KVM's bus; a new one is
 * served at level 3 again, and a device added inside the window's reach
 * needs no new KVM device.
 */
TEST_F(life, hotplug_moves_windows)
{
	long bus = kmod_objects("kvm_bus_devices");
	uint32_t id, id2;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	EXPECT_EQ(bus, kmod_objects("kvm_bus_devices"));
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, BASE, KMOD_WINDOW, &id));
	EXPECT_EQ(VMDEV_LEVEL_KVM_BUS, kl3_level_of(self->ctx, PIO, BASE));
	EXPECT_EQ(0U, run_reads(_metadata, self));
	ASSERT_EQ(0, kmod_destroy(self->ctx, id));
	EXPECT_EQ(bus, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ((uint64_t)NR_READS, run_reads(_metadata, self));
	/* Two neighbours: one KVM device covers both. */
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, BASE + KMOD_WINDOW,
				  KMOD_WINDOW, &id2));
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, BASE, KMOD_WINDOW, &id));
	EXPECT_EQ(bus + 1, kmod_objects("kvm_bus_devices"));
	EXPECT_EQ(0U, run_reads(_metadata, self));
	ASSERT_EQ(0, kmod_destroy(self->ctx, id2));
	EXPECT_EQ(0U, run_reads(_metadata, self));
	EXPECT_EQ(VMDEV_LEVEL_NONE,
		  kl3_level_of(self->ctx, PIO, BASE + KMOD_WINDOW));
}

/*
 * A KVM ioeventfd (a level 2 doorbell) added inside a window after it
 * still takes its writes: the module applies the doorbell's value, not
 * the guest's, and the guest's write makes no exit.
 */
TEST_F(life, ioeventfd_inside_window)
{
	struct vmdev_ioeventfd b = {
		.size = sizeof(b), .reg = KMOD_REG_RW64, .value = 0x1234,
	};
	struct kvm_ioeventfd k = {
		.addr = BASE + 12, .len = 4, .flags = KVM_IOEVENTFD_FLAG_PIO,
	};
	uint32_t id, result = ~0U;
	struct vmdev_stats st;
	uint64_t v;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, BASE, KMOD_WINDOW, &id));
	ASSERT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	b.id = id;
	b.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, b.fd);
	ASSERT_EQ(0, kmod_ioctl(self->ctx, VMDEV_IOEVENTFD, &b));
	k.fd = b.fd;
	ASSERT_EQ(0, ioctl(self->vm.vm_fd, KVM_IOEVENTFD, &k));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	/* The write is to a hole of the device: alone, it would do nothing. */
	reads_table(self->p);
	self->p->nr_ops = 2;
	self->p->ops[1] = (struct guest_access_op){
		.space = VMDEV_SPACE_PIO, .size = 4, .write = 1,
		.addr = BASE + 12, .value = 0xbeef,
	};
	self->user_ios = 0;
	ASSERT_EQ(0, minivm_run_guest(&self->vm, user_io, self, &result));
	EXPECT_EQ((uint32_t)GUEST_PASS, result);
	EXPECT_EQ(0U, self->user_ios);
	ASSERT_EQ(0, krun_stats(self->ctx, id, &st));
	EXPECT_EQ(1U, st.ioeventfds);
	ASSERT_EQ(0, kmod_reg_read(self->ctx, id, KMOD_REG_RW64, &v));
	EXPECT_EQ(0x1234ULL, v);
	close(b.fd);
}

/* ---- the module parameter: needs root and VMDEV_KO ------------------ */

static bool can_reload(void)
{
	return !geteuid() && getenv("VMDEV_KO");
}

/* Reload vmdev.ko with arg (NULL: none): insmod's exit status. */
static int reload(const char *arg)
{
	if (run_cmd("rmmod", "vmdev", NULL))
		return -1;
	return run_cmd("insmod", getenv("VMDEV_KO"), arg);
}

/*
 * level3=off: attaching is refused, and the device gives the guest the
 * same values at level 1, one exit each completed by the run loop.
 */
TEST_F(life, parameter_off_falls_back)
{
	struct krun k;
	int before;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	if (!can_reload())
		SKIP(return, "needs root and VMDEV_KO to reload the module");
	before = kl3_state(self->ctx);
	close(self->ctx);
	self->ctx = -1;
	ASSERT_EQ(0, reload("level3=off"));
	self->ctx = kmod_open();
	ASSERT_LE(0, self->ctx);
	EXPECT_EQ(VMDEV_L3_OFF, kl3_state(self->ctx));
	EXPECT_EQ(-EOPNOTSUPP, kl3_attach(self->ctx, self->vm.vm_fd));
	ASSERT_EQ(0, kmod_create1(self->ctx, PIO, BASE, KMOD_WINDOW, NULL));
	EXPECT_EQ(VMDEV_LEVEL_MODULE, kl3_level_of(self->ctx, PIO, BASE));
	ASSERT_EQ(0, minivm_load(&self->vm, GUEST_IMAGE(access),
				 MINIVM_LONG64));
	reads_table(self->p);
	krun_init(&k, self->ctx, &self->vm, NULL, NULL);
	KRUN_EXPECT(&k, GUEST_PASS);
	EXPECT_EQ((uint32_t)NR_READS, self->p->done);
	EXPECT_EQ(0U, self->p->failed);
	EXPECT_EQ((uint64_t)NR_READS, k.fast_exits);
	close(self->ctx);
	self->ctx = -1;
	/* A value it does not know: no module. */
	EXPECT_NE(0, reload("level3=maybe"));
	EXPECT_EQ(-1, kmod_module_refs("vmdev"));
	ASSERT_EQ(0, run_cmd("insmod", getenv("VMDEV_KO"), NULL));
	self->ctx = kmod_open();
	ASSERT_LE(0, self->ctx);
	EXPECT_EQ(before, kl3_state(self->ctx));
}

/*
 * level3=on loads where level 3 is verified (every test kernel, with
 * the module built as make does) and refuses to load where it is not.
 */
TEST_F(life, parameter_on)
{
	int before;

	KRUN_REQUIRE(self->kvm_err, self->ctx);
	if (!can_reload())
		SKIP(return, "needs root and VMDEV_KO to reload the module");
	before = kl3_state(self->ctx);
	close(self->ctx);
	self->ctx = -1;
	if (before != VMDEV_L3_READY) {
		EXPECT_NE(0, reload("level3=on"));
		EXPECT_EQ(-1, kmod_module_refs("vmdev"));
		ASSERT_EQ(0, run_cmd("insmod", getenv("VMDEV_KO"), NULL));
		return;
	}
	ASSERT_EQ(0, reload("level3=on"));
	self->ctx = kmod_open();
	ASSERT_LE(0, self->ctx);
	EXPECT_EQ(VMDEV_L3_READY, kl3_state(self->ctx));
	EXPECT_EQ(0, kl3_attach(self->ctx, self->vm.vm_fd));
	close(self->ctx);
	self->ctx = -1;
	ASSERT_EQ(0, reload(NULL));
	self->ctx = kmod_open();
	ASSERT_LE(0, self->ctx);
}

TEST_HARNESS_MAIN
