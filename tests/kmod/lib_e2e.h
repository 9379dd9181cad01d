/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The end-to-end suite of libvmdev's fast path (tests/kmod/lib_*.c): real
 * guests (tests/guest/) on /dev/kvm, run through the library's vCPU run
 * call, with their devices declared through the library. Each test runs
 * in both modes (a FIXTURE_VARIANT): kernel (vmdev.ko's run loop and
 * eventfd bindings) and user (everything in this process), with the same
 * expectations, so both modes give identical results by construction.
 *
 * The same sources build twice: in the test VM (tests/kmod/lib_*.c, where
 * the module is loaded) and on the host (tests/host/vm/vcpu_*.c include
 * them), where the kernel variants skip because there is no /dev/vmdev.
 * minivm only creates the VM, its memory and vCPU and loads the guest;
 * every exit goes through vmdev_vcpu_run().
 *
 * Include after kselftest_harness.h.
 */
#ifndef VMDEV_TESTS_LIB_E2E_H
#define VMDEV_TESTS_LIB_E2E_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/vmdev.h>

#include <vmdev/interrupt.h>
#include <vmdev/io.h>
#include <vmdev/regdev.h>
#include <vmdev/resource.h>
#include <vmdev/vcpu.h>
#include <vmdev/vm.h>

#include "guest_test.h"
#include "minivm.h"
#include "regdev.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define E2E_LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define E2E_LEAK_CHECK() 0
#endif

#define E2E_TIMEOUT_MS		20000
#define E2E_KICK_SIGNAL		SIGUSR1

/* The variants every fixture of the suite has. */
#define E2E_MODES(fixture)						\
	FIXTURE_VARIANT_ADD(fixture, user) { .mode = VMDEV_VM_USER };	\
	FIXTURE_VARIANT_ADD(fixture, kernel) { .mode = VMDEV_VM_KERNEL }

/* One guest, its VM, the library's context and vCPU. */
struct e2e {
	int skip_err;		/* why the test cannot run here, or 0 */
	const char *skip_why;
	bool have_vm;
	struct minivm vm;
	struct vmdev_irq_manager *irqs;
	struct vmdev_vm *ctx;
	struct vmdev_vcpu *vcpu;	/* vCPU 0's: vcpus[0] */
	struct vmdev_vcpu *vcpus[MINIVM_MAX_VCPUS];	/* e2e_opts.nr_vcpus */
	struct vmdev_io_manager *io;
	/*
	 * Called for VMDEV_VCPU_UNHANDLED exits other than the exit port:
	 * complete the access in kvm_run and return 0, or an error that
	 * ends the run. NULL: such an exit ends the run with -ENXIO.
	 */
	int (*unhandled)(struct e2e *e, void *opaque);
	void *unhandled_opaque;
	uint64_t nr_unhandled;
	uint32_t result;	/* what the guest wrote to GUEST_PORT_EXIT */
};

struct e2e_opts {
	enum vmdev_vm_mode mode;
	bool irqchip;
	/* Interrupts to eventfds the test reads, not to the guest. */
	bool eventfd_irqs;
	struct guest_image image;
	enum minivm_mode cpu_mode;
	unsigned int nr_vcpus;	/* 0: 1; each a thread of the test's */
	bool kvm_bus;		/* ask for level 3 (vmdev_vm_opts.kvm_bus) */
};

/* ---- The deadline: a per-thread timer whose signal ends KVM_RUN ---------- */

static _Thread_local struct kvm_run *e2e_kick_target;

static void e2e_kick(int sig)
{
	(void)sig;
	if (e2e_kick_target)
		e2e_kick_target->immediate_exit = 1;
}

static inline int e2e_install_kick(void)
{
	struct sigaction sa = { .sa_handler = e2e_kick };

	/* No SA_RESTART: the signal must end a blocking KVM_RUN. */
	sigemptyset(&sa.sa_mask);
	return sigaction(E2E_KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

static inline int e2e_arm(struct e2e *e, timer_t *timer, unsigned int ms)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = E2E_KICK_SIGNAL,
	};
	struct itimerspec its = {
		.it_value.tv_sec = ms / 1000,
		.it_value.tv_nsec = (ms % 1000) * 1000000L,
	};

	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, timer))
		return -errno;
	e2e_kick_target = e->vm.run;
	if (timer_settime(*timer, 0, &its, NULL)) {
		e2e_kick_target = NULL;
		timer_delete(*timer);
		return -errno;
	}
	return 0;
}

static inline void e2e_disarm(struct e2e *e, timer_t timer)
{
	timer_delete(timer);
	e2e_kick_target = NULL;
	e->vm.run->immediate_exit = 0;
}

/* ---- Set-up and teardown ------------------------------------------------- */

/*
 * 0 when the test can run; a positive errno with e->skip_why set when it
 * must skip (no usable /dev/kvm, or kernel mode without vmdev.ko); a
 * negative errno for a failure.
 */
