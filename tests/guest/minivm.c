// SPDX-License-Identifier: GPL-2.0
/*
 * minivm: one VM, one vCPU, its exits (see minivm.h). The run loop's
 * deadline is a per-thread POSIX timer whose signal sets the kvm_run
 * page's immediate_exit: KVM_RUN then returns -EINTR whether the signal
 * came while the vCPU ran (or halted) or just before it entered.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vmdev.h>

#include "minivm.h"
#include "minivm_cpu.h"
#include "no_kvm.h"

/* Element values are moved as the low bytes of a u64. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "x86 only");

#define MINIVM_KICK_SIGNAL	SIGALRM

/* glibc names the SIGEV_THREAD_ID target only from 2.39 on. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

/* The kvm_run page the deadline signal of this thread kicks. */
static _Thread_local struct kvm_run *kick_target;

static void kick(int sig)
{
	(void)sig;
	if (kick_target)
		kick_target->immediate_exit = 1;
}

static int open_vm(struct minivm *vm)
{
	if (test_no_kvm())
		return -ENODEV;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return -errno;
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return -ENOTSUP;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return -errno;
	return 0;
}

int minivm_usable(void)
{
	struct minivm vm = { .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1 };
	int ret;

	ret = open_vm(&vm);
	minivm_destroy(&vm);
	return ret;
}

static int add_memory(struct minivm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM_SIZE,
	};

	vm->mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return -errno;
	}
	region.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	return 0;
}

static int add_vcpu(struct minivm *vm)
{
	void *run;
	int size;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return -errno;
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return size < 0 ? -errno : -EPROTO;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vm->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return -errno;
	vm->run = run;
	vm->run_size = size;
	return minivm_cpu_set_cpuid(vm);
}

static int install_kick(void)
{
	struct sigaction sa = { .sa_handler = kick };

	/* No SA_RESTART: the signal must end a blocking KVM_RUN. */
	sigemptyset(&sa.sa_mask);
	return sigaction(MINIVM_KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

int minivm_create(struct minivm *vm, const struct minivm_opts *opts)
{
	static const struct minivm_opts defaults;
	int ret;

	if (!opts)
		opts = &defaults;
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = -1;
	vm->vm_fd = -1;
	vm->vcpu_fd = -1;
	vm->irqchip = opts->irqchip;
	vm->timeout_ms = opts->timeout_ms ? opts->timeout_ms :
			 MINIVM_TIMEOUT_MS;

	ret = open_vm(vm);
	if (!ret && vm->irqchip && ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		ret = -errno;
	if (!ret)
		ret = add_memory(vm);
	if (!ret)
		ret = add_vcpu(vm);
	if (!ret)
		ret = install_kick();
	if (ret)
		minivm_destroy(vm);
	return ret;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void minivm_destroy(struct minivm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	vm->run = NULL;
	close_fd(&vm->vcpu_fd);
	close_fd(&vm->vm_fd);
	close_fd(&vm->kvm_fd);
	if (vm->mem)
		munmap(vm->mem, GUEST_MEM_SIZE);
	vm->mem = NULL;
}

void *minivm_gpa(struct minivm *vm, uint64_t gpa, size_t len)
{
	if (gpa > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - gpa)
		return NULL;
	return vm->mem + gpa;
}

int minivm_load(struct minivm *vm, struct guest_image img,
		enum minivm_mode mode)
{
	uint8_t *dst = minivm_gpa(vm, GUEST_LOAD_ADDR, GUEST_IMAGE_MAX);

	if (!img.size)
		return -EINVAL;
	if (img.size > GUEST_IMAGE_MAX)
		return -E2BIG;
	memcpy(dst, img.data, img.size);
	memset(dst + img.size, 0, GUEST_IMAGE_MAX - img.size);
	return minivm_cpu_enter(vm, mode);
}

int minivm_run(struct minivm *vm)
{
	vm->stats.runs++;
	return ioctl(vm->vcpu_fd, KVM_RUN, 0) ? -errno : 0;
}

/* Every element of a PIO exit, at data_offset in the run page. */
static int complete_pio(struct minivm *vm, minivm_io_fn fn, void *opaque)
{
	const struct kvm_run *run = vm->run;
	uint32_t size = run->io.size, count = run->io.count, i;
	uint8_t *p = (uint8_t *)vm->run + run->io.data_offset;
	struct minivm_io io;
	int ret;

	if ((size != 1 && size != 2 && size != 4) || !count ||
	    run->io.data_offset > vm->run_size ||
	    (uint64_t)size * count > vm->run_size - run->io.data_offset)
		return -EPROTO;
	vm->stats.pio_exits++;
	vm->stats.pio_elems += count;
	if (count > vm->stats.pio_max_count)
		vm->stats.pio_max_count = count;
	for (i = 0; i < count; i++, p += size) {
		io = (struct minivm_io){
			.addr = run->io.port, .len = size,
			.space = VMDEV_SPACE_PIO,
			.write = run->io.direction == KVM_EXIT_IO_OUT,
		};
		if (io.write)
			memcpy(&io.data, p, size);
		ret = fn(opaque, &io);
		if (ret)
			return ret;
		if (!io.write)
			memcpy(p, &io.data, size);
	}
	return 0;
}

static int complete_mmio(struct minivm *vm, minivm_io_fn fn, void *opaque)
{
	struct kvm_run *run = vm->run;
	struct minivm_io io = {
		.addr = run->mmio.phys_addr, .len = run->mmio.len,
		.space = VMDEV_SPACE_MMIO, .write = run->mmio.is_write,
	};
	int ret;

	if (!io.len || io.len > sizeof(run->mmio.data))
		return -EPROTO;
	vm->stats.mmio_exits++;
	if (io.write)
		memcpy(&io.data, run->mmio.data, io.len);
	ret = fn(opaque, &io);
	if (!ret && !io.write)
		memcpy(run->mmio.data, &io.data, io.len);
	return ret;
}

int minivm_complete_io(struct minivm *vm, minivm_io_fn fn, void *opaque)
{
	switch (vm->run->exit_reason) {
	case KVM_EXIT_IO:
		return complete_pio(vm, fn, opaque);
	case KVM_EXIT_MMIO:
		return complete_mmio(vm, fn, opaque);
	default:
		return -EINVAL;
	}
}

/* The guest's result, if this exit is its write to GUEST_PORT_EXIT. */
static bool guest_exited(const struct minivm *vm, uint32_t *result)
{
	const struct kvm_run *run = vm->run;
	uint32_t value = 0;

	if (run->exit_reason != KVM_EXIT_IO ||
	    run->io.direction != KVM_EXIT_IO_OUT ||
	    run->io.port != GUEST_PORT_EXIT)
		return false;
	if (run->io.size <= sizeof(value))
		memcpy(&value, (const uint8_t *)run + run->io.data_offset,
		       run->io.size);
	*result = value;
	return true;
}

static int arm_deadline(struct minivm *vm, timer_t *timer)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = MINIVM_KICK_SIGNAL,
	};
	struct itimerspec its = {
		.it_value.tv_sec = vm->timeout_ms / 1000,
		.it_value.tv_nsec = (vm->timeout_ms % 1000) * 1000000L,
	};

	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, timer))
		return -errno;
	kick_target = vm->run;
	if (timer_settime(*timer, 0, &its, NULL)) {
		kick_target = NULL;
		timer_delete(*timer);
		return -errno;
	}
	return 0;
}

