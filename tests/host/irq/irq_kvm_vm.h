/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal x86 KVM VM for the interrupt tests: the host's /dev/kvm, an
 * in-kernel irqchip, one vCPU whose local APIC is software-enabled, and
 * accessors for what an interrupt leaves behind (LAPIC IRR, IOAPIC IRR).
 *
 * kvm_vm_load_guest() adds a tiny real-mode guest that waits
 * for interrupts with hlt; its handler for one vector writes the LAPIC
 * EOI register and then exits to the host with "out 0x80", so each
 * KVM_EXIT_IO is one interrupt taken and acknowledged (the EOI happened
 * before the exit). kvm_vm_run() runs it until that exit or a timeout.
 */
#ifndef VMDEV_TESTS_IRQ_KVM_VM_H
#define VMDEV_TESTS_IRQ_KVM_VM_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "../../guest/no_kvm.h"

#define KVM_VM_MEM_SIZE		0x10000
#define GUEST_CODE		0x3000
#define GUEST_HANDLER		0x3100
#define GUEST_STACK		0x8000
#define GUEST_EXIT_PORT		0x80
#define GUEST_LAPIC_BASE	0xfee00000

#define LAPIC_SVR		0xf0
#define LAPIC_IRR		0x200
#define LAPIC_SVR_ENABLE	0x100
#define LAPIC_LVT0		0x350
#define LAPIC_LVT_MASKED	(1U << 16)

struct kvm_vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	void *mem;
	struct kvm_run *run;
	size_t run_size;
};

static inline void kvm_vm_init(struct kvm_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = -1;
	vm->vm_fd = -1;
	vm->vcpu_fd = -1;
}

/*
 * Open /dev/kvm and create a VM (with an in-kernel irqchip if asked).
 * NULL on success, else why KVM cannot be used here (for SKIP).
 */
static inline const char *kvm_vm_open(struct kvm_vm *vm, bool irqchip)
{
	kvm_vm_init(vm);
	if (test_no_kvm())
		return TEST_NO_KVM_WHY;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return "/dev/kvm cannot be opened";
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return "/dev/kvm has an unexpected API version";
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return "KVM_CREATE_VM fails";
	if (irqchip && ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		return "KVM_CREATE_IRQCHIP fails (not x86?)";
	return NULL;
}

static inline void kvm_vm_close(struct kvm_vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->mem)
		munmap(vm->mem, KVM_VM_MEM_SIZE);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	kvm_vm_init(vm);
}

static inline uint32_t *lapic_reg(struct kvm_lapic_state *st, unsigned int off)
{
	return (uint32_t *)&st->regs[off];
}

/*
 * vCPU 0 (APIC ID 0) with its local APIC enabled and LINT0 masked: KVM
 * wires the BSP's LINT0 to the PIC (ExtINT), whose default routes would
 * deliver GSI 0-15 a second time with vectors the guest has no gate for.
 * 0 or -errno.
 */
static inline int kvm_vm_add_vcpu(struct kvm_vm *vm)
{
	struct kvm_lapic_state lapic;
	int size;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return -errno;
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return -errno;
	vm->run_size = (size_t)size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return -errno;
	}
	if (ioctl(vm->vcpu_fd, KVM_GET_LAPIC, &lapic))
		return -errno;
	*lapic_reg(&lapic, LAPIC_SVR) = LAPIC_SVR_ENABLE | 0xff;
	*lapic_reg(&lapic, LAPIC_LVT0) |= LAPIC_LVT_MASKED;
	if (ioctl(vm->vcpu_fd, KVM_SET_LAPIC, &lapic))
		return -errno;
	return 0;
}

/* Whether vector waits in the local APIC's IRR. */
static inline bool kvm_lapic_irr(struct kvm_vm *vm, uint8_t vector)
{
	struct kvm_lapic_state lapic;

	if (ioctl(vm->vcpu_fd, KVM_GET_LAPIC, &lapic))
		return false;
	return *lapic_reg(&lapic, LAPIC_IRR + (vector / 32) * 0x10) &
	       (1U << (vector % 32));
}

static inline int kvm_ioapic_get(struct kvm_vm *vm, struct kvm_irqchip *chip)
{
	memset(chip, 0, sizeof(*chip));
	chip->chip_id = KVM_IRQCHIP_IOAPIC;
	return ioctl(vm->vm_fd, KVM_GET_IRQCHIP, chip) ? -errno : 0;
}

