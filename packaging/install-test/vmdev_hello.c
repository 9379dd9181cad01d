// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * An out-of-tree program built against an installed libvmdev with
 * `pkg-config --cflags --libs libvmdev` alone (packaging/check-install.sh):
 * the public headers compile, the shared library links and loads, and
 * its calls behave. A userspace device answers on a PIO and an MMIO
 * range through the I/O manager; then a VM context: with /dev/kvm, in
 * user mode on a real KVM VM, and in kernel mode only if vmdev.ko is
 * there; without /dev/kvm (or with VMDEV_TEST_NO_KVM=1), the documented
 * errors. Exit 0 on success,
 * 1 on a failed check (each one printed).
 */
/* O_CLOEXEC under -std=c11: the program asks for POSIX.1-2008 itself. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/vmdev.h>
#include <vmdev/io.h>
#include <vmdev/resource.h>
#include <vmdev/vm.h>

static int failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		failed = 1;						\
	}								\
} while (0)

static int dev_read(void *opaque, enum vmdev_space space, uint64_t base,
		    uint64_t offset, void *data, size_t len)
{
	(void)opaque;
	(void)base;
	/* Each byte reads as its offset, plus 0x80 on MMIO. */
	for (size_t i = 0; i < len; i++)
		((uint8_t *)data)[i] = (uint8_t)(offset + i +
						 (space == VMDEV_MMIO ? 0x80 : 0));
	return 0;
}

static int dev_write(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, const void *data, size_t len)
{
	(void)space;
	(void)base;
	(void)offset;
	*(uint8_t *)opaque = len ? *(const uint8_t *)data : 0;
	return 0;
}

static void check_io(void)
{
	struct vmdev_resource pio = { .type = VMDEV_RES_PIO,
				      .range = { 0x3f8, 8 } };
	struct vmdev_resource mmio = { .type = VMDEV_RES_MMIO,
				       .range = { 0xd0000000, 0x1000 } };
	struct vmdev_resource bad = { .type = VMDEV_RES_PIO,
				      .range = { 0xfffe, 4 } };
	VMDEV_OPTS(vmdev_io_manager_opts, mopts);
	struct vmdev_resources *res = NULL;
	struct vmdev_io_manager *mgr = NULL;
	struct vmdev_device *dev = NULL;
	uint8_t last = 0, buf[4] = { 0 };
	VMDEV_OPTS(vmdev_device_opts, dopts, .read = dev_read,
		   .write = dev_write, .opaque = &last);

	CHECK(vmdev_resources_new(&res) == 0);
	CHECK(vmdev_resources_append(res, &pio) == 0);
	CHECK(vmdev_resources_append(res, &mmio) == 0);
	/* A PIO range past 0xffff is refused. */
	CHECK(vmdev_resources_append(res, &bad) == -EINVAL);
	CHECK(vmdev_io_manager_new(&mopts, &mgr) == 0);
	CHECK(vmdev_device_new(&dopts, &dev) == 0);
	CHECK(vmdev_io_register(mgr, dev, res) == 2);
	CHECK(vmdev_io_register(mgr, dev, res) == -EEXIST);

	CHECK(vmdev_io_read(mgr, VMDEV_PIO, 0x3f9, buf, 2) == 0);
	CHECK(buf[0] == 1 && buf[1] == 2);
	CHECK(vmdev_io_read(mgr, VMDEV_MMIO, 0xd0000010, buf, 4) == 0);
	CHECK(buf[0] == 0x90 && buf[3] == 0x93);
	CHECK(vmdev_io_write(mgr, VMDEV_PIO, 0x3f8, "\x5a", 1) == 0);
	CHECK(last == 0x5a);
	/* Nothing there; too long for the PIO bus. */
	CHECK(vmdev_io_read(mgr, VMDEV_PIO, 0x400, buf, 1) == -ENOENT);
	CHECK(vmdev_io_read(mgr, VMDEV_PIO, 0x3f8, buf, 8) == -E2BIG);

	CHECK(vmdev_io_unregister(mgr, res) == 2);
	CHECK(vmdev_io_nr_ranges(mgr, VMDEV_PIO) == 0);
	vmdev_device_put(dev);
	vmdev_io_manager_free(mgr);
	vmdev_resources_free(res);
}

static bool no_kvm(void)
{
	const char *v = getenv("VMDEV_TEST_NO_KVM");

	return v && *v && strcmp(v, "0");
}

static void check_vm(void)
{
	VMDEV_OPTS(vmdev_vm_opts, user, .mode = VMDEV_VM_USER);
	VMDEV_OPTS(vmdev_vm_opts, kernel, .mode = VMDEV_VM_KERNEL);
	struct vmdev_vm *vm = NULL;
	int kvm, vm_fd, ret;

	CHECK(vmdev_vm_new(-1, &user, &vm) == -EBADF);
	/*
	 * VMDEV_TEST_NO_KVM=1: behave as on a machine without /dev/kvm
	 * (the project's convention, tests/guest/no_kvm.h), so that the
	 * test runs both paths on every machine.
	 */
	if (no_kvm()) {
		printf("vmdev_hello: VMDEV_TEST_NO_KVM set: VM contexts not tried\n");
		return;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("vmdev_hello: no /dev/kvm (%d): VM contexts not tried\n",
		       errno);
		return;
	}
	vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm_fd < 0) {
		printf("vmdev_hello: KVM_CREATE_VM: errno %d: not tried\n",
		       errno);
		close(kvm);
		return;
	}
	CHECK(vmdev_vm_new(vm_fd, &user, &vm) == 0);
	CHECK(vmdev_vm_mode(vm) == VMDEV_VM_USER);
	CHECK(vmdev_vm_io(vm) != NULL);
	vmdev_vm_free(vm);
	vm = NULL;
	ret = vmdev_vm_new(vm_fd, &kernel, &vm);
	if (access("/dev/vmdev", F_OK) == 0) {
		CHECK(ret == 0 || ret == -EACCES);
		printf("vmdev_hello: kernel mode: %d\n", ret);
	} else {
		/* The module is not loaded here. */
		CHECK(ret == -ENOENT);
	}
	vmdev_vm_free(vm);
	close(vm_fd);
	close(kvm);
}

int main(void)
{
	/* The installed UAPI header is the one the library speaks. */
	CHECK(VMDEV_API_VERSION > 0);
	check_io();
	check_vm();
	printf("vmdev_hello: %s\n", failed ? "FAILED" : "ok");
	return failed;
}
