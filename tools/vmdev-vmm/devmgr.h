/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The MMIO device manager: virtio-mmio devices for a VM, each a vmdev
 * register device (virtio_mmio.h) in an MMIO window and on an interrupt
 * line that libvmdev's resource manager allocates, and the kernel
 * command line that tells Linux where they are.
 *
 *	struct virtio_mem mem = { .host = ram, .size = ram_size };
 *	struct devmgr *dm;
 *	devmgr_create(vm, &mem, NULL, &dm);	// default windows below
 *	devmgr_add_blk(dm, "disk.img", false, NULL);
 *	devmgr_add_rng(dm, NULL);
 *	devmgr_cmdline(dm, buf, sizeof(buf));
 *	// "virtio_mmio.device=0x200@0xd0000000:5
 *	//  virtio_mmio.device=0x200@0xd0001000:6"
 *	... run the vCPUs ...
 *	devmgr_destroy(dm);
 *
 * Each device's ranges reach the context's I/O manager (and vmdev.ko in
 * kernel mode) in one hotplug transaction commit, made by
 * vmdev_regdev_new(); its removal unregisters them all at once and
 * returns when no access to them is in flight. QueueNotify is one KVM
 * ioeventfd per queue (datamatch: the queue index); interrupts go
 * through the VM's interrupt manager (vmdev_vm_opts.irqs): without one,
 * adding a device fails with -ENXIO.
 *
 * Not thread-safe: one thread (the VMM's main thread) makes these calls;
 * the devices themselves run on vCPU threads and their own I/O threads.
 */
#ifndef VMDEV_VMM_DEVMGR_H
#define VMDEV_VMM_DEVMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vmdev/allocator.h>
#include <vmdev/vm.h>

#include "virtio_mem.h"
#include "virtio_mmio.h"

/* Defaults: 64 KiB in the PCI hole below 4 GiB, IOAPIC pins 5..7. */
#define DEVMGR_MMIO_BASE	0xd0000000ULL
#define DEVMGR_MMIO_SIZE	0x10000ULL
#define DEVMGR_IRQ_BASE		5
#define DEVMGR_IRQ_COUNT	3
/* Each device: a 0x200 register window at a 4 KiB boundary. */
#define DEVMGR_WINDOW_ALIGN	0x1000ULL
#define DEVMGR_MAX_DEVICES	32

struct devmgr_opts {
	/* Where windows go; 0 and 0: the defaults above. */
	uint64_t mmio_base;
	uint64_t mmio_size;
	/* Legacy interrupt lines (GSIs) to use; count 0: the defaults. */
	uint32_t irq_base;
	uint32_t irq_count;
	/*
	 * Allocate from this resource manager instead (borrowed; it needs
	 * an MMIO window and a legacy IRQ window); the fields above are
	 * then unused.
	 */
	struct vmdev_resource_manager *rm;
};

struct devmgr;
struct devmgr_dev;

/*
 * A manager for vm (borrowed) and guest memory mem (borrowed, both must
 * outlive the manager). opts may be NULL. -EINVAL (NULL vm, mem or out;
 * a window that wraps), -ENOMEM, the resource manager's errors.
 */
int devmgr_create(struct vmdev_vm *vm, const struct virtio_mem *mem,
		  const struct devmgr_opts *opts, struct devmgr **out);
/* Remove every device, then free the manager. NULL is ignored. */
void devmgr_destroy(struct devmgr *dm);

/*
 * Add a virtio-blk on the raw image at path (opened read-only with
 * read_only), or a virtio-rng. *out (may be NULL) is the device, valid
 * until removed. All or nothing: on failure no window, interrupt line,
 * range, doorbell or thread is left. -EINVAL (NULL), -ENOSPC (window or
 * interrupt lines exhausted, DEVMGR_MAX_DEVICES), -ENXIO (the VM has no
 * interrupt manager), virtio_blk_new()'s errors (-ENOENT, -EACCES...),
 * and those of vmdev_regdev_new(), _doorbell_add(), _irq_bind().
 */
int devmgr_add_blk(struct devmgr *dm, const char *path, bool read_only,
		   struct devmgr_dev **out);
int devmgr_add_rng(struct devmgr *dm, struct devmgr_dev **out);
/*
 * Take device d out of the guest's address space, stop it and give its
 * window and line back. -EINVAL (NULL), -ENOENT (not a device of dm).
 */
int devmgr_remove(struct devmgr *dm, struct devmgr_dev *d);

/*
 * The kernel command-line entries of every device, space-separated, in
 * the order added: "virtio_mmio.device=<size>@<base>:<irq>". Like
 * snprintf(): the length of the whole string (without the NUL), of
 * which at most len - 1 bytes and a NUL are stored; -EINVAL (NULL dm,
 * or NULL buf with len > 0).
 */
int devmgr_cmdline(const struct devmgr *dm, char *buf, size_t len);

/* The resource manager its windows and lines come from (a snapshot's). */
struct vmdev_resource_manager *devmgr_resources(const struct devmgr *dm);
/* Devices present. */
size_t devmgr_count(const struct devmgr *dm);
/* Device i (0..count-1) in the order added, NULL past the end. */
struct devmgr_dev *devmgr_get(const struct devmgr *dm, size_t i);
/* A device's window, line, and its transport (for tests, stats). */
uint64_t devmgr_dev_base(const struct devmgr_dev *d);
uint32_t devmgr_dev_irq(const struct devmgr_dev *d);
struct virtio_mmio *devmgr_dev_transport(const struct devmgr_dev *d);
struct vmdev_regdev *devmgr_dev_regdev(const struct devmgr_dev *d);

#endif /* VMDEV_VMM_DEVMGR_H */
