/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two ways the module uses an eventfd. A sink is one it signals: an
 * interrupt line's KVM irqfd, a doorbell's notify fd. A source is one
 * whose signals it consumes, hooked on the eventfd's wait queue as KVM's
 * irqfd and vhost's kick are: a KVM ioeventfd, an irqfd's resample
 * eventfd.
 */
#ifndef VMDEV_EVENTFD_H
#define VMDEV_EVENTFD_H

#include <linux/atomic.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct eventfd_ctx;
struct file;

struct vmdev_sink {
	struct eventfd_ctx *efd;
	struct work_struct work;	/* signals deferred out of a wakeup */
	atomic_t deferred;		/* how many: the work signals each */
};

int vmdev_sink_init(struct vmdev_sink *sink, int fd);
void vmdev_sink_signal(struct vmdev_sink *sink, bool in_wakeup);
void vmdev_sink_release(struct vmdev_sink *sink);

struct vmdev_source;

/*
 * Called for every signal of a hooked source, with the count it consumed
 * (0 when another waiter of the same eventfd consumed it first), inside
 * the eventfd's wakeup: its wait-queue lock is held, with interrupts off
 * except on PREEMPT_RT. It must not sleep nor signal any eventfd.
 */
typedef void (*vmdev_source_fn)(struct vmdev_source *src, u64 count);

struct vmdev_source {
	struct eventfd_ctx *efd;
	struct file *file;		/* held from get to install */
	wait_queue_head_t *wqh;		/* the eventfd's, once installed */
	wait_queue_entry_t wait;
	poll_table pt;
	vmdev_source_fn fn;
};

int vmdev_source_get(struct vmdev_source *src, int fd);
u64 vmdev_source_install(struct vmdev_source *src, vmdev_source_fn fn);
void vmdev_source_remove(struct vmdev_source *src);
void vmdev_source_put(struct vmdev_source *src);

#endif /* VMDEV_EVENTFD_H */
