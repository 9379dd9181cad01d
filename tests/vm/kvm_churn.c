// SPDX-License-Identifier: GPL-2.0
/*
 * KVM alone, churned: create a VM with one vCPU, run it to a "hlt" in
 * real mode, destroy it, N times (argument, default 1000), with vmdev.ko
 * unloaded first and loaded again at the end ($VMDEV_KO), so that the
 * module cannot be part of what happens. `make vm-churn` runs it in the
 * test VM (Documentation/guests.rst, "The nested test bed"): on 6.1 every
 * last VM's destruction and every first VM's creation take all CPUs in
 * and out of virtualization by IPIs. TAP on stdout: one test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kvm.h>

#define HLT	0xf4

struct churn_vm {
	int kvm, vm, vcpu;
	unsigned char *mem;
	struct kvm_run *run;
	long run_size;
};

/* Real mode at 0: CS base 0, the first byte of memory is a hlt. */
static int enter_at_zero(struct churn_vm *c)
{
	struct kvm_regs regs = { .rip = 0, .rflags = 2 };
	struct kvm_sregs sregs;

	if (ioctl(c->vcpu, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(c->vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(c->vcpu, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

static int churn_create(struct churn_vm *c)
{
	struct kvm_userspace_memory_region r = { .memory_size = 4096 };

	c->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (c->kvm < 0)
		return -errno;
	c->vm = ioctl(c->kvm, KVM_CREATE_VM, 0);
	if (c->vm < 0)
		return -errno;
	c->mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->mem == MAP_FAILED)
		return -errno;
	c->mem[0] = HLT;
	r.userspace_addr = (unsigned long)c->mem;
	if (ioctl(c->vm, KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	c->vcpu = ioctl(c->vm, KVM_CREATE_VCPU, 0);
	c->run_size = ioctl(c->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (c->vcpu < 0 || c->run_size <= 0)
		return -errno;
	c->run = mmap(NULL, c->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->vcpu, 0);
	if (c->run == MAP_FAILED)
		return -errno;
	return enter_at_zero(c);
}

static void churn_destroy(struct churn_vm *c)
{
	if (c->run && c->run != MAP_FAILED)
		munmap(c->run, c->run_size);
	if (c->mem && c->mem != MAP_FAILED)
		munmap(c->mem, 4096);
	if (c->vcpu >= 0)
		close(c->vcpu);
	if (c->vm >= 0)
		close(c->vm);
	if (c->kvm >= 0)
		close(c->kvm);
}

/* One VM's life: 0 or -errno (-EPROTO: it did not stop at its hlt). */
static int one_life(void)
{
	struct churn_vm c = { .kvm = -1, .vm = -1, .vcpu = -1 };
	int ret = churn_create(&c);

	if (!ret && ioctl(c.vcpu, KVM_RUN, 0))
		ret = -errno;
	if (!ret && c.run->exit_reason != KVM_EXIT_HLT)
		ret = -EPROTO;
	churn_destroy(&c);
	return ret;
}

/* vmdev.ko back as it was: 0, or -errno. */
static int reload_vmdev(void)
{
	const char *ko = getenv("VMDEV_KO");
	int fd, ret = 0;

	if (!ko)
		return 0;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		ret = -errno;
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, i, ret = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	if (syscall(SYS_delete_module, "vmdev", O_NONBLOCK) && errno != ENOENT)
		printf("# vmdev stays loaded: %s\n", strerror(errno));
	for (i = 0; i < n && !ret; i++) {
		ret = one_life();
		if (i % 100 == 0)
			printf("# %d VMs created, run and destroyed\n", i);
	}
	if (reload_vmdev())
		printf("# vmdev.ko could not be loaded again\n");
	if (ret)
		printf("not ok 1 churn (VM %d: %s)\n", i - 1, strerror(-ret));
	else
		printf("ok 1 churn of %d VMs\n", n);
	return ret ? 1 : 0;
}