static inline int e2e_init(struct e2e *e, const struct e2e_opts *o)
{
	struct minivm_opts vo = {
		.irqchip = o->irqchip, .timeout_ms = E2E_TIMEOUT_MS,
		.nr_vcpus = o->nr_vcpus,
	};
	VMDEV_OPTS(vmdev_vm_opts, copts, .mode = o->mode,
		   .kvm_bus = o->kvm_bus);
	unsigned int i;
	int ret;

	memset(e, 0, sizeof(*e));
	ret = minivm_usable();
	if (ret) {
		e->skip_why = test_no_kvm() ? TEST_NO_KVM_WHY :
			      "/dev/kvm is not usable here";
		return e->skip_err = -ret;
	}
	if (o->mode == VMDEV_VM_KERNEL && access("/dev/vmdev", F_OK)) {
		e->skip_why = "kernel mode needs vmdev.ko (/dev/vmdev absent)";
		return e->skip_err = ENOENT;
	}
	ret = minivm_create(&e->vm, &vo);
	if (ret)
		return ret;
	e->have_vm = true;
	if (o->image.size)
		ret = minivm_load(&e->vm, o->image, o->cpu_mode);
	if (!ret && o->eventfd_irqs)
		ret = vmdev_irq_manager_new_eventfd(NULL, &e->irqs);
	else if (!ret && o->irqchip)
		ret = vmdev_irq_manager_new_kvm(e->vm.vm_fd, NULL, &e->irqs);
	copts.irqs = e->irqs;
	if (!ret)
		ret = vmdev_vm_new(e->vm.vm_fd, &copts, &e->ctx);
	for (i = 0; !ret && i < e->vm.nr_vcpus; i++)
		ret = vmdev_vcpu_new(e->ctx, e->vm.vcpus[i].fd,
				     e->vm.vcpus[i].run, e->vm.run_size, NULL,
				     &e->vcpus[i]);
	e->vcpu = e->vcpus[0];
	if (!ret)
		ret = e2e_install_kick();
	e->io = vmdev_vm_io(e->ctx);
	return ret;
}

/*
 * Frees what the test left; devices first (they hold the context).
 * Under ASan, the harness's _exit() skips LeakSanitizer: the fixtures'
 * teardowns check with E2E_LEAK_CHECK() after this.
 */
static inline void e2e_fini(struct e2e *e)
{
	unsigned int i;

	for (i = 0; i < MINIVM_MAX_VCPUS; i++) {
		vmdev_vcpu_free(e->vcpus[i]);
		e->vcpus[i] = NULL;
	}
	vmdev_vm_free(e->ctx);
	vmdev_irq_manager_free(e->irqs);
	if (e->have_vm)
		minivm_destroy(&e->vm);
	e->vcpu = NULL;
	e->ctx = NULL;
	e->irqs = NULL;
	e->io = NULL;
	e->have_vm = false;
}

/* In FIXTURE_TEARDOWN: free, then no leak may be left. */
#define E2E_FINI(e)							\
	do {								\
		e2e_fini(e);						\
		EXPECT_EQ(0, E2E_LEAK_CHECK());				\
	} while (0)

/*
 * In FIXTURE_SETUP: record why the test skips (the 6.1 harness runs the
 * body after a SKIP in the set-up, so the body checks E2E_REQUIRE).
 */
#define E2E_SETUP(e, opts)						\
	do {								\
		int __ret = e2e_init(e, opts);				\
		if (__ret > 0)						\
			return;						\
		ASSERT_EQ(0, __ret) {					\
			TH_LOG("set-up: %s", strerror(-__ret));		\
		}							\
	} while (0)

#define E2E_REQUIRE(e)							\
	do {								\
		if ((e)->skip_err)					\
			SKIP(return, "%s", (e)->skip_why);		\
	} while (0)

/* ---- Devices ------------------------------------------------------------- */

static inline struct vmdev_resources *e2e_ranges(uint8_t space, uint64_t base,
						 uint64_t size)
{
	struct vmdev_resource r = {
		.type = space == VMDEV_SPACE_PIO ? VMDEV_RES_PIO :
						   VMDEV_RES_MMIO,
		.range = { .base = base, .size = size },
	};
	struct vmdev_resources *res;

	if (vmdev_resources_new(&res))
		return NULL;
	if (vmdev_resources_append(res, &r)) {
		vmdev_resources_free(res);
		return NULL;
	}
	return res;
}

/* A register device of map d at [base, base + size) of space. */
static inline int e2e_regdev(struct e2e *e, const struct vmdev_rdev_desc *d,
			     uint8_t space, uint64_t base, uint64_t size,
			     vmdev_io_read_fn slow_read,
			     vmdev_io_write_fn slow_write, void *opaque,
			     struct vmdev_regdev **out)
{
	VMDEV_OPTS(vmdev_regdev_opts, o, .flags = d->flags,
		   .dev_size = d->dev_size, .nr_regs = d->nr_regs,
		   .nr_links = d->nr_links, .nr_irqs = d->nr_irqs,
		   .regs = d->regs, .links = d->links, .irqs = d->irqs,
		   .name = "e2e", .slow_read = slow_read,
		   .slow_write = slow_write, .opaque = opaque);
	struct vmdev_resources *res = e2e_ranges(space, base, size);
	int ret;

