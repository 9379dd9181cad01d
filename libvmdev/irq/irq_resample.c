// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Resampling of level-triggered lines. When the guest acknowledges a
 * level line (EOI), KVM lowers it and signals the line's resample eventfd
 * (the eventfd backend leaves that write to whoever emulates the EOI).
 * The device may still hold the line high: then it must fire again.
 *
 * One epoll set per manager holds the resample fds of every enabled level
 * line. Either a thread of the library waits on it (the default: nothing
 * for the VMM to do), or the VMM polls it in its own event loop and calls
 * vmdev_irq_manager_process() (VMDEV_IRQ_MGR_MANUAL_RESAMPLE).
 *
 * The events are taken with a zero timeout under the manager lock, the
 * lock under which lines leave the set: an event never names a line that
 * is gone. The thread only sleeps on the epoll fd, outside the lock.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/internal.h"
#include "irq_internal.h"

#define RESAMPLE_BATCH	32

int vmdev_irq_resampler_init(struct vmdev_irq_manager *mgr)
{
	mgr->rs.stop_fd = -1;
	mgr->rs.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (mgr->rs.epoll_fd < 0)
		return vmdev_err(errno);
	return 0;
}

void vmdev_irq_resampler_fini(struct vmdev_irq_manager *mgr)
{
	struct vmdev_irq_resampler *rs = &mgr->rs;
	uint64_t one = 1;

	if (rs->thread_running) {
		/* An eventfd write of 1 cannot fail: the counter is 0. */
		if (write(rs->stop_fd, &one, sizeof(one)) == sizeof(one))
			pthread_join(rs->thread, NULL);
	}
	if (rs->stop_fd >= 0)
		close(rs->stop_fd);
	close(rs->epoll_fd);
}

/*
 * Resample every line whose eventfd fired. Called with mgr->lock held.
 * Returns the number of lines handled; *stop is set when the thread was
 * asked to end (its stop fd is in the set with a NULL pointer).
 */
static int resample_ready(struct vmdev_irq_manager *mgr, bool *stop)
{
	struct epoll_event ev[RESAMPLE_BATCH];
	int i, n, done = 0;

	do {
		n = epoll_wait(mgr->rs.epoll_fd, ev, RESAMPLE_BATCH, 0);
		if (n < 0)
			return errno == EINTR ? done : vmdev_err(errno);
		for (i = 0; i < n; i++) {
			if (!ev[i].data.ptr) {
				*stop = true;
				continue;
			}
			vmdev_irq_vec_resample(ev[i].data.ptr);
			done++;
		}
	} while (n == RESAMPLE_BATCH);
	return done;
}

static void *resample_thread(void *arg)
{
	struct vmdev_irq_manager *mgr = arg;
	struct pollfd pfd = { .fd = mgr->rs.epoll_fd, .events = POLLIN };
	bool stop = false;

	while (!stop) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		pthread_mutex_lock(&mgr->lock);
		resample_ready(mgr, &stop);
		pthread_mutex_unlock(&mgr->lock);
	}
	return NULL;
}

/*
 * The thread takes no signal: VMMs direct signals at vCPU threads and
 * must not find one of ours in the way.
 */
static int resampler_start(struct vmdev_irq_manager *mgr)
{
	struct vmdev_irq_resampler *rs = &mgr->rs;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	sigset_t all, old;
	int err;

	if (rs->stop_fd < 0) {
		rs->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (rs->stop_fd < 0)
			return vmdev_err(errno);
		if (epoll_ctl(rs->epoll_fd, EPOLL_CTL_ADD, rs->stop_fd, &ev)) {
			err = errno;
			close(rs->stop_fd);
			rs->stop_fd = -1;
			return vmdev_err(err);
		}
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&rs->thread, NULL, resample_thread, mgr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return vmdev_err(err);
	rs->thread_running = true;
	return 0;
}

static bool resampler_watches(const struct vmdev_irq_group *grp)
{
	return vmdev_irq_group_is_level(grp) &&
	       !(grp->flags & VMDEV_IRQ_GROUP_DIRECT);
}

static void resampler_del_first(struct vmdev_irq_group *grp, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		epoll_ctl(grp->mgr->rs.epoll_fd, EPOLL_CTL_DEL,
			  grp->vec[i].resample_fd, NULL);
}

int vmdev_irq_resampler_add(struct vmdev_irq_group *grp)
{
	struct vmdev_irq_manager *mgr = grp->mgr;
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t i;
	int err;

	if (!resampler_watches(grp))
		return 0;
	if (!(mgr->flags & VMDEV_IRQ_MGR_MANUAL_RESAMPLE) &&
	    !mgr->rs.thread_running) {
		err = resampler_start(mgr);
		if (err)
			return err;
	}
	for (i = 0; i < grp->count; i++) {
		ev.data.ptr = &grp->vec[i];
		if (epoll_ctl(mgr->rs.epoll_fd, EPOLL_CTL_ADD,
			      grp->vec[i].resample_fd, &ev)) {
			err = errno;
			resampler_del_first(grp, i);
			return vmdev_err(err);
		}
	}
	return 0;
}

void vmdev_irq_resampler_del(struct vmdev_irq_group *grp)
{
	if (resampler_watches(grp))
		resampler_del_first(grp, grp->count);
}

static int manual_only(const struct vmdev_irq_manager *mgr)
{
	if (!mgr)
		return vmdev_err(EINVAL);
	if (!(mgr->flags & VMDEV_IRQ_MGR_MANUAL_RESAMPLE))
		return vmdev_err(EBUSY);
	return 0;
}

int vmdev_irq_manager_resample_fd(struct vmdev_irq_manager *mgr)
{
	int err = manual_only(mgr);

	return err ? err : mgr->rs.epoll_fd;
}

int vmdev_irq_manager_process(struct vmdev_irq_manager *mgr)
{
	bool stop = false;
	int ret = manual_only(mgr);

	if (ret)
		return ret;
	pthread_mutex_lock(&mgr->lock);
	ret = resample_ready(mgr, &stop);
	pthread_mutex_unlock(&mgr->lock);
	return ret;
}
