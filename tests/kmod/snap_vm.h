/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A whole vm for the vm snapshot tests (tests/host/vm/vm_snapshot*.c in
 * user mode, tests/kmod/lib_snapshot.c in both): two register devices of
 * snap_map (PIO and MMIO), a userspace device with state on a PIO and
 * an MMIO range, a stateless one, and a resource manager whose
 * allocations hold those ranges and a few more, with holes.
 */
#ifndef VMDEV_TESTS_SNAP_VM_H
#define VMDEV_TESTS_SNAP_VM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <vmdev/allocator.h>
#include <vmdev/io.h>
#include <vmdev/regdev.h>
#include <vmdev/snapshot.h>
#include <vmdev/vm.h>

#include "snap_map.h"

#define SV_RD1		0x500		/* PIO, register device 1 */
#define SV_RD2		0xd0000000ULL	/* MMIO, register device 2 */
#define SV_UD_PIO	0x600		/* the userspace device's ranges */
#define SV_UD_MMIO	0xd0001000ULL
#define SV_UD_REGS	16
#define SV_PLAIN	0x700		/* the stateless device */
#define SV_MMIO_WIN	0xd0000000ULL	/* the manager's MMIO window */
#define SV_MMIO_SIZE	0x100000ULL
#define SV_BLOB_MAX	(64 * 1024)

/*
 * A userspace device's state: SV_UD_REGS byte registers of which the
 * first `used` were written. It saves "UDEV", used, then those bytes:
 * 5 to 21 bytes, rarely a multiple of 8, so the section pads.
 */
struct sv_udev {
	uint8_t regs[SV_UD_REGS];
	uint8_t used;
	int checks, applies, saves;
	int fail_check;		/* restore with CHECK returns it */
	int fail_save;		/* save with a buffer returns it */
	bool overrun;		/* save claims a byte more than given */
	struct vmdev_io_manager *io;	/* set: save probes its own range */
	int probe;		/* what the probe returned */
};

static int ud_read(void *opaque, enum vmdev_space space, uint64_t base,
		   uint64_t off, void *data, size_t len)
{
	struct sv_udev *u = opaque;

	memset(data, 0, len);
	if (off < SV_UD_REGS)
		*(uint8_t *)data = u->regs[off];
	return 0;
}

static int ud_write(void *opaque, enum vmdev_space space, uint64_t base,
		    uint64_t off, const void *data, size_t len)
{
	struct sv_udev *u = opaque;

	if (off >= SV_UD_REGS)
		return 0;
	u->regs[off] = *(const uint8_t *)data;
	if (u->used < off + 1)
		u->used = off + 1;
	return 0;
}

static ssize_t ud_save(void *opaque, void *buf, size_t len)
{
	struct sv_udev *u = opaque;
	uint8_t probe;
	size_t n = 5 + u->used;

	if (u->io)	/* a serialized device's callback re-entering it */
		u->probe = vmdev_io_read(u->io, VMDEV_PIO, SV_UD_PIO, &probe,
					 1);
	if (!buf)
		return SV_UD_REGS + 5;
	if (u->fail_save)
		return u->fail_save;
	if (u->overrun)
		return len + 1;
	if (len < n)
		return -ENOSPC;
	memcpy(buf, "UDEV", 4);
	((uint8_t *)buf)[4] = u->used;
	memcpy((uint8_t *)buf + 5, u->regs, u->used);
	u->saves++;
	return n;
}

static int ud_restore(void *opaque, const void *buf, size_t len,
		      unsigned int flags)
{
	struct sv_udev *u = opaque;
	const uint8_t *b = buf;

	if (flags & ~VMDEV_DEVICE_RESTORE_CHECK)
		return -EINVAL;
	if (len < 5 || memcmp(b, "UDEV", 4) || b[4] > SV_UD_REGS ||
	    len != 5U + b[4])
		return -EINVAL;
	if (flags & VMDEV_DEVICE_RESTORE_CHECK) {
		u->checks++;
		return u->fail_check;
	}
	memset(u->regs, 0, sizeof(u->regs));
	memcpy(u->regs, b + 5, b[4]);
	u->used = b[4];
	u->applies++;
	return 0;
}

