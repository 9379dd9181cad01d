/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels the module builds for, hidden behind
 * one name each so the code that uses them has no version tests.
 */
#ifndef VMDEV_COMPAT_H
#define VMDEV_COMPAT_H

#include <linux/eventfd.h>
#include <linux/version.h>

/*
 * Linux 6.8 dropped eventfd_signal()'s count (a signal now adds one),
 * without leaving anything but the version to test for.
 */
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 8)
#define VMDEV_EVENTFD_SIGNAL_ONE	1
#endif

/*
 * Linux 6.2 gave a dump its own struct genl_info (genl_info_dump()),
 * where 6.1 has the parsed attributes in struct genl_dumpit_info.
 */
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 2)
#define VMDEV_GENL_INFO_DUMP	1
#endif

/*
 * Linux 6.10 made __assign_str() (trace events) take the field alone,
 * the source being the one given to __string().
 */
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 10)
#define vmdev_trace_assign_str(dst, src)	__assign_str(dst)
#else
#define vmdev_trace_assign_str(dst, src)	__assign_str(dst, src)
#endif

static inline void vmdev_eventfd_signal(struct eventfd_ctx *efd)
{
#ifdef VMDEV_EVENTFD_SIGNAL_ONE
	eventfd_signal(efd);
#else
	eventfd_signal(efd, 1);
#endif
}

#endif /* VMDEV_COMPAT_H */
