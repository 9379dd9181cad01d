/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watch and break the library's KVM ioctls: this program's ioctl()
 * counts every call by request number and can make the nth call of one
 * request fail with a chosen errno (or, with errno 0, return 0: an
 * extension KVM does not have) before it reaches the kernel. The
 * definition takes precedence over the C library's (and the sanitizer's)
 * for the whole program; calls go to the kernel through syscall(2).
 * Include it in one test program only once.
 */
#ifndef VMDEV_TESTS_IRQ_IOCTL_HOOK_H
#define VMDEV_TESTS_IRQ_IOCTL_HOOK_H

#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kvm.h>

struct ioctl_hook {
	unsigned long count[4];		/* per watched request, see below */
	unsigned long fail_req;		/* request to fail, 0: none */
	long fail_countdown;		/* calls of it to let through first */
	int fail_errno;
};

static struct ioctl_hook ioctl_hook;

enum { HOOK_ROUTING, HOOK_IRQFD, HOOK_IRQFD_ASSIGN, HOOK_OTHER };

static inline void ioctl_hook_reset(void)
{
	memset(&ioctl_hook, 0, sizeof(ioctl_hook));
}

/* Fail the (skip + 1)th call of req from now with err (0: return 0). */
static inline void ioctl_hook_fail(unsigned long req, long skip, int err)
{
	ioctl_hook.fail_req = req;
	ioctl_hook.fail_countdown = skip;
	ioctl_hook.fail_errno = err;
}

static inline unsigned long ioctl_hook_routing(void)
{
	return ioctl_hook.count[HOOK_ROUTING];
}

/* KVM_IRQFD calls that attach (the rest detach). */
static inline unsigned long ioctl_hook_attach(void)
{
	return ioctl_hook.count[HOOK_IRQFD_ASSIGN];
}

static inline unsigned long ioctl_hook_detach(void)
{
	return ioctl_hook.count[HOOK_IRQFD] - ioctl_hook.count[HOOK_IRQFD_ASSIGN];
}

static void ioctl_hook_count(unsigned long req, const void *arg)
{
	const struct kvm_irqfd *irqfd = arg;

	if (req == KVM_SET_GSI_ROUTING) {
		ioctl_hook.count[HOOK_ROUTING]++;
	} else if (req == KVM_IRQFD) {
		ioctl_hook.count[HOOK_IRQFD]++;
		if (!(irqfd->flags & KVM_IRQFD_FLAG_DEASSIGN))
			ioctl_hook.count[HOOK_IRQFD_ASSIGN]++;
	} else {
		ioctl_hook.count[HOOK_OTHER]++;
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (ioctl_hook.fail_req == req && ioctl_hook.fail_countdown-- == 0) {
		ioctl_hook.fail_req = 0;
		if (!ioctl_hook.fail_errno)
			return 0;
		errno = ioctl_hook.fail_errno;
		return -1;
	}
	ioctl_hook_count(req, arg);
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

#endif /* VMDEV_TESTS_IRQ_IOCTL_HOOK_H */
