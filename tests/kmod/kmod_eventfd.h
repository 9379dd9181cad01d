/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the eventfd binding tests (tests/kmod/kmod_eventfd*.c,
 * kmod_irqfd*.c) share: the three bind ioctls (VMDEV_IRQFD,
 * VMDEV_IOEVENTFD, VMDEV_NOTIFYFD) as plain calls returning 0 or -errno,
 * eventfd helpers that tell "signalled" from "not signalled" (deferred
 * signals come from a work item, a little later), the device counters,
 * and a register map with one register of every kind a binding can name.
 *
 * Included after kselftest_harness.h.
 */
#ifndef VMDEV_TESTS_KMOD_EVENTFD_H
#define VMDEV_TESTS_KMOD_EVENTFD_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kmod_util.h"

/*
 * How long a signal may take to arrive: one deferred to a work item runs
 * within microseconds on hardware, but the test VM is emulated (TCG).
 * Asserting that nothing arrives waits KEV_QUIET_MS.
 */
#define KEV_WAIT_MS	10000
#define KEV_QUIET_MS	300

/* ---- the bind ioctls ------------------------------------------------ */

static inline int kev_irqfd(int ctx, uint32_t id, uint32_t line, int fd,
			    int resample_fd, uint32_t flags)
{
	struct vmdev_irqfd a = {
		.size = sizeof(a), .id = id, .line = line, .flags = flags,
		.fd = fd, .resample_fd = resample_fd,
	};

	return (int)kmod_ioctl(ctx, VMDEV_IRQFD, &a);
}

static inline int kev_ioeventfd(int ctx, uint32_t id, uint32_t reg, int fd,
				uint64_t value, uint32_t flags)
{
	struct vmdev_ioeventfd a = {
		.size = sizeof(a), .id = id, .reg = reg, .flags = flags,
		.fd = fd, .value = value,
	};

	return (int)kmod_ioctl(ctx, VMDEV_IOEVENTFD, &a);
}

static inline int kev_notifyfd(int ctx, uint32_t id, uint32_t reg, int fd,
			       uint32_t flags)
{
	struct vmdev_notifyfd a = {
		.size = sizeof(a), .id = id, .reg = reg, .flags = flags,
		.fd = fd,
	};

	return (int)kmod_ioctl(ctx, VMDEV_NOTIFYFD, &a);
}

#define KEV_UNBIND	VMDEV_BIND_F_DEASSIGN

/* The device counters (VMDEV_GET_STATS): 0 or -errno. */
static inline int kev_stats(int ctx, uint32_t id, struct vmdev_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->id = id;
	return (int)kmod_ioctl(ctx, VMDEV_GET_STATS, st);
}

/* ---- eventfds --------------------------------------------------------- */

