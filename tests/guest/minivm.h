/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivm: the smallest VMM that runs the test guests on /dev/kvm. One VM,
 * one vCPU (or up to MINIVM_MAX_VCPUS, each run by a thread of the
 * test's), GUEST_MEM_SIZE of memory at guest-physical 0, optionally
 * KVM's in-kernel irqchip (PIC, IOAPIC, LAPIC) with irqfds. The vCPU
 * starts directly in 32-bit protected mode or in long mode (flat
 * segments in a GDT the VMM writes, long mode page tables likewise), so
 * guests need no boot code. Everything the guest does not do in KVM
 * comes back as an exit: minivm_run() is one KVM_RUN, minivm_complete_io()
 * hands each element of a PIO or MMIO exit to a callback (a string PIO
 * exit carries count elements), and minivm_run_guest() loops until the
 * guest writes its result to GUEST_PORT_EXIT.
 *
 * Test infrastructure: plain structs, errors as negative errno.
 */
#ifndef VMDEV_TESTS_MINIVM_H
#define VMDEV_TESTS_MINIVM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_abi.h"
#include "guests.h"

/* Default bound of one minivm_run_guest() call. */
#define MINIVM_TIMEOUT_MS	10000

/* vCPUs of one VM (minivm_opts.nr_vcpus). */
#define MINIVM_MAX_VCPUS	4

enum minivm_mode {
	MINIVM_PROT32,		/* 32-bit flat protected mode, no paging */
	MINIVM_LONG64,		/* long mode, first 4 GiB identity-mapped */
};

struct minivm_opts {
	bool irqchip;		/* KVM_CREATE_IRQCHIP before the vCPU */
	unsigned int timeout_ms; /* 0: MINIVM_TIMEOUT_MS */
	/*
	 * vCPUs, 1 to MINIVM_MAX_VCPUS; 0 means 1. All of them start at the
	 * image's entry (minivm_load()), vCPU i with i in %edi/%rdi and its
	 * own stack (GUEST_STACK_TOP - i * GUEST_VCPU_STACK).
	 */
	unsigned int nr_vcpus;
};

/* One element of a guest access, handed to a minivm_io_fn. */
struct minivm_io {
	uint64_t addr;		/* port or guest-physical address */
	uint64_t data;		/* write: the value; read: set by the fn */
	uint32_t len;		/* bytes: 1, 2, 4 (PIO), 1 to 8 (MMIO) */
	uint8_t space;		/* VMDEV_SPACE_PIO or VMDEV_SPACE_MMIO */
	bool write;
	unsigned int vcpu;	/* the vCPU that made it */
};

/* Complete one element: 0, or a negative errno that ends the run. */
typedef int (*minivm_io_fn)(void *opaque, struct minivm_io *io);

/* Exits completed through a minivm_io_fn (not the exit port's). */
struct minivm_stats {
	uint64_t runs;		/* KVM_RUN calls */
	uint64_t pio_exits;
	uint64_t pio_elems;	/* elements of all PIO exits */
	uint32_t pio_max_count;	/* most elements in one PIO exit */
	uint64_t mmio_exits;
};

/* One vCPU: its descriptor and its kvm_run mapping (run_size bytes). */
struct minivm_vcpu {
	int fd;
	struct kvm_run *run;
};

/*
 * Read-only for users, except stats, which they may reset. vcpu_fd and
 * run are vCPU 0's (vcpus[0]), the one vCPU of most tests and the one
 * minivm_run() and minivm_run_guest() run.
 */
struct minivm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
	bool irqchip;
	unsigned int timeout_ms;
	struct minivm_stats stats;
	unsigned int nr_vcpus;
	struct minivm_vcpu vcpus[MINIVM_MAX_VCPUS];
};

/*
 * 0 if /dev/kvm opens and creates a VM here, else the negative errno
 * that says why not (-ENODEV, touching nothing, with VMDEV_TEST_NO_KVM
 * set: tests/guest/no_kvm.h): a test skips on it. Past this point, a failure of
 * minivm_create() is a failure.
 */