	if (!res)
		return -ENOMEM;
	ret = vmdev_regdev_new(e->ctx, res, &o, out);
	vmdev_resources_free(res);
	return ret;
}

static inline uint64_t e2e_reg(struct vmdev_regdev *rd, uint32_t reg)
{
	uint64_t v = ~0ULL;

	vmdev_regdev_reg_read(rd, reg, &v);
	return v;
}

static inline struct vmdev_regdev_stats e2e_stats(struct vmdev_regdev *rd)
{
	VMDEV_OPTS(vmdev_regdev_stats, st);

	vmdev_regdev_stats(rd, &st);
	return st;
}

static inline struct vmdev_vcpu_stats e2e_vcpu_stats(struct e2e *e)
{
	VMDEV_OPTS(vmdev_vcpu_stats, st);

	vmdev_vcpu_stats(e->vcpu, &st);
	return st;
}

/* ---- Running the guest --------------------------------------------------- */

/* The guest's write of its result: an exit no device handles. */
static inline bool e2e_exit_port(const struct kvm_run *run, uint32_t *result)
{
	uint32_t v = 0;

	if (run->exit_reason != KVM_EXIT_IO ||
	    run->io.direction != KVM_EXIT_IO_OUT ||
	    run->io.port != GUEST_PORT_EXIT)
		return false;
	memcpy(&v, (const uint8_t *)run + run->io.data_offset,
	       run->io.size < 4 ? run->io.size : 4);
	*result = v;
	return true;
}

/*
 * Run until the guest writes GUEST_PORT_EXIT: 0 with e->result set,
 * -ETIMEDOUT, -EIO (another exit: kvm_run says which), or an error of
 * the run call or of e->unhandled. Signals other than the deadline's
 * (-EINTR without immediate_exit) resume the guest.
 */
static inline int e2e_run_loop(struct e2e *e)
{
	int ret;

	for (;;) {
		ret = vmdev_vcpu_run(e->vcpu);
		if (ret == -EINTR && e->vm.run->immediate_exit)
			return -ETIMEDOUT;
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		if (ret == VMDEV_VCPU_EXIT)
			return -EIO;
		if (e2e_exit_port(e->vm.run, &e->result))
			return 0;
		e->nr_unhandled++;
		if (!e->unhandled)
			return -ENXIO;
		ret = e->unhandled(e, e->unhandled_opaque);
		if (ret)
			return ret;
	}
}

static inline int e2e_run(struct e2e *e)
{
	timer_t timer;
	int ret;

	ret = e2e_arm(e, &timer, E2E_TIMEOUT_MS);
	if (ret)
		return ret;
	ret = e2e_run_loop(e);
	e2e_disarm(e, timer);
	return ret;
}

#define E2E_RUN(e)							\
	do {								\
		int __ret = e2e_run(e);					\
		ASSERT_EQ(0, __ret) {					\
			TH_LOG("run: %s, exit %s", strerror(-__ret),	\
			       minivm_exit_name((e)->vm.run->exit_reason));\
		}							\
	} while (0)

#define E2E_RUN_EXPECT(e, expected)					\
	do {								\
		E2E_RUN(e);						\
		ASSERT_EQ((uint32_t)(expected), (e)->result);		\
	} while (0)

/* The PIO or MMIO access of an unhandled exit, element 0. */
struct e2e_io {
	uint8_t space;
	bool write;
	uint32_t len;
	uint32_t count;		/* elements (string PIO) */
	uint64_t addr;
	uint8_t *data;		/* element 0 in kvm_run */
};

static inline void e2e_io_of(const struct e2e *e, struct e2e_io *io)
{
	struct kvm_run *run = e->vm.run;

	if (run->exit_reason == KVM_EXIT_IO) {
		*io = (struct e2e_io){
			.space = VMDEV_SPACE_PIO, .len = run->io.size,
			.write = run->io.direction == KVM_EXIT_IO_OUT,
			.count = run->io.count, .addr = run->io.port,
			.data = (uint8_t *)run + run->io.data_offset,
		};
	} else {
		*io = (struct e2e_io){
			.space = VMDEV_SPACE_MMIO, .len = run->mmio.len,
			.write = run->mmio.is_write, .count = 1,
			.addr = run->mmio.phys_addr, .data = run->mmio.data,
		};
	}
}

/*
 * Level-triggered lines are resampled at the guest's EOI only where KVM
 * runs the guest with hardware virtualization; a host that runs it in
 * software (PVM: no vmx or svm flag) completes level interrupts when it
 * injects them, so resampling cannot work there.
 */
static inline bool e2e_hw_virt(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "flags", 5) &&
			(strstr(line, " vmx") || strstr(line, " svm"));
	fclose(f);
	return found;
}

#endif /* VMDEV_TESTS_LIB_E2E_H */
