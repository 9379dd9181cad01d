/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the interrupt host tests (irq_*.c): reading the
 * eventfds behind a vector the way a guest-side consumer would, and
 * counting the program's open file descriptors to catch leaked eventfds.
 * ASSERT_ERR and res_leaks() come from test_util.h.
 */
#ifndef VMDEV_TESTS_IRQ_TEST_H
#define VMDEV_TESTS_IRQ_TEST_H

#include <dirent.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>
#include <vmdev/interrupt.h>
#include "../test_util.h"

/* How long a test waits for something that must not happen. */
#define IRQ_QUIET_MS	200
/* How long it waits for something that must (another thread's work). */
#define IRQ_WAIT_MS	5000

/* Take an eventfd's counter: the events it held, 0 if none. */
static inline uint64_t efd_take(int fd)
{
	uint64_t cnt;

	if (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt;
}

static inline int efd_write(int fd, uint64_t cnt)
{
	return write(fd, &cnt, sizeof(cnt)) == sizeof(cnt) ? 0 : -errno;
}

/* Whether fd becomes readable within ms milliseconds. */
static inline bool efd_wait(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

static inline bool efd_readable(int fd)
{
	return efd_wait(fd, 0);
}

/* The events a vector's consumer finds in its trigger eventfd. */
static inline uint64_t vec_take(struct vmdev_irq_group *grp, uint32_t v)
{
	return efd_take(vmdev_irq_group_trigger_fd(grp, v));
}

/* Open file descriptors, counting the one this call opens to look. */
static inline int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

#endif /* VMDEV_TESTS_IRQ_TEST_H */
