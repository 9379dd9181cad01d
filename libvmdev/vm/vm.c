// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The fast-path context of one VM: which mode it runs in, the module
 * context (one open file of /dev/vmdev) in kernel mode, the I/O manager of
 * userspace devices and the interrupt manager. Reference counted, so that
 * a device or a vCPU still running keeps the module context open.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/vmdev.h>

#include "base/internal.h"
#include "irq/irq_internal.h"
#include "vm_internal.h"

#define VMDEV_NODE	"/dev/vmdev"

/*
 * The commands a kernel-mode context needs beyond the access ioctls. An
 * argument whose size field is 0 is refused by every command that exists
 * (-EINVAL, before anything is done); a command the module does not
 * have fails with -ENOTTY.
 */
static const unsigned long fast_path_cmds[] = {
	VMDEV_RUN, VMDEV_IRQFD, VMDEV_IOEVENTFD, VMDEV_NOTIFYFD,
	VMDEV_GET_STATS,
};

static int module_has_fast_path(int fd)
{
	uint64_t zero[8] = { 0 };
	size_t i;

	for (i = 0; i < sizeof(fast_path_cmds) / sizeof(fast_path_cmds[0]);
	     i++) {
		if (ioctl(fd, fast_path_cmds[i], zero) < 0 && errno == ENOTTY)
			return vmdev_err(EOPNOTSUPP);
	}
	return 0;
}