struct sv_vm {
	int vm_fd;
	struct vmdev_vm *vm;
	struct vmdev_regdev *rd1, *rd2;
	struct vmdev_device *ud, *plain;
	struct sv_udev state;
	struct vmdev_resource_manager *res;
	struct vmdev_resources *held;	/* the manager's allocations */
};

static struct vmdev_resources *sv_range(uint32_t type, uint64_t base,
					uint64_t size)
{
	struct vmdev_resource r = { .type = type,
				    .range = { .base = base, .size = size } };
	struct vmdev_resources *res;

	if (vmdev_resources_new(&res))
		return NULL;
	if (vmdev_resources_append(res, &r)) {
		vmdev_resources_free(res);
		return NULL;
	}
	return res;
}

static int sv_regdev(struct sv_vm *s, uint32_t type, uint64_t base,
		     struct vmdev_regdev **out)
{
	const struct vmdev_rdev_desc *d = &snap_map;
	VMDEV_OPTS(vmdev_regdev_opts, ro, .dev_size = d->dev_size,
		   .nr_regs = d->nr_regs, .nr_links = d->nr_links,
		   .nr_irqs = d->nr_irqs, .regs = d->regs, .links = d->links,
		   .irqs = d->irqs, .name = "sv");
	struct vmdev_resources *res = sv_range(type, base, d->dev_size);
	int ret;

	if (!res)
		return -ENOMEM;
	ret = vmdev_regdev_new(s->vm, res, &ro, out);
	vmdev_resources_free(res);
	return ret;
}

/* A device on its ranges: PIO at pio (size psz), MMIO at mmio if set. */
static int sv_userdev(struct sv_vm *s, struct vmdev_device *dev,
		      uint64_t pio, uint64_t psz, uint64_t mmio)
{
	struct vmdev_resource m = { .type = VMDEV_RES_MMIO,
				    .range = { .base = mmio, .size = 0x100 } };
	struct vmdev_resources *res = sv_range(VMDEV_RES_PIO, pio, psz);
	ssize_t n = -ENOMEM;

	if (res && (!mmio || !vmdev_resources_append(res, &m)))
		n = vmdev_io_register(vmdev_vm_io(s->vm), dev, res);
	vmdev_resources_free(res);
	return n < 0 ? (int)n : 0;
}

/* A manager of the tests' configuration, holding nothing. */
static int sv_res_mgr(struct vmdev_resource_manager **out)
{
	const struct vmdev_addr_window mmio = { SV_MMIO_WIN, SV_MMIO_SIZE };
	VMDEV_OPTS(vmdev_resource_manager_opts, ro,
		   .pio = { 0x400, 0x800 }, .mmio = &mmio, .nr_mmio = 1,
		   .legacy_irq = { 1, 23 }, .msi = { 24, 1000 });

	return vmdev_resource_manager_new(&ro, out);
}

/* The manager, its allocations: the devices' ranges, holes between. */
static int sv_resources(struct sv_vm *s)
{
	struct vmdev_constraint c[] = {
		{ .type = VMDEV_RES_PIO, .range = { .size = SN_WINDOW,
			.policy = VMDEV_ALLOC_EXACT, .addr = SV_RD1 } },
		{ .type = VMDEV_RES_MMIO, .range = { .size = SN_WINDOW,
			.policy = VMDEV_ALLOC_EXACT, .addr = SV_RD2 } },
		{ .type = VMDEV_RES_PIO, .range = { .size = 8,
			.policy = VMDEV_ALLOC_EXACT, .addr = SV_UD_PIO } },
		{ .type = VMDEV_RES_MMIO, .range = { .size = 0x100,
			.policy = VMDEV_ALLOC_EXACT, .addr = SV_UD_MMIO } },
		{ .type = VMDEV_RES_PIO, .range = { .size = 4,
			.policy = VMDEV_ALLOC_EXACT, .addr = SV_PLAIN } },
		{ .type = VMDEV_RES_LEGACY_IRQ, .id = { .policy =
			VMDEV_ALLOC_EXACT, .id = 5 } },
		{ .type = VMDEV_RES_GENERIC_MSI, .id = { .count = 4 } },
	};
	int ret;

	ret = sv_res_mgr(&s->res);
	if (!ret)
		ret = vmdev_resource_manager_allocate(s->res, c, 7, &s->held);
	return ret;
}