/* Route IOAPIC pin to vector on APIC 0 (fixed, physical), unmasked. */
static inline int kvm_ioapic_route(struct kvm_vm *vm, unsigned int pin,
				   uint8_t vector, bool level)
{
	struct kvm_irqchip chip;
	int err = kvm_ioapic_get(vm, &chip);

	if (err)
		return err;
	chip.chip.ioapic.redirtbl[pin].bits = 0;
	chip.chip.ioapic.redirtbl[pin].fields.vector = vector;
	chip.chip.ioapic.redirtbl[pin].fields.trig_mode = level;
	return ioctl(vm->vm_fd, KVM_SET_IRQCHIP, &chip) ? -errno : 0;
}

/* The IOAPIC's input lines that are high (bit per pin). */
static inline uint32_t kvm_ioapic_irr(struct kvm_vm *vm)
{
	struct kvm_irqchip chip;

	if (kvm_ioapic_get(vm, &chip))
		return ~0U;
	return chip.chip.ioapic.irr;
}

/*
 * Wait (up to 5 s) for vector to reach the LAPIC IRR, or for an IOAPIC
 * pin to go high or low: irqfds that lead to the irqchip (not MSIs)
 * inject from a KVM worker, after the eventfd write has returned.
 */
static inline bool kvm_wait_lapic_irr(struct kvm_vm *vm, uint8_t vector)
{
	int ms;

	for (ms = 0; ms < 5000; ms++) {
		if (kvm_lapic_irr(vm, vector))
			return true;
		usleep(1000);
	}
	return false;
}

static inline bool kvm_wait_ioapic_pin(struct kvm_vm *vm, unsigned int pin,
				       bool high)
{
	int ms;

	for (ms = 0; ms < 5000; ms++) {
		if (!(kvm_ioapic_irr(vm) & (1U << pin)) == !high)
			return true;
		usleep(1000);
	}
	return false;
}

static inline void guest_put(struct kvm_vm *vm, uint32_t gpa, const void *p,
			     size_t n)
{
	memcpy((uint8_t *)vm->mem + gpa, p, n);
}

/*
 * Real mode (the one mode every KVM flavour runs without surprises, even
 * the instruction emulator), with DS based at the local APIC so the
 * handler reaches its EOI register with a 16-bit offset.
 */
static inline int guest_cpu_state(struct kvm_vm *vm)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = GUEST_CODE, .rsp = GUEST_STACK, .rflags = 0x2,
	};

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ss.base = 0;
	sregs.ss.selector = 0;
	sregs.ds.base = GUEST_LAPIC_BASE;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs))
		return -errno;
	return ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) ? -errno : 0;
}

/* Memory, one interrupt vector and the code described at the top. */
static inline int kvm_vm_load_guest(struct kvm_vm *vm, uint8_t vector)
{
	static const uint8_t code[] = {
		0xfb,			/* sti */
		0xf4,			/* 1: hlt */
		0xeb, 0xfd,		/* jmp 1b */
	};
	static const uint8_t handler[] = {
		0x66, 0xc7, 0x06, 0xb0, 0x00,	/* movl $0, %ds:0xb0 (EOI) */
		0x00, 0x00, 0x00, 0x00,
		0xe6, GUEST_EXIT_PORT,		/* out %al, $0x80 */
		0xcf,				/* iret */
	};
	const uint16_t ivt_entry[2] = { GUEST_HANDLER, 0 };
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = KVM_VM_MEM_SIZE,
	};

	vm->mem = mmap(NULL, KVM_VM_MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return -errno;
	}
	region.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	guest_put(vm, vector * sizeof(ivt_entry), ivt_entry,
		  sizeof(ivt_entry));
	guest_put(vm, GUEST_CODE, code, sizeof(code));
	guest_put(vm, GUEST_HANDLER, handler, sizeof(handler));
	return guest_cpu_state(vm);
}

static inline void kvm_vm_alarm(int sig)
{
	(void)sig;
}

/*
 * Run until the guest's handler exits (returns 1: one interrupt taken)
 * or timeout_ms passes with the guest idle (returns 0). -errno on any
 * other outcome.
 */
static inline int kvm_vm_run(struct kvm_vm *vm, unsigned int timeout_ms)
{
	struct sigaction sa = { .sa_handler = kvm_vm_alarm };
	struct itimerval it = {
		.it_value = {
			.tv_sec = timeout_ms / 1000,
			.tv_usec = (timeout_ms % 1000) * 1000,
		},
	};
	struct itimerval off = { 0 };
	int ret;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	ret = ioctl(vm->vcpu_fd, KVM_RUN, 0);
	if (ret && errno == EINTR)
		ret = 0;
	else if (ret)
		ret = -errno;
	else if (vm->run->exit_reason == KVM_EXIT_IO &&
		 vm->run->io.port == GUEST_EXIT_PORT)
		ret = 1;
	else
		ret = -EIO;
	setitimer(ITIMER_REAL, &off, NULL);
	return ret;
}

#endif /* VMDEV_TESTS_IRQ_KVM_VM_H */
