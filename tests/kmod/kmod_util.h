/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's in-VM tests share: raw UAPI calls on /dev/vmdev
 * (every helper returns a non-negative result or -errno, so a test can
 * assert the exact error), building create requests from register maps,
 * a small map of their own, and the context fixture.
 */
#ifndef VMDEV_TESTS_KMOD_UTIL_H
#define VMDEV_TESTS_KMOD_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmdev.h>

#include "regdev.h"
#include "devmaps.h"

#define KMOD_NODE	"/dev/vmdev"

#define PIO		VMDEV_SPACE_PIO
#define MMIO		VMDEV_SPACE_MMIO
#define DONE		VMDEV_RESULT_DONE
#define SLOW		VMDEV_RESULT_SLOW
#define KMOD_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline int kmod_open(void)
{
	int fd = open(KMOD_NODE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline long kmod_ioctl(int fd, unsigned long cmd, void *arg)
{
	long ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

/* A create request for map d, mapped by the n ranges r. */
static inline struct vmdev_create_device
kmod_create_req(const struct vmdev_rdev_desc *d, const struct vmdev_range *r,
		uint32_t n)
{
	struct vmdev_create_device c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = d->flags;
	c.dev_size = d->dev_size;
	c.nr_regs = d->nr_regs;
	c.nr_links = d->nr_links;
	c.nr_irqs = d->nr_irqs;
	c.nr_ranges = n;
	c.regs = (uintptr_t)d->regs;
	c.links = (uintptr_t)d->links;
	c.irqs = (uintptr_t)d->irqs;
	c.ranges = (uintptr_t)r;
	snprintf(c.name, sizeof(c.name), "test");
	return c;
}

/* Create a device of map d on ranges r; its id in *id. */
static inline int kmod_create(int fd, const struct vmdev_rdev_desc *d,
			      const struct vmdev_range *r, uint32_t n,
			      uint32_t *id)
{
	struct vmdev_create_device c = kmod_create_req(d, r, n);
	long ret = kmod_ioctl(fd, VMDEV_CREATE_DEVICE, &c);

	if (!ret && id)
		*id = c.id;
	return (int)ret;
}

static inline int kmod_destroy(int fd, uint32_t id)
{
	struct vmdev_device_id a = { .size = sizeof(a), .id = id };

	return (int)kmod_ioctl(fd, VMDEV_DESTROY_DEVICE, &a);
}

static inline int kmod_reset(int fd, uint32_t id)
{
	struct vmdev_device_id a = { .size = sizeof(a), .id = id };

	return (int)kmod_ioctl(fd, VMDEV_RESET_DEVICE, &a);
}

/* One guest access: VMDEV_RESULT_* or -errno; *data is in and out. */
static inline int kmod_access(int fd, uint32_t space, uint64_t addr,
			      uint8_t len, uint8_t dir, uint64_t *data)
{
	struct vmdev_access a = {
		.addr = addr, .data = *data, .space = (uint8_t)space,
		.len = len, .dir = dir,
	};
	long ret = kmod_ioctl(fd, VMDEV_ACCESS, &a);

	if (ret)
		return (int)ret;
	*data = a.data;
	return a.result;
}

static inline int kmod_read(int fd, uint32_t space, uint64_t addr,
			    uint8_t len, uint64_t *val)
{
	*val = 0;
	return kmod_access(fd, space, addr, len, VMDEV_DIR_READ, val);
}

static inline int kmod_write(int fd, uint32_t space, uint64_t addr,
			     uint8_t len, uint64_t val)
{
	return kmod_access(fd, space, addr, len, VMDEV_DIR_WRITE, &val);
}

static inline int kmod_reg_read(int fd, uint32_t id, uint32_t reg,
				uint64_t *val)
{
	struct vmdev_reg_io io = { .size = sizeof(io), .id = id, .reg = reg };
	long ret = kmod_ioctl(fd, VMDEV_REG_READ, &io);

	if (!ret)
		*val = io.value;
	return (int)ret;
}

static inline int kmod_reg_write(int fd, uint32_t id, uint32_t reg,
				 uint64_t val)
{
	struct vmdev_reg_io io = {
		.size = sizeof(io), .id = id, .reg = reg, .value = val,
	};

	return (int)kmod_ioctl(fd, VMDEV_REG_WRITE, &io);
}

/* Entries moved, or -errno. */
static inline int kmod_fifo(int fd, uint32_t id, uint32_t reg, uint32_t op,
			    void *buf, uint32_t count)
{
	struct vmdev_fifo_io io = {
		.size = sizeof(io), .id = id, .reg = reg, .op = op,
		.buf = (uintptr_t)buf, .count = count,
	};
	long ret = kmod_ioctl(fd, VMDEV_FIFO_IO, &io);

	return ret ? (int)ret : (int)io.done;
}

/*
 * A map of our own: a 16-byte window with a 4-byte RW register at 0
 * (byte-accessible), a constant at 4 (reads `KMOD_CONST`), an 8-byte RW
 * register at 8 and nothing else, so holes read as zero.
 */
enum { KMOD_REG_RW, KMOD_REG_CONST, KMOD_REG_RW64, KMOD_NR_REGS };
#define KMOD_WINDOW	16
#define KMOD_CONST	0xc0ffee11u

static const struct vmdev_reg kmod_regs[KMOD_NR_REGS] = {
	[KMOD_REG_RW] = {
		.offset = 0, .width = 4, .type = VMDEV_REG_RW,
		.flags = VMDEV_REG_F_PARTIAL, .wmask = 0xffffffff,
		.sel_reg = VMDEV_SEL_NONE,
	},
	[KMOD_REG_CONST] = {
		.offset = 4, .width = 4, .type = VMDEV_REG_CONST,
		.reset = KMOD_CONST, .sel_reg = VMDEV_SEL_NONE,
	},
	[KMOD_REG_RW64] = {
		.offset = 8, .width = 8, .type = VMDEV_REG_RW,
		.wmask = ~0ULL, .sel_reg = VMDEV_SEL_NONE,
	},
};

static const struct vmdev_rdev_desc kmod_map = {
	.dev_size = KMOD_WINDOW,
	.nr_regs = KMOD_NR_REGS,
	.regs = kmod_regs,
};

static inline struct vmdev_range kmod_range(uint32_t space, uint64_t base,
					    uint64_t len)
{
	struct vmdev_range r = { .base = base, .len = len, .space = space };

	return r;
}

/* Create a kmod_map device on one range. */
static inline int kmod_create1(int fd, uint32_t space, uint64_t base,
			       uint64_t len, uint32_t *id)
{
	struct vmdev_range r = kmod_range(space, base, len);

	return kmod_create(fd, &kmod_map, &r, 1, id);
}

/*
 * The context fixture: self->fd is an open context. When the module is
 * not loaded the test is skipped; the 6.1 harness still runs the body
 * after a SKIP in FIXTURE_SETUP, so every body starts with
 * KMOD_SKIP_IF_NO_MODULE().
 */
#define KMOD_OPEN_OR_SKIP(fd) do {					\
	(fd) = kmod_open();						\
	if ((fd) == -ENOENT)						\
		SKIP(return, KMOD_NODE " absent: vmdev.ko not loaded");	\
	ASSERT_LE(0, (fd)) TH_LOG("open " KMOD_NODE ": %s",		\
				  strerror(-(fd)));			\
} while (0)

#define KMOD_SKIP_IF_NO_MODULE() do {					\
	if (_metadata->skip)						\
		return;							\
} while (0)

/* Setup and teardown of a fixture whose data holds a context in `fd`. */
#define KMOD_FD_FIXTURE_FNS(name)					\
FIXTURE_SETUP(name)							\
{									\
	self->fd = -1;							\
	KMOD_OPEN_OR_SKIP(self->fd);					\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	if (self->fd >= 0)						\
		close(self->fd);					\
}

/*
 * A context with two devices of kmod_map: `pio` on PIO [0x3f0, 0x400)
 * and `mmio` on MMIO [0xfee00000, 0xfee00010).
 */
#define KMOD_DEVS_FIXTURE(name)						\
FIXTURE(name) {								\
	int fd;								\
	uint32_t pio, mmio;						\
};									\
FIXTURE_SETUP(name)							\
{									\
	self->fd = -1;							\
	KMOD_OPEN_OR_SKIP(self->fd);					\
	ASSERT_EQ(0, kmod_create1(self->fd, PIO, 0x3f0, 16, &self->pio)); \
	ASSERT_EQ(0, kmod_create1(self->fd, MMIO, 0xfee00000, 16,	\
				  &self->mmio));			\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	if (self->fd >= 0)						\
		close(self->fd);					\
}

/* A fixture that is just an open context. */
#define KMOD_CTX_FIXTURE(name)						\
FIXTURE(name) {								\
	int fd;								\
};									\
KMOD_FD_FIXTURE_FNS(name)

/*
 * Memory whose last `size` bytes end right before an inaccessible page:
 * the kernel touching one byte past them faults (-EFAULT).
 */
static inline void *kmod_edge_buf(size_t size)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + pg, pg, PROT_NONE)) {
		munmap(p, 2 * pg);
		return NULL;
	}
	return p + pg - size;
}

static inline void kmod_edge_free(void *buf)
{
	long pg = sysconf(_SC_PAGESIZE);

	munmap((void *)((uintptr_t)buf & ~(uintptr_t)(pg - 1)), 2 * pg);
}

/* A kernel module's reference count, -1 if /sys does not show one. */
static inline long kmod_module_refs(const char *module)
{
	char path[96];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/*
 * The module's live objects of one kind (contexts, devices, sinks,
 * sources, vms), from its debugfs file; -errno without it.
 */
#define KMOD_OBJECTS	"/sys/kernel/debug/vmdev/objects"

static inline long kmod_objects(const char *kind)
{
	FILE *f = fopen(KMOD_OBJECTS, "re");
	char name[32];
	long n, ret = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%31s %ld", name, &n) == 2)
		if (!strcmp(name, kind))
			ret = n;
	fclose(f);
	return ret;
}

#endif /* VMDEV_TESTS_KMOD_UTIL_H */
