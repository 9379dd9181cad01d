// SPDX-License-Identifier: GPL-2.0
/*
 * minivm: one VM, its vCPUs, their exits (see minivm.h). The run loop's
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

/* vCPU index (its KVM id too), counted in nr_vcpus once it exists. */
static int add_vcpu(struct minivm *vm, unsigned int index)
{
	struct minivm_vcpu *v = &vm->vcpus[index];
	void *run;
	int size;

	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, index);
	if (v->fd < 0)
		return -errno;
	vm->nr_vcpus = index + 1;
	if (!index)
		vm->vcpu_fd = v->fd;
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return size < 0 ? -errno : -EPROTO;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED)
		return -errno;
	v->run = run;
	vm->run_size = size;
	if (!index)
		vm->run = run;
	return minivm_cpu_set_cpuid(vm, v->fd);
}

static int add_vcpus(struct minivm *vm, unsigned int n)
{
	unsigned int i;
	int ret = 0;

	if (n > MINIVM_MAX_VCPUS)
		return -EINVAL;
	for (i = 0; !ret && i < (n ? n : 1); i++)
		ret = add_vcpu(vm, i);
	return ret;
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
	if (opts->nr_vcpus > MINIVM_MAX_VCPUS)
		return -EINVAL;
	vm->irqchip = opts->irqchip;
	vm->timeout_ms = opts->timeout_ms ? opts->timeout_ms :
			 MINIVM_TIMEOUT_MS;

	ret = open_vm(vm);
	if (!ret && vm->irqchip && ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		ret = -errno;
	if (!ret)
		ret = add_memory(vm);
	if (!ret)
		ret = add_vcpus(vm, opts->nr_vcpus);
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

/*
 * vCPU 0 may exist without vcpus[] (a struct minivm set up by hand, as
 * minivm_usable() does, has nr_vcpus 0): it is released through vcpu_fd
 * and run, the others through vcpus[].
 */
void minivm_destroy(struct minivm *vm)
{
	unsigned int i;

	for (i = 1; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->run_size);
		vm->vcpus[i].run = NULL;
		close_fd(&vm->vcpus[i].fd);
	}
	vm->nr_vcpus = 0;
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
	unsigned int i;
	int ret = 0;

	if (!img.size)
		return -EINVAL;
	if (img.size > GUEST_IMAGE_MAX)
		return -E2BIG;
	memcpy(dst, img.data, img.size);
	memset(dst + img.size, 0, GUEST_IMAGE_MAX - img.size);
	for (i = 0; !ret && i < vm->nr_vcpus; i++)
		ret = minivm_cpu_enter(vm, i, mode);
	return ret;
}

/*
 * What the loops below work on: one vCPU's descriptor and run page, and
 * the counters of its exits (NULL: not counted).
 */
struct vcpu_view {
	int fd;
	struct kvm_run *run;
	size_t run_size;
	unsigned int index;
	struct minivm_stats *stats;
};

/* vCPU 0 as minivm_run() sees it (vm may have been set up by hand). */
static struct vcpu_view view0(struct minivm *vm)
{
	return (struct vcpu_view){
		.fd = vm->vcpu_fd, .run = vm->run, .run_size = vm->run_size,
		.stats = &vm->stats,
	};
}

/* vCPU index, from its own thread: not counted. false: no such vCPU. */
static bool view_of(struct minivm *vm, unsigned int index,
		    struct vcpu_view *v)
{
	if (index >= vm->nr_vcpus)
		return false;
	*v = (struct vcpu_view){
		.fd = vm->vcpus[index].fd, .run = vm->vcpus[index].run,
		.run_size = vm->run_size, .index = index,
	};
	return true;
}

static int view_run(const struct vcpu_view *v)
{
	if (v->stats)
		v->stats->runs++;
	return ioctl(v->fd, KVM_RUN, 0) ? -errno : 0;
}

int minivm_run(struct minivm *vm)
{
	struct vcpu_view v = view0(vm);

	return view_run(&v);
}

int minivm_run_vcpu(struct minivm *vm, unsigned int index)
{
	struct vcpu_view v;

	if (!view_of(vm, index, &v))
		return -EINVAL;
	return view_run(&v);
}

/* Every element of a PIO exit, at data_offset in the run page. */
static int complete_pio(const struct vcpu_view *v, minivm_io_fn fn,
			void *opaque)
{
	const struct kvm_run *run = v->run;
	uint32_t size = run->io.size, count = run->io.count, i;
	uint8_t *p = (uint8_t *)v->run + run->io.data_offset;
	struct minivm_stats *stats = v->stats;
	struct minivm_io io;
	int ret;

	if ((size != 1 && size != 2 && size != 4) || !count ||
	    run->io.data_offset > v->run_size ||
	    (uint64_t)size * count > v->run_size - run->io.data_offset)
		return -EPROTO;
	if (stats) {
		stats->pio_exits++;
		stats->pio_elems += count;
		if (count > stats->pio_max_count)
			stats->pio_max_count = count;
	}
	for (i = 0; i < count; i++, p += size) {
		io = (struct minivm_io){
			.addr = run->io.port, .len = size,
			.space = VMDEV_SPACE_PIO,
			.write = run->io.direction == KVM_EXIT_IO_OUT,
			.vcpu = v->index,
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

static int complete_mmio(const struct vcpu_view *v, minivm_io_fn fn,
			 void *opaque)
{
	struct kvm_run *run = v->run;
	struct minivm_io io = {
		.addr = run->mmio.phys_addr, .len = run->mmio.len,
		.space = VMDEV_SPACE_MMIO, .write = run->mmio.is_write,
		.vcpu = v->index,
	};
	int ret;

	if (!io.len || io.len > sizeof(run->mmio.data))
		return -EPROTO;
	if (v->stats)
		v->stats->mmio_exits++;
	if (io.write)
		memcpy(&io.data, run->mmio.data, io.len);
	ret = fn(opaque, &io);
	if (!ret && !io.write)
		memcpy(run->mmio.data, &io.data, io.len);
	return ret;
}

static int complete_io(const struct vcpu_view *v, minivm_io_fn fn,
		       void *opaque)
{
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		return complete_pio(v, fn, opaque);
	case KVM_EXIT_MMIO:
		return complete_mmio(v, fn, opaque);
	default:
		return -EINVAL;
	}
}

int minivm_complete_io(struct minivm *vm, minivm_io_fn fn, void *opaque)
{
	struct vcpu_view v = view0(vm);

	return complete_io(&v, fn, opaque);
}

int minivm_complete_vcpu_io(struct minivm *vm, unsigned int index,
			    minivm_io_fn fn, void *opaque)
{
	struct vcpu_view v;

	if (!view_of(vm, index, &v))
		return -EINVAL;
	return complete_io(&v, fn, opaque);
}

/* The guest's result, if this exit is its write to GUEST_PORT_EXIT. */
static bool guest_exited(const struct kvm_run *run, uint32_t *result)
{
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

static int arm_deadline(struct minivm *vm, struct kvm_run *run,
			timer_t *timer)
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
	kick_target = run;
	if (timer_settime(*timer, 0, &its, NULL)) {
		kick_target = NULL;
		timer_delete(*timer);
		return -errno;
	}
	return 0;
}

static void disarm_deadline(struct kvm_run *run, timer_t timer)
{
	timer_delete(timer);
	kick_target = NULL;
	run->immediate_exit = 0;
}

static int run_loop(const struct vcpu_view *v, minivm_io_fn fn,
		    void *opaque, uint32_t *result)
{
	struct kvm_run *run = v->run;
	int ret;

	for (;;) {
		ret = view_run(v);
		if (ret == -EINTR && run->immediate_exit)
			return -ETIMEDOUT;
		if (ret == -EINTR)
			continue;	/* another signal: carry on */
		if (ret)
			return ret;
		if (guest_exited(run, result))
			return 0;
		if (run->exit_reason != KVM_EXIT_IO &&
		    run->exit_reason != KVM_EXIT_MMIO)
			return -EIO;
		ret = complete_io(v, fn, opaque);
		if (ret)
			return ret;
	}
}

static int run_guest(struct minivm *vm, const struct vcpu_view *v,
		     minivm_io_fn fn, void *opaque, uint32_t *result)
{
	timer_t timer;
	int ret;

	ret = arm_deadline(vm, v->run, &timer);
	if (ret)
		return ret;
	ret = run_loop(v, fn, opaque, result);
	disarm_deadline(v->run, timer);
	return ret;
}

int minivm_run_guest(struct minivm *vm, minivm_io_fn fn, void *opaque,
		     uint32_t *result)
{
	struct vcpu_view v = view0(vm);

	return run_guest(vm, &v, fn, opaque, result);
}

int minivm_run_vcpu_guest(struct minivm *vm, unsigned int index,
			  minivm_io_fn fn, void *opaque, uint32_t *result)
{
	struct vcpu_view v;

	if (!view_of(vm, index, &v))
		return -EINVAL;
	return run_guest(vm, &v, fn, opaque, result);
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
