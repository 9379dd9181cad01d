// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfds the module signals (sinks) and eventfds it listens to
 * (sources).
 *
 * A source is hooked the way KVM's irqfd and vhost's poll hook theirs: a
 * wait-queue entry with our own wake function, put on the eventfd's wait
 * queue by a poll table through vfs_poll(). Every signal then calls the
 * wake function synchronously, in the signaller's context, with the
 * eventfd's wait-queue lock held (interrupts off, except on PREEMPT_RT
 * where that lock is a sleeping lock and the wakeup is preemptible).
 *
 * A sink cannot always be signalled at once: eventfd_signal() refuses to
 * run inside another eventfd's wakeup (both 6.1 and 6.12 check
 * current->in_eventfd, set around every eventfd wakeup, with
 * WARN_ON_ONCE() and drop the signal), because wakeups would recurse
 * through the wait queues, and taking a second eventfd's lock under the
 * first is a lock inversion waiting to happen. A signal raised inside a
 * source's wakeup is therefore deferred to a work item; everywhere else
 * (ioctls, the run loop) it is immediate.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "compat.h"
#include "eventfd.h"
#include "objects.h"

/*
 * Each deferred signal is delivered as a signal of its own: the eventfd
 * counts exactly what was signalled, and a KVM irqfd, which injects once
 * per wakeup whatever the count, sees every rise of an edge line. A
 * guest can pile up many while the work waits: give way between them.
 */
static void sink_work(struct work_struct *work)
{
	struct vmdev_sink *sink = container_of(work, struct vmdev_sink, work);
	int n = atomic_xchg(&sink->deferred, 0);

	while (n-- > 0) {
		vmdev_eventfd_signal(sink->efd);
		cond_resched();
	}
}

/* -EBADF if fd is no open file, -EINVAL if it is not an eventfd. */
int vmdev_sink_init(struct vmdev_sink *sink, int fd)
{
	struct eventfd_ctx *efd = eventfd_ctx_fdget(fd);

	if (IS_ERR(efd))
		return PTR_ERR(efd);
	sink->efd = efd;
	INIT_WORK(&sink->work, sink_work);
	atomic_set(&sink->deferred, 0);
	vmdev_obj_inc(VMDEV_OBJ_SINKS);
	return 0;
}

/*
 * Signal now, or from a work item when called inside an eventfd wakeup.
 * Deferred signals are counted, not merged: the work item signals as
 * many times as it was asked to, so the eventfd's counter is the same
 * in the end whichever way a signal went (Documentation/fast-path.rst,
 * "When notifications are signalled").
 */
void vmdev_sink_signal(struct vmdev_sink *sink, bool in_wakeup)
{
	if (in_wakeup || !eventfd_signal_allowed()) {
		atomic_inc(&sink->deferred);
		schedule_work(&sink->work);
	} else {
		vmdev_eventfd_signal(sink->efd);
	}
}

/*
 * Once nothing can reach the sink any more: deferred signals still
 * pending are dropped, a work item running is waited for.
 */
void vmdev_sink_release(struct vmdev_sink *sink)
{
	cancel_work_sync(&sink->work);
	eventfd_ctx_put(sink->efd);
	vmdev_obj_dec(VMDEV_OBJ_SINKS);
}

static int source_wake(wait_queue_entry_t *wait, unsigned int mode, int sync,
		       void *key)
{
	struct vmdev_source *src = container_of(wait, struct vmdev_source,
						wait);
	u64 count;

	/*
	 * Only a signal matters. EPOLLOUT (a read made room) needs nothing;
	 * neither does EPOLLHUP (the last file closed): the binding holds
	 * the eventfd context, which lives on until it is unbound.
	 */
	if (!(key_to_poll(key) & EPOLLIN))
		return 0;
	eventfd_ctx_do_read(src->efd, &count);
	src->fn(src, count);
	return 0;
}

static void source_queue(struct file *file, wait_queue_head_t *wqh,
			 poll_table *pt)
{
	struct vmdev_source *src = container_of(pt, struct vmdev_source, pt);

	src->wqh = wqh;
	add_wait_queue(wqh, &src->wait);
}

/*
 * Take the eventfd fd for hooking: -EBADF if fd is no open file, -EINVAL
 * if it is not an eventfd. The file is held until the hook is installed
 * (vfs_poll() needs it); after that the eventfd context is enough.
 */
int vmdev_source_get(struct vmdev_source *src, int fd)
{
	struct file *file = fget(fd);
	struct eventfd_ctx *efd;

	if (!file)
		return -EBADF;
	efd = eventfd_ctx_fileget(file);
	if (IS_ERR(efd)) {
		fput(file);
		return PTR_ERR(efd);
	}
	src->file = file;
	src->efd = efd;
	src->wqh = NULL;
	vmdev_obj_inc(VMDEV_OBJ_SOURCES);
	return 0;
}

/*
 * Hook the source: from now on every signal calls fn. A count already
 * pending (signals that came before the hook) is consumed here and
 * returned, for the caller to act on in its own, process, context.
 */
u64 vmdev_source_install(struct vmdev_source *src, vmdev_source_fn fn)
{
	unsigned long flags;
	__poll_t events;
	u64 count = 0;

	src->fn = fn;
	init_waitqueue_func_entry(&src->wait, source_wake);
	init_poll_funcptr(&src->pt, source_queue);
	events = vfs_poll(src->file, &src->pt);
	fput(src->file);
	src->file = NULL;
	/*
	 * eventfd_poll() always queues us, on the context's own wait
	 * queue: its lock is the one eventfd_ctx_do_read() must run under,
	 * and serializes this read with a concurrent wakeup's.
	 */
	if (events & EPOLLIN) {
		spin_lock_irqsave(&src->wqh->lock, flags);
		eventfd_ctx_do_read(src->efd, &count);
		spin_unlock_irqrestore(&src->wqh->lock, flags);
	}
	return count;
}

/*
 * Unhook the source. Removal takes the wait-queue lock every wakeup runs
 * under, so when it returns no wakeup is running fn and none will.
 * Signals still counted are dropped.
 */
void vmdev_source_remove(struct vmdev_source *src)
{
	u64 count;

	eventfd_ctx_remove_wait_queue(src->efd, &src->wait, &count);
}

/* Release a source that is not (or no longer) installed. */
void vmdev_source_put(struct vmdev_source *src)
{
	if (src->file)
		fput(src->file);
	eventfd_ctx_put(src->efd);
	vmdev_obj_dec(VMDEV_OBJ_SOURCES);
}
