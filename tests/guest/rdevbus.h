/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdevbus: register devices of the shared core (libvmdev/core) on the
 * PIO and MMIO buses of a minivm, emulated in userspace (the fast path's
 * level 0). rdevbus_io() is the minivm_io_fn: an access inside a device
 * goes to vmdev_rdev_access(); what the core leaves to the VMM
 * (VMDEV_RDEV_SLOW) and accesses no device claims go to the slow-path
 * handler. Device interrupt lines are wired to KVM irqfds: a line that
 * rises is signalled at once; a level line also gets a resample eventfd,
 * and a thread re-signals it after each EOI while the line is still
 * asserted, as a VMM's interrupt thread does. A level line is written to
 * only when KVM does not hold it asserted already, so the counts of
 * signals are exact whatever the two threads' timing.
 */
#ifndef VMDEV_TESTS_RDEVBUS_H
#define VMDEV_TESTS_RDEVBUS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "minivm.h"
#include "regdev.h"

#define RDEVBUS_MAX_DEVS	8

/*
 * The slow path: dev is the device index, or -1 for an access that hit
 * no device. Reads set io->data. 0, or a negative errno ending the run.
 */
typedef int (*rdevbus_slow_fn)(void *opaque, int dev, struct minivm_io *io);

struct rdevbus_line {
	int irqfd;			/* -1: not wired */
	int resamplefd;			/* -1: edge line */
	uint32_t gsi;
	/* Level: KVM holds the GSI asserted (no EOI since our write). */
	pthread_mutex_t lock;
	bool pending;
	atomic_uint_least64_t signals;	/* irqfd writes */
	atomic_uint_least64_t resamples; /* EOIs reported by KVM */
};

struct rdevbus_dev {
	struct vmdev_rdev *rdev;
	uint64_t base;
	uint64_t size;
	uint8_t space;			/* VMDEV_SPACE_* */
	uint64_t done;			/* accesses the core completed */
	uint64_t slow;			/* accesses it left to the VMM */
	struct rdevbus_line lines[VMDEV_MAX_IRQS];
};

struct rdevbus {
	struct rdevbus_dev devs[RDEVBUS_MAX_DEVS];
	unsigned int nr_devs;
	rdevbus_slow_fn slow;
	void *slow_opaque;
	uint64_t unclaimed;		/* accesses no device claimed */
	/* The resample thread, between start_irqs and stop_irqs. */
	pthread_t thread;
	bool thread_running;
	int stop_fd;
	atomic_int thread_error;	/* its first error, 0 if none */
};

/* slow may be NULL: a slow-path access then ends the run (-ENXIO). */
void rdevbus_init(struct rdevbus *bus, rdevbus_slow_fn slow, void *opaque);

/* Stop the thread, close the irqfds, destroy the devices. */
void rdevbus_fini(struct rdevbus *bus);

/*
 * Map a device at base; the bus owns it from then on. The device index,
 * or -ENOSPC (bus full), -EINVAL (space, or window outside the 16-bit
 * port space or wrapping), -EEXIST (overlaps another device).
 */
int rdevbus_add(struct rdevbus *bus, struct vmdev_rdev *rdev, uint8_t space,
		uint64_t base);

/*
 * Wire line of device dev to gsi of vm through an irqfd, with a resample
 * eventfd if the line is level (VMDEV_IRQ_F_LEVEL). A line asserted
 * already is signalled. -EINVAL for an unknown device or line, -EBUSY
 * if it is wired already or the resample thread runs, or
 * minivm_irqfd()'s error.
 */
int rdevbus_wire_irq(struct rdevbus *bus, int dev, uint32_t line,
		     struct minivm *vm, uint32_t gsi);

/*
 * Start the resample thread for the level lines wired so far (before
 * running a guest that EOIs them): 0, -EBUSY if it runs, or -errno.
 */
int rdevbus_start_irqs(struct rdevbus *bus);

/*
 * Let the thread finish the events pending now and stop it, so the
 * counters are final: its first error, or 0 (also if it did not run).
 */
int rdevbus_stop_irqs(struct rdevbus *bus);

/* The minivm_io_fn of the bus (opaque: the struct rdevbus). */
int rdevbus_io(void *opaque, struct minivm_io *io);

/*
 * Deliver what an operation of the VMM's own on device dev changed
 * (vmdev_rdev_reg_write(), _fifo_drain(), _fifo_fill(): a transmitter
 * drained, data received): signal the lines that rose. 0, -EINVAL for
 * an unknown device, or the irqfd write's error.
 */
int rdevbus_deliver(struct rdevbus *bus, int dev,
		    const struct vmdev_rdev_events *ev);

#endif /* VMDEV_TESTS_RDEVBUS_H */