/* A non-blocking eventfd, or -errno. */
static inline int kev_new(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Add n to the counter, as KVM (or a guest write) would: 0 or -errno. */
static inline int kev_signal(int fd, uint64_t n)
{
	return write(fd, &n, sizeof(n)) == sizeof(n) ? 0 : -errno;
}

/* The counter now, consumed; 0 if nothing is pending. */
static inline uint64_t kev_take(int fd)
{
	uint64_t n;

	return read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

/*
 * The counter once it is non-zero, consumed; 0 if nothing came within
 * ms milliseconds.
 */
static inline uint64_t kev_wait_ms(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return kev_take(fd);
}

static inline uint64_t kev_wait(int fd)
{
	return kev_wait_ms(fd, KEV_WAIT_MS);
}

/*
 * Signals that came within KEV_QUIET_MS (a deferred one included), for
 * asserting that none did: 0 is the expected result.
 */
static inline uint64_t kev_quiet(int fd)
{
	return kev_wait_ms(fd, KEV_QUIET_MS);
}

/*
 * Everything signalled until the counter has summed to want (each wait
 * bounded by KEV_WAIT_MS), then whatever else comes within KEV_QUIET_MS:
 * for asserting an exact number of signals that may arrive late.
 */
static inline uint64_t kev_collect(int fd, uint64_t want)
{
	uint64_t total = 0, n;

	do {
		n = kev_wait_ms(fd, total < want ? KEV_WAIT_MS : KEV_QUIET_MS);
		total += n;
	} while (n);
	return total;
}

/* ---- a device with every kind of register a binding names ------------ */

/*
 * Two interrupt sources, one per line: STAT_E/SET_E drive edge line
 * KEV_EDGE, STAT_L/SET_L level line KEV_LEVEL (SET writes 1 to raise,
 * STAT writes 1 to clear). Doorbells of 4 and 2 bytes, FIFOs of 1, 2, 4
 * and 8 bytes, and registers no ioeventfd may write: a trap, one the
 * guest cannot write, a hidden one (unmapped; its offset 0 is STAT_E's).
 * Offset KEV_BANK_OFF is banked by bit 0 of SEL: a FIFO when clear, a
 * trap when set.
 */
enum {
	KEV_STAT_E, KEV_SET_E, KEV_STAT_L, KEV_SET_L, KEV_DB, KEV_DB2,
	KEV_FIN1, KEV_FIN2, KEV_FIN4, KEV_FIN8, KEV_TRAP, KEV_RDONLY,
	KEV_HIDDEN, KEV_SEL, KEV_BANK0, KEV_BANK1, KEV_NR_REGS
};

enum { KEV_EDGE, KEV_LEVEL, KEV_NR_IRQS };

#define KEV_WINDOW	64
#define KEV_PIO		0x7000
#define KEV_FIFO_DEPTH	128
#define KEV_SEL_OFF	48
#define KEV_BANK_OFF	49

#define KEV_REG(off, w, t, fl)						\
	.offset = (off), .width = (w), .type = VMDEV_REG_##t,		\
	.flags = (fl), .sel_reg = VMDEV_SEL_NONE

static const struct vmdev_reg kev_regs[KEV_NR_REGS] = {
	[KEV_STAT_E] = { KEV_REG(0, 4, W1C, 0), .wmask = 1 },
	[KEV_SET_E] = {
		KEV_REG(4, 4, W1S, VMDEV_REG_F_NOREAD), .wmask = 1,
		.arg.target = { .target = KEV_STAT_E,
				.flags = VMDEV_TARGET_F_OTHER },
	},
	[KEV_STAT_L] = { KEV_REG(8, 4, W1C, 0), .wmask = 1 },
	[KEV_SET_L] = {
		KEV_REG(12, 4, W1S, VMDEV_REG_F_NOREAD), .wmask = 1,
		.arg.target = { .target = KEV_STAT_L,
				.flags = VMDEV_TARGET_F_OTHER },
	},
	[KEV_DB] = { KEV_REG(16, 4, DOORBELL, 0) },
	[KEV_DB2] = { KEV_REG(20, 2, DOORBELL, 0) },
	[KEV_FIN1] = {
		KEV_REG(24, 1, FIFO_IN, 0), .arg.fifo.depth = KEV_FIFO_DEPTH,
	},
	[KEV_FIN2] = {
		KEV_REG(26, 2, FIFO_IN, 0), .arg.fifo.depth = KEV_FIFO_DEPTH,
	},
	[KEV_FIN4] = {
		KEV_REG(28, 4, FIFO_IN, 0), .arg.fifo.depth = KEV_FIFO_DEPTH,
	},
	[KEV_FIN8] = {
		KEV_REG(32, 8, FIFO_IN, 0), .arg.fifo.depth = KEV_FIFO_DEPTH,
	},
	[KEV_TRAP] = { KEV_REG(40, 4, TRAP, 0) },
	[KEV_RDONLY] = {
		KEV_REG(44, 4, RW, VMDEV_REG_F_NOWRITE), .wmask = 0xffffffff,
	},
	[KEV_HIDDEN] = {
		KEV_REG(0, 4, RW, VMDEV_REG_F_HIDDEN), .wmask = 0xffffffff,
	},
	[KEV_SEL] = { KEV_REG(KEV_SEL_OFF, 1, RW, 0), .wmask = 1 },
	[KEV_BANK0] = {
		.offset = KEV_BANK_OFF, .width = 1, .type = VMDEV_REG_FIFO_IN,
		.sel_reg = KEV_SEL, .sel_mask = 1, .sel_val = 0,
		.arg.fifo.depth = KEV_FIFO_DEPTH,
	},
	[KEV_BANK1] = {
		.offset = KEV_BANK_OFF, .width = 1, .type = VMDEV_REG_TRAP,
		.sel_reg = KEV_SEL, .sel_mask = 1, .sel_val = 1,
	},
};

static const struct vmdev_irq kev_irqs[KEV_NR_IRQS] = {
	[KEV_EDGE] = {
		.status_reg = KEV_STAT_E, .enable_reg = VMDEV_SEL_NONE,
		.enable_mask = 1,
	},
	[KEV_LEVEL] = {
		.status_reg = KEV_STAT_L, .enable_reg = VMDEV_SEL_NONE,
		.enable_mask = 1, .flags = VMDEV_IRQ_F_LEVEL,
	},
};

static const struct vmdev_rdev_desc kev_map = {
	.dev_size = KEV_WINDOW,
	.nr_regs = KEV_NR_REGS,
	.regs = kev_regs,
	.nr_irqs = KEV_NR_IRQS,
	.irqs = kev_irqs,
};

/* Create a kev_map device at base on PIO: 0 or -errno. */
static inline int kev_create(int ctx, uint64_t base, uint32_t *id)
{
	struct vmdev_range r = kmod_range(PIO, base, KEV_WINDOW);

	return kmod_create(ctx, &kev_map, &r, 1, id);
}

/* A guest write of 1 to a SET or STAT register of the device at base. */
static inline int kev_poke(int ctx, uint64_t base, uint32_t reg)
{
	return kmod_write(ctx, PIO, base + kev_regs[reg].offset, 4, 1);
}

/*
 * The fixture: a context with one kev_map device on KEV_PIO, and
 * eventfds to bind. The 6.1 harness runs the body after a SKIP in the
 * setup: bodies start with KMOD_SKIP_IF_NO_MODULE().
 */
#define KEV_NR_FDS	4

#define KEV_FIXTURE(name)						\
FIXTURE(name) {								\
	int fd;								\
	uint32_t id;							\
	int efd[KEV_NR_FDS];						\
};									\
FIXTURE_SETUP(name)							\
{									\
	int i;								\
									\
	self->fd = -1;							\
	for (i = 0; i < KEV_NR_FDS; i++)				\
		self->efd[i] = -1;					\
	KMOD_OPEN_OR_SKIP(self->fd);					\
	ASSERT_EQ(0, kev_create(self->fd, KEV_PIO, &self->id));	\
	for (i = 0; i < KEV_NR_FDS; i++) {				\
		self->efd[i] = kev_new();				\
		ASSERT_LE(0, self->efd[i]);				\
	}								\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	int i;								\
									\
	if (self->fd >= 0)						\
		close(self->fd);					\
	for (i = 0; i < KEV_NR_FDS; i++)				\
		if (self->efd[i] >= 0)					\
			close(self->efd[i]);				\
}

#endif /* VMDEV_TESTS_KMOD_EVENTFD_H */
