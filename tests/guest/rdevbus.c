// SPDX-License-Identifier: GPL-2.0
/*
 * rdevbus: register devices of the shared core on a minivm (rdevbus.h).
 *
 * Interrupts follow what KVM's irqfd does with each kind of line. An edge
 * line's irqfd write is a pulse: one per rising edge the core reports.
 * A level line's irqfd (KVM_IRQFD_FLAG_RESAMPLE) keeps the GSI asserted
 * from the write until the guest EOIs it; KVM then deasserts it and
 * writes the resample eventfd, and only the VMM knows whether the device
 * still holds the line: if so, it writes the irqfd again. That check runs
 * on its own thread because the vCPU thread may be halted in KVM_RUN
 * waiting for exactly that interrupt.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/vmdev.h>

#include "rdevbus.h"

#define MAX_LINES	(RDEVBUS_MAX_DEVS * VMDEV_MAX_IRQS)

void rdevbus_init(struct rdevbus *bus, rdevbus_slow_fn slow, void *opaque)
{
	unsigned int d, l;

	memset(bus, 0, sizeof(*bus));
	bus->slow = slow;
	bus->slow_opaque = opaque;
	bus->stop_fd = -1;
	for (d = 0; d < RDEVBUS_MAX_DEVS; d++) {
		for (l = 0; l < VMDEV_MAX_IRQS; l++) {
			bus->devs[d].lines[l].irqfd = -1;
			bus->devs[d].lines[l].resamplefd = -1;
			pthread_mutex_init(&bus->devs[d].lines[l].lock, NULL);
		}
	}
}

void rdevbus_fini(struct rdevbus *bus)
{
	struct rdevbus_line *line;
	unsigned int d, l;

	rdevbus_stop_irqs(bus);
	for (d = 0; d < RDEVBUS_MAX_DEVS; d++) {
		for (l = 0; l < VMDEV_MAX_IRQS; l++) {
			line = &bus->devs[d].lines[l];
			if (line->irqfd >= 0)
				close(line->irqfd);
			if (line->resamplefd >= 0)
				close(line->resamplefd);
			line->irqfd = -1;
			line->resamplefd = -1;
			pthread_mutex_destroy(&line->lock);
		}
		vmdev_rdev_destroy(bus->devs[d].rdev);
		bus->devs[d].rdev = NULL;
	}
	bus->nr_devs = 0;
}

static bool overlaps(const struct rdevbus_dev *d, uint8_t space,
		     uint64_t base, uint64_t size)
{
	return d->space == space && base < d->base + d->size &&
	       d->base < base + size;
}

int rdevbus_add(struct rdevbus *bus, struct vmdev_rdev *rdev, uint8_t space,
		uint64_t base)
{
	uint64_t size = vmdev_rdev_dev_size(rdev);
	uint64_t limit = space == VMDEV_SPACE_PIO ? 0x10000 : UINT64_MAX;
	struct rdevbus_dev *d;
	unsigned int i;

	if (space != VMDEV_SPACE_PIO && space != VMDEV_SPACE_MMIO)
		return -EINVAL;
	if (base > limit || size > limit - base)
		return -EINVAL;
	if (bus->nr_devs == RDEVBUS_MAX_DEVS)
		return -ENOSPC;
	for (i = 0; i < bus->nr_devs; i++) {
		if (overlaps(&bus->devs[i], space, base, size))
			return -EEXIST;
	}
	d = &bus->devs[bus->nr_devs];
	d->rdev = rdev;
	d->base = base;
	d->size = size;
	d->space = space;
	return bus->nr_devs++;
}

static int signal_line(struct rdevbus_line *line)
{
	if (eventfd_write(line->irqfd, 1))
		return -errno;
	atomic_fetch_add(&line->signals, 1);
	return 0;
}

/*
 * A level line: write the irqfd if the device asserts the line and KVM
 * does not hold the GSI asserted already; acked says KVM just dropped it
 * (an EOI). The line's lock orders this between the vCPU thread (a rise)
 * and the resample thread (an EOI), so each assertion is written once.
 */
static int assert_level(struct rdevbus_dev *d, uint32_t line, bool acked)
{
	struct rdevbus_line *l = &d->lines[line];
	int ret = 0;

	pthread_mutex_lock(&l->lock);
	if (acked)
		l->pending = false;
	if (!l->pending && vmdev_rdev_irq_asserted(d->rdev, line)) {
		ret = signal_line(l);
		l->pending = !ret;
	}
	pthread_mutex_unlock(&l->lock);
	return ret;
}

/* The line rose: a pulse for an edge line, an assertion for a level one. */
static int line_rose(struct rdevbus_dev *d, uint32_t line)
{
	if (d->lines[line].resamplefd >= 0)
		return assert_level(d, line, false);
	return signal_line(&d->lines[line]);
}

int rdevbus_wire_irq(struct rdevbus *bus, int dev, uint32_t line,
		     struct minivm *vm, uint32_t gsi)
{
	struct rdevbus_line *l;
	struct rdevbus_dev *d;
	bool level;
	int ret;

