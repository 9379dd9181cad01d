/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the reference VMM (tools/vmdev-vmm) from a test in the test
 * VM, as the bad-input tests (tests/kmod/vmm_args.c) and the boot test
 * (tests/vmm/vmm_boot.c) both do: its stdin is /dev/null, the guest's
 * console (stdout) and the VMM's messages (stderr) are collected apart,
 * with the time to the exit and, when asked, to a banner on the console.
 */
#ifndef VMDEV_TESTS_VMM_RUN_H
#define VMDEV_TESTS_VMM_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VMM		"/bin/vmdev-vmm"
#define L2_KERNEL	"/boot/vmlinuz-l2"
/* Kept of each stream; the rest is read and counted (out_total). */
#define OUT_MAX		(128 * 1024)

struct vmm_run {
	int status;		/* exit status, or -signal */
	char out[OUT_MAX];	/* the guest's console (stdout) */
	size_t out_len;
	size_t out_total;	/* console bytes, those not kept included */
	char err[OUT_MAX];	/* the VMM's messages (stderr) */
	size_t err_len;
	double secs;		/* start to exit */
	double banner_secs;	/* start to the banner, or -1 */
	bool killed;		/* vmm_run_watch(): no sign in time */
};

static inline double vmm_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * What fd has into buf, up to OUT_MAX - 1 bytes; past that, read and
 * dropped, so that a VMM with more to say is never blocked on the pipe.
 */
static inline void vmm_slurp(int fd, char *buf, size_t *len, size_t *total,
			     bool *open_)
{
	char drop[4096];
	size_t room = OUT_MAX - 1 - *len;
	ssize_t n = room ? read(fd, buf + *len, room) :
			   read(fd, drop, sizeof(drop));

	if (n <= 0) {
		*open_ = false;
		return;
	}
	*total += n;
	if (!room)
		return;
	*len += n;
	buf[*len] = '\0';
}

/* How many times needle occurs in haystack (overlaps counted). */
static inline int vmm_count(const char *haystack, const char *needle)
{
	int n = 0;

	while ((haystack = strstr(haystack, needle))) {
		n++;
		haystack++;
	}
	return n;
}

/*
 * The child: the VMM with args, optionally pinned with its vCPU thread
 * to CPU 0 of the test VM. Pinning made the L2 guest's stalls in a test
 * VM of two CPUs rarer, before their cause was found (Documentation/
 * guests.rst, "Interrupts delivered twice"); in the one-CPU test VM the
 * boot test now uses, it changes nothing.
 */
static inline void vmm_exec(const char *const *args, int out, int err,
			    bool pin)
{
	int null = open("/dev/null", O_RDONLY);

	if (pin) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(0, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	dup2(null, 0);
	dup2(out, 1);
	dup2(err, 2);
	execv(VMM, (char *const *)args);
	_exit(127);
}

/*
 * Run the VMM with args (NULL-terminated), collecting both streams, and
 * the time to banner on its console if banner is not NULL. With sign,
 * the VMM is killed (r->killed, status -SIGKILL) unless its messages
 * (stderr) show sign within sign_secs, or if, once they did, neither
 * stream says anything for sign_secs: a guest that stalled need not wait
 * for the VMM's own --timeout.
 */
static inline int vmm_run_watch(struct vmm_run *r, const char *const *args,
				const char *banner, bool pin,
				const char *sign, double sign_secs)
{
	int out[2], err[2], st;
	size_t err_total = 0;
	bool out_open = true, err_open = true;
	double t0 = vmm_now(), t_last = t0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->banner_secs = -1;
	if (pipe(out) || pipe(err))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		vmm_exec(args, out[1], err[1], pin);
	close(out[1]);
	close(err[1]);
	while (out_open || err_open) {
		struct pollfd p[2] = {
			{ .fd = out_open ? out[0] : -1, .events = POLLIN },
			{ .fd = err_open ? err[0] : -1, .events = POLLIN },
		};

		if (poll(p, 2, sign ? 500 : -1) < 0 && errno != EINTR)
			break;
		if (sign && !r->killed &&
		    ((vmm_now() - t0 > sign_secs && !strstr(r->err, sign)) ||
		     vmm_now() - t_last > sign_secs)) {
			kill(pid, SIGKILL);
			r->killed = true;
		}
		if (p[0].revents || p[1].revents)
			t_last = vmm_now();
		if (p[0].revents)
			vmm_slurp(out[0], r->out, &r->out_len,
				  &r->out_total, &out_open);
		if (p[1].revents)
			vmm_slurp(err[0], r->err, &r->err_len, &err_total,
				  &err_open);
		if (banner && r->banner_secs < 0 && strstr(r->out, banner))
			r->banner_secs = vmm_now() - t0;
	}
	close(out[0]);
	close(err[0]);
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	r->secs = vmm_now() - t0;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
	return 0;
}

static inline int vmm_run(struct vmm_run *r, const char *const *args,
			  const char *banner, bool pin)
{
	return vmm_run_watch(r, args, banner, pin, NULL, 0);
}

#endif /* VMDEV_TESTS_VMM_RUN_H */
