/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the level 3 tests (tests/kmod/kmod_level3*.c) share: attaching a
 * context to its KVM VM (VMDEV_KVM_ATTACH) and asking where an address
 * is served (VMDEV_GET_LEVEL).
 */
#ifndef VMDEV_TESTS_KMOD_LEVEL3_H
#define VMDEV_TESTS_KMOD_LEVEL3_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/vmdev.h>

#include "kmod_util.h"

/* VMDEV_KVM_ATTACH of vm_fd: 0 or -errno. */
static inline int kl3_attach(int ctx, int vm_fd)
{
	struct vmdev_kvm_attach a = { .size = sizeof(a), .vm_fd = vm_fd };

	return (int)kmod_ioctl(ctx, VMDEV_KVM_ATTACH, &a);
}

/* VMDEV_GET_LEVEL of (space, addr) into *l: 0 or -errno. */
static inline int kl3_level(int ctx, uint32_t space, uint64_t addr,
			    struct vmdev_level *l)
{
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->space = space;
	l->addr = addr;
	return (int)kmod_ioctl(ctx, VMDEV_GET_LEVEL, l);
}

/* The level of (space, addr), or -errno. */
static inline int kl3_level_of(int ctx, uint32_t space, uint64_t addr)
{
	struct vmdev_level l;
	int ret = kl3_level(ctx, space, addr, &l);

	return ret ? ret : (int)l.level;
}

/* The module's level 3 state (VMDEV_L3_*), or -errno. */
static inline int kl3_state(int ctx)
{
	struct vmdev_level l;
	int ret = kl3_level(ctx, VMDEV_SPACE_PIO, 0, &l);

	return ret ? ret : (int)l.l3_state;
}

/* VMDEV_BATCH with op (VMDEV_BATCH_*): 0 or -errno. */
static inline int kl3_batch(int ctx, uint32_t op)
{
	struct vmdev_batch b = { .size = sizeof(b), .op = op };

	return (int)kmod_ioctl(ctx, VMDEV_BATCH, &b);
}

#define KL3_BUS_UPDATES	"/sys/kernel/debug/vmdev/kvm_bus_updates"

/*
 * The updates the module made to KVM's buses so far (each a copy of a
 * bus array and an SRCU wait), or -errno.
 */
static inline long kl3_bus_updates(void)
{
	FILE *f = fopen(KL3_BUS_UPDATES, "re");
	long n = -ENOENT;

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &n) != 1)
		n = -EINVAL;
	fclose(f);
	return n;
}

#endif /* VMDEV_TESTS_KMOD_LEVEL3_H */