int minivm_usable(void);

int minivm_create(struct minivm *vm, const struct minivm_opts *opts);
/* Releases everything; vm may be partly created (fds -1, NULLs). */
void minivm_destroy(struct minivm *vm);

/*
 * Copy the image to GUEST_LOAD_ADDR and put every vCPU at its entry in
 * the given mode: vCPU i with i in %rdi and its stack pointer at
 * GUEST_STACK_TOP - i * GUEST_VCPU_STACK (with the irqchip, vCPUs past
 * the first are made runnable, not left waiting for a startup IPI).
 * -EINVAL for an empty image or a bad mode, -E2BIG for one over
 * GUEST_IMAGE_MAX.
 */
int minivm_load(struct minivm *vm, struct guest_image img,
		enum minivm_mode mode);

/* Guest memory [gpa, gpa + len), or NULL if it is not all RAM. */
void *minivm_gpa(struct minivm *vm, uint64_t gpa, size_t len);

/* One KVM_RUN: 0 (exit in vm->run) or a negative errno. */
int minivm_run(struct minivm *vm);

/*
 * One KVM_RUN of vCPU index (from its own thread; KVM serializes the
 * calls of one vCPU): 0 (exit in vm->vcpus[index].run), -EINVAL for an
 * index past nr_vcpus, or a negative errno. Not counted in stats, which
 * belong to the thread of vCPU 0.
 */
int minivm_run_vcpu(struct minivm *vm, unsigned int index);

/*
 * Complete the PIO or MMIO exit in vm->run through fn, one call per
 * element: 0, fn's error, -EINVAL for another exit, -EPROTO for an exit
 * KVM should not produce (bad size, data outside the run page).
 */
int minivm_complete_io(struct minivm *vm, minivm_io_fn fn, void *opaque);

/*
 * The same for the exit of vCPU index, from its thread; not counted in
 * stats. -EINVAL also for an index past nr_vcpus.
 */
int minivm_complete_vcpu_io(struct minivm *vm, unsigned int index,
			    minivm_io_fn fn, void *opaque);

/*
 * Run until the guest writes GUEST_PORT_EXIT, completing every other
 * PIO and MMIO exit through fn. 0 with the guest's value in *result;
 * -ETIMEDOUT after timeout_ms (a signal takes the vCPU out of a halt);
 * -EIO for any other exit (vm->run->exit_reason says which); or an
 * error of KVM_RUN or fn.
 */
int minivm_run_guest(struct minivm *vm, minivm_io_fn fn, void *opaque,
		     uint32_t *result);

/*
 * The same for vCPU index, from a thread of its own (each vCPU thread
 * its own deadline); fn is called from every vCPU's thread, with
 * io->vcpu saying which. Not counted in stats. -EINVAL also for an index
 * past nr_vcpus.
 */
int minivm_run_vcpu_guest(struct minivm *vm, unsigned int index,
			  minivm_io_fn fn, void *opaque, uint32_t *result);

/*
 * Connect an eventfd to a GSI (KVM_IRQFD; needs the irqchip, whose
 * default routing sends GSI n < 16 to PIC and IOAPIC pin n). With
 * resamplefd non-NULL the line is level: KVM asserts the GSI on a write
 * to *irqfd until the guest EOIs it, then writes *resamplefd. Writing
 * *irqfd of an edge line is one pulse. The caller owns both fds;
 * closing the irqfd (or the VM) disconnects it.
 */
int minivm_irqfd(struct minivm *vm, uint32_t gsi, int *irqfd,
		 int *resamplefd);

/* "IO", "SHUTDOWN", ... for messages; "UNKNOWN" for the rest. */
const char *minivm_exit_name(uint32_t exit_reason);

#endif /* VMDEV_TESTS_MINIVM_H */