/* A module context for this VM: its fd, or -errno. */
static int open_module(void)
{
	int fd, ret;

	fd = open(VMDEV_NODE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return vmdev_err(errno);
	ret = ioctl(fd, VMDEV_GET_API_VERSION, 0);
	if (ret != VMDEV_API_VERSION)
		ret = vmdev_err(ret < 0 && errno != ENOTTY ? errno :
				EPROTONOSUPPORT);
	else
		ret = module_has_fast_path(fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Resolve the mode: AUTO takes the module when it can be used. */
static int pick_mode(struct vmdev_vm *vm, enum vmdev_vm_mode mode)
{
	int fd;

	if (mode == VMDEV_VM_USER)
		goto user;
	fd = open_module();
	if (fd >= 0) {
		vm->ctx_fd = fd;
		vm->mode = VMDEV_VM_KERNEL;
		vm->ops = &vmdev_regdev_kernel_ops;
		return 0;
	}
	if (mode == VMDEV_VM_KERNEL)
		return fd;
user:
	vm->mode = VMDEV_VM_USER;
	vm->ops = &vmdev_regdev_user_ops;
	return 0;
}

/*
 * A KVM VM: its anonymous inode's name says so, and, where /proc cannot
 * tell, it answers KVM_CHECK_EXTENSION (vCPU fds and other files do not;
 * the capability itself is moot).
 */
static int check_vm_fd(int vm_fd)
{
	int ret;

	if (vm_fd < 0)
		return vmdev_err(EBADF);
	ret = vmdev_fd_is_anon(vm_fd, "kvm-vm");
	if (ret < 0)
		return ret;
	if (!ret || ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) < 0)
		return vmdev_err(ENOTTY);
	return 0;
}

/*
 * Level 3: attach the module context to the VM. A module that cannot
 * (level3=off, an unverified kernel: EOPNOTSUPP) or does not know the
 * command (ENOTTY) leaves the context at levels 1 and 2, which behave
 * the same; anything else is an error.
 */
static int attach_kvm_bus(struct vmdev_vm *vm)
{
	struct vmdev_kvm_attach a = { .size = sizeof(a), .vm_fd = vm->vm_fd };

	if (vm->mode != VMDEV_VM_KERNEL)
		return 0;
	if (!ioctl(vm->ctx_fd, VMDEV_KVM_ATTACH, &a)) {
		vm->kvm_bus = true;
		return 0;
	}
	return errno == EOPNOTSUPP || errno == ENOTTY ? 0 : vmdev_err(errno);
}

static int take_managers(struct vmdev_vm *vm, const struct vmdev_vm_opts *o)
{
	int ret;

	vm->io = VMDEV_OPT(o, io, NULL);
	if (!vm->io) {
		ret = vmdev_io_manager_new(NULL, &vm->io);
		if (ret)
			return ret;
		vm->own_io = true;
	}
	vm->irqs = VMDEV_OPT(o, irqs, NULL);
	if (vm->irqs)
		vmdev_irq_manager_get(vm->irqs);
	return 0;
}

static void vm_destroy(struct vmdev_vm *vm)
{
	if (vm->own_io)
		vmdev_io_manager_free(vm->io);
	if (vm->irqs)
		vmdev_irq_manager_put(vm->irqs);
	if (vm->ctx_fd >= 0)
		close(vm->ctx_fd);
	/* The last doorbell table: one allocation (doorbell.c), unshared. */
	free(vm->doorbells);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

int vmdev_vm_new(int vm_fd, const struct vmdev_vm_opts *opts,
		 struct vmdev_vm **out)
{
	enum vmdev_vm_mode mode = VMDEV_OPT(opts, mode, VMDEV_VM_AUTO);
	struct vmdev_vm *vm;
	int ret;

	if (!out || VMDEV_OPTS_CHECK(opts, kvm_bus))
		return vmdev_err(EINVAL);
	if (mode != VMDEV_VM_AUTO && mode != VMDEV_VM_KERNEL &&
	    mode != VMDEV_VM_USER)
		return vmdev_err(EINVAL);
	ret = check_vm_fd(vm_fd);
	if (ret)
		return ret;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return vmdev_err(ENOMEM);
	atomic_init(&vm->refs, 1);
	atomic_init(&vm->deferred, 0);
	vm->vm_fd = vm_fd;
	vm->ctx_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	ret = pick_mode(vm, mode);
	if (!ret)
		ret = take_managers(vm, opts);
	if (!ret && VMDEV_OPT(opts, kvm_bus, false))
		ret = attach_kvm_bus(vm);
	if (ret) {
		vm_destroy(vm);
		return vmdev_err(-ret);
	}
	*out = vm;
	return 0;
}

void vmdev_vm_get(struct vmdev_vm *vm)
{
	atomic_fetch_add_explicit(&vm->refs, 1, memory_order_relaxed);
}

void vmdev_vm_put(struct vmdev_vm *vm)
{
	if (vm && atomic_fetch_sub_explicit(&vm->refs, 1,
					    memory_order_acq_rel) == 1)
		vm_destroy(vm);
}

void vmdev_vm_free(struct vmdev_vm *vm)
{
	if (!vm)
		return;
	vmdev_vm_drain_deferred(vm);
	vmdev_vm_put(vm);
}

enum vmdev_vm_mode vmdev_vm_mode(const struct vmdev_vm *vm)
{
	return vm ? vm->mode : VMDEV_VM_AUTO;
}

struct vmdev_io_manager *vmdev_vm_io(const struct vmdev_vm *vm)
{
	return vm ? vm->io : NULL;
}

void vmdev_vm_drain_deferred(struct vmdev_vm *vm)
{
	if (atomic_load(&vm->deferred))
		urcu_memb_barrier();
}

int vmdev_fill_out(void *dst, size_t dst_sz, const void *src, size_t src_sz)
{
	if (!dst || dst_sz < sizeof(size_t))
		return vmdev_err(EINVAL);
	/* The caller's size field stays as the caller set it. */
	memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
	       (dst_sz < src_sz ? dst_sz : src_sz) - sizeof(size_t));
	if (dst_sz > src_sz)
		memset((char *)dst + src_sz, 0, dst_sz - src_sz);
	return 0;
}

int vmdev_fd_link(int fd, char *buf, size_t len)
{
	char path[32];
	ssize_t n;

	if (fcntl(fd, F_GETFD) < 0)
		return vmdev_err(errno);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return vmdev_err(ENOENT);
	buf[n] = 0;
	return 0;
}

int vmdev_fd_is_anon(int fd, const char *name)
{
	char link[64];
	int ret;

	ret = vmdev_fd_link(fd, link, sizeof(link));
	if (ret)
		return ret == -ENOENT ? 1 : ret;	/* no /proc */
	return !strncmp(link, "anon_inode:", 11) &&
	       !strncmp(link + 11, name, strlen(name));
}

int vmdev_vm_level(const struct vmdev_vm *vm, enum vmdev_space space,
		   uint64_t addr)
{
	struct vmdev_level l = {
		.size = sizeof(l), .space = space, .addr = addr,
	};

	if (!vm || (space != VMDEV_PIO && space != VMDEV_MMIO) ||
	    (space == VMDEV_PIO && addr > 0xffff))
		return vmdev_err(EINVAL);
	if (vm->mode != VMDEV_VM_KERNEL)
		return 0;
	if (ioctl(vm->ctx_fd, VMDEV_GET_LEVEL, &l))
		return vmdev_err(errno == ENOTTY ? EOPNOTSUPP : errno);
	return l.level == VMDEV_LEVEL_KVM_BUS ? 3 :
	       l.level == VMDEV_LEVEL_MODULE ? 1 : 0;
}