/* Everything above in a vm of mode; -errno (-ENOENT: no vmdev.ko). */
static int sv_new(struct sv_vm *s, int kvm, enum vmdev_vm_mode mode)
{
	VMDEV_OPTS(vmdev_vm_opts, vo, .mode = mode);
	VMDEV_OPTS(vmdev_device_opts, uo, .read = ud_read, .write = ud_write,
		   .save = ud_save, .restore = ud_restore,
		   .opaque = &s->state);
	VMDEV_OPTS(vmdev_device_opts, po, .kind = VMDEV_DEVICE_THREAD_SAFE,
		   .read = ud_read, .opaque = &s->state);
	int ret;

	memset(s, 0, sizeof(*s));
	s->vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (s->vm_fd < 0)
		return -errno;
	ret = vmdev_vm_new(s->vm_fd, &vo, &s->vm);
	if (!ret)
		ret = sv_regdev(s, VMDEV_RES_PIO, SV_RD1, &s->rd1);
	if (!ret)
		ret = sv_regdev(s, VMDEV_RES_MMIO, SV_RD2, &s->rd2);
	if (!ret)
		ret = vmdev_device_new(&uo, &s->ud);
	if (!ret)
		ret = vmdev_device_new(&po, &s->plain);
	if (!ret)
		ret = sv_userdev(s, s->ud, SV_UD_PIO, 8, SV_UD_MMIO);
	if (!ret)
		ret = sv_userdev(s, s->plain, SV_PLAIN, 4, 0);
	if (!ret)
		ret = sv_resources(s);
	return ret;
}

static void sv_free(struct sv_vm *s)
{
	vmdev_regdev_free(s->rd1);
	vmdev_regdev_free(s->rd2);
	vmdev_device_put(s->ud);
	vmdev_device_put(s->plain);
	vmdev_vm_free(s->vm);
	vmdev_resources_free(s->held);
	vmdev_resource_manager_free(s->res);
	if (s->vm_fd > 0)
		close(s->vm_fd);
	memset(s, 0, sizeof(*s));
}

/* State away from reset in every device; salt makes two vms differ. */
static int sv_dirty(struct sv_vm *s, unsigned int salt)
{
	struct vmdev_io_manager *io = vmdev_vm_io(s->vm);
	uint8_t v;
	int ret = 0, i;

	for (i = 0; i < 5; i++) {
		v = (uint8_t)snap_byte(salt + i);
		ret |= vmdev_io_write(io, VMDEV_PIO, SV_RD1, &v, 1);
		ret |= vmdev_io_write(io, VMDEV_MMIO, SV_RD2, &v, 1);
	}
	ret |= vmdev_regdev_reg_write(s->rd1, SN_RO, 0x1100 + salt);
	ret |= vmdev_regdev_reg_write(s->rd2, SN_RO, 0x2200 + salt);
	for (i = 0; i < 3 + (int)(salt % 5); i++) {
		v = (uint8_t)(0x60 + salt + i);
		ret |= vmdev_io_write(io, VMDEV_MMIO, SV_UD_MMIO + i, &v, 1);
	}
	return ret;
}

static int sv_save(struct sv_vm *s, void *buf, size_t len)
{
	VMDEV_OPTS(vmdev_snapshot_opts, so, .resources = s->res);

	return vmdev_vm_save(s->vm, buf, len, &so);
}

static int sv_restore(struct sv_vm *s, const void *buf, size_t len)
{
	VMDEV_OPTS(vmdev_snapshot_opts, so, .resources = s->res);

	return vmdev_vm_restore(s->vm, buf, len, &so);
}

#endif /* VMDEV_TESTS_SNAP_VM_H */