static void disarm_deadline(struct minivm *vm, timer_t timer)
{
	timer_delete(timer);
	kick_target = NULL;
	vm->run->immediate_exit = 0;
}

static int run_loop(struct minivm *vm, minivm_io_fn fn, void *opaque,
		    uint32_t *result)
{
	int ret;

	for (;;) {
		ret = minivm_run(vm);
		if (ret == -EINTR && vm->run->immediate_exit)
			return -ETIMEDOUT;
		if (ret == -EINTR)
			continue;	/* another signal: carry on */
		if (ret)
			return ret;
		if (guest_exited(vm, result))
			return 0;
		if (vm->run->exit_reason != KVM_EXIT_IO &&
		    vm->run->exit_reason != KVM_EXIT_MMIO)
			return -EIO;
		ret = minivm_complete_io(vm, fn, opaque);
		if (ret)
			return ret;
	}
}

int minivm_run_guest(struct minivm *vm, minivm_io_fn fn, void *opaque,
		     uint32_t *result)
{
	timer_t timer;
	int ret;

	ret = arm_deadline(vm, &timer);
	if (ret)
		return ret;
	ret = run_loop(vm, fn, opaque, result);
	disarm_deadline(vm, timer);
	return ret;
}

int minivm_irqfd(struct minivm *vm, uint32_t gsi, int *irqfd,
		 int *resamplefd)
{
	struct kvm_irqfd req = { .gsi = gsi };
	int fd, rfd = -1, ret = 0;

	fd = eventfd(0, EFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (resamplefd) {
		rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (rfd < 0)
			ret = -errno;
		req.flags = KVM_IRQFD_FLAG_RESAMPLE;
		req.resamplefd = rfd;
	}
	req.fd = fd;
	if (!ret && ioctl(vm->vm_fd, KVM_IRQFD, &req))
		ret = -errno;
	if (ret) {
		close_fd(&fd);
		close_fd(&rfd);
		return ret;
	}
	*irqfd = fd;
	if (resamplefd)
		*resamplefd = rfd;
	return 0;
}

const char *minivm_exit_name(uint32_t exit_reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO",
		[KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG",
		[KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_NMI] = "NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	};

	if (exit_reason < sizeof(names) / sizeof(names[0]) &&
	    names[exit_reason])
		return names[exit_reason];
	return "UNKNOWN";
}