	if (dev < 0 || (unsigned int)dev >= bus->nr_devs)
		return -EINVAL;
	d = &bus->devs[dev];
	if (line >= vmdev_rdev_nr_irqs(d->rdev))
		return -EINVAL;
	l = &d->lines[line];
	if (l->irqfd >= 0 || bus->thread_running)
		return -EBUSY;
	level = vmdev_rdev_irq_flags(d->rdev, line) & VMDEV_IRQ_F_LEVEL;
	ret = minivm_irqfd(vm, gsi, &l->irqfd, level ? &l->resamplefd : NULL);
	if (ret)
		return ret;
	l->gsi = gsi;
	l->pending = false;
	if (vmdev_rdev_irq_asserted(d->rdev, line))
		return line_rose(d, line);
	return 0;
}

/* A resample event: the guest EOId; assert again if still pending. */
static int resample(struct rdevbus_dev *d, uint32_t line)
{
	struct rdevbus_line *l = &d->lines[line];
	eventfd_t events;

	if (eventfd_read(l->resamplefd, &events))
		return errno == EAGAIN ? 0 : -errno;
	atomic_fetch_add(&l->resamples, events);
	return assert_level(d, line, true);
}

struct resample_set {
	struct pollfd pfd[MAX_LINES + 1];	/* the last: stop_fd */
	struct rdevbus_dev *dev[MAX_LINES];
	uint32_t line[MAX_LINES];
	unsigned int n;
};

static void collect_level_lines(struct rdevbus *bus, struct resample_set *s)
{
	unsigned int d, l;

	s->n = 0;
	for (d = 0; d < bus->nr_devs; d++) {
		for (l = 0; l < VMDEV_MAX_IRQS; l++) {
			if (bus->devs[d].lines[l].resamplefd < 0)
				continue;
			s->pfd[s->n].fd = bus->devs[d].lines[l].resamplefd;
			s->pfd[s->n].events = POLLIN;
			s->dev[s->n] = &bus->devs[d];
			s->line[s->n] = l;
			s->n++;
		}
	}
	s->pfd[s->n].fd = bus->stop_fd;
	s->pfd[s->n].events = POLLIN;
}

static void note_error(struct rdevbus *bus, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&bus->thread_error, &none, err);
}

/*
 * Events that were pending when the stop came are in the same poll
 * result as the stop itself, so they are all handled before leaving.
 */
static void *resample_thread(void *arg)
{
	struct rdevbus *bus = arg;
	struct resample_set s;
	unsigned int i;
	int ret;

	collect_level_lines(bus, &s);
	for (;;) {
		if (poll(s.pfd, s.n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			note_error(bus, -errno);
			return NULL;
		}
		for (i = 0; i < s.n; i++) {
			if (!(s.pfd[i].revents & POLLIN))
				continue;
			ret = resample(s.dev[i], s.line[i]);
			if (ret)
				note_error(bus, ret);
		}
		if (s.pfd[s.n].revents)
			return NULL;
	}
}

int rdevbus_start_irqs(struct rdevbus *bus)
{
	int ret;

	if (bus->thread_running)
		return -EBUSY;
	bus->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (bus->stop_fd < 0)
		return -errno;
	ret = -pthread_create(&bus->thread, NULL, resample_thread, bus);
	if (ret) {
		close(bus->stop_fd);
		bus->stop_fd = -1;
		return ret;
	}
	bus->thread_running = true;
	return 0;
}

int rdevbus_stop_irqs(struct rdevbus *bus)
{
	if (bus->thread_running) {
		if (eventfd_write(bus->stop_fd, 1))
			note_error(bus, -errno);
		else
			pthread_join(bus->thread, NULL);
		close(bus->stop_fd);
		bus->stop_fd = -1;
		bus->thread_running = false;
	}
	return atomic_load(&bus->thread_error);
}

static struct rdevbus_dev *find(struct rdevbus *bus, const struct minivm_io *io,
				int *index)
{
	unsigned int i;

	for (i = 0; i < bus->nr_devs; i++) {
		if (overlaps(&bus->devs[i], io->space, io->addr, 1)) {
			*index = i;
			return &bus->devs[i];
		}
	}
	*index = -1;
	return NULL;
}

static int slow_path(struct rdevbus *bus, int dev, struct minivm_io *io)
{
	if (!bus->slow)
		return -ENXIO;
	return bus->slow(bus->slow_opaque, dev, io);
}

/* After an access: signal the irqfds of the lines that rose. */
static int deliver(struct rdevbus_dev *d, const struct vmdev_rdev_events *ev)
{
	uint32_t line;
	int ret;

	for (line = 0; line < VMDEV_MAX_IRQS; line++) {
		if (!(ev->irq_rose & (1U << line)) || d->lines[line].irqfd < 0)
			continue;
		ret = line_rose(d, line);
		if (ret)
			return ret;
	}
	return 0;
}

int rdevbus_deliver(struct rdevbus *bus, int dev,
		    const struct vmdev_rdev_events *ev)
{
	if (dev < 0 || (unsigned int)dev >= bus->nr_devs)
		return -EINVAL;
	return deliver(&bus->devs[dev], ev);
}

int rdevbus_io(void *opaque, struct minivm_io *io)
{
	struct rdevbus *bus = opaque;
	struct vmdev_rdev_events ev;
	struct rdevbus_dev *d;
	int index, ret;

	d = find(bus, io, &index);
	if (!d) {
		bus->unclaimed++;
		return slow_path(bus, -1, io);
	}
	ret = vmdev_rdev_access(d->rdev, io->addr - d->base, io->len,
				io->write, &io->data, &ev);
	if (ret == VMDEV_RDEV_SLOW) {
		d->slow++;
		return slow_path(bus, index, io);
	}
	if (ret)
		return ret;
	d->done++;
	return deliver(d, &ev);
}
