// SPDX-License-Identifier: GPL-2.0
/*
 * The figures of a run: per command, calls, successes and the count of
 * each errno, as a table (TAP comments); the totals and the rate; what
 * the guests and the operations around the commands did.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

uint64_t fz_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static const char *errname(int e)
{
	const char *s = e == FZ_MAX_ERRNO - 1 ? "(other)" : strerrorname_np(e);

	return s ? s : "?";
}

/* One row: name, calls, ok, then the errnos from the most frequent. */
static void row(enum fz_ioc ioc)
{
	const struct fz_ioc_stats *s = &fz_sh->ioc[ioc];
	uint64_t err[FZ_MAX_ERRNO];
	int e, best, col = 0;

	memcpy(err, s->err, sizeof(err));
	printf("# %-16s %10llu %10llu %7.1f ", fz_ioc_name(ioc),
	       (unsigned long long)s->calls, (unsigned long long)s->ok,
	       s->max_ns / 1e6);
	for (;;) {
		best = 0;
		for (e = 1; e < FZ_MAX_ERRNO; e++) {
			if (err[e] > err[best])
				best = e;
		}
		if (!err[best])
			break;
		if (col++ && col % 4 == 1)
			printf("\n# %-16s %10s %10s %7s ", "", "", "", "");
		printf(" %s %llu", errname(best),
		       (unsigned long long)err[best]);
		err[best] = 0;
	}
	printf("\n");
}

void fz_report(double secs)
{
	const struct fz_guest_stats *g = &fz_sh->guest;
	const struct fz_side_stats *s = &fz_sh->side;
	uint64_t total = 0, ok = 0;
	int i;

	printf("# %-16s %10s %10s %7s  %s\n", "ioctl", "calls", "ok",
	       "max ms", "errors by errno");
	for (i = 0; i < FZ_NR_IOC; i++) {
		row((enum fz_ioc)i);
		total += fz_sh->ioc[i].calls;
		ok += fz_sh->ioc[i].ok;
	}
	printf("# total: %llu ioctls (%llu ok) in %.1f s: %.0f ioctls/s\n",
	       (unsigned long long)total, (unsigned long long)ok, secs,
	       secs > 0 ? total / secs : 0.0);
	printf("# guests: %llu VMDEV_RUN calls of the runners, %llu exits "
	       "completed in the kernel, %llu by the runners (elements: %llu "
	       "through VMDEV_ACCESS, %llu slow there, %llu misfits), %llu "
	       "other exits; %llu guest accesses; %llu reloads\n",
	       (unsigned long long)g->runs,
	       (unsigned long long)g->kernel_exits,
	       (unsigned long long)g->user_exits,
	       (unsigned long long)g->replayed,
	       (unsigned long long)g->replay_slow,
	       (unsigned long long)g->replay_misfit,
	       (unsigned long long)g->other_exits,
	       (unsigned long long)g->guest_iters,
	       (unsigned long long)g->reloads);
	if (g->slow_runs)
		printf("# runner calls over a second: %llu; the longest %.1f s, "
		       "%llu exits completed in it, returned %d\n",
		       (unsigned long long)g->slow_runs, g->slow_run_ns / 1e9,
		       (unsigned long long)g->slow_run_exits, g->slow_run_ret);
	for (i = 0; i < 64; i++) {
		if (g->reasons[i])
			printf("# other exits: %llu of reason %d%s\n",
			       (unsigned long long)g->reasons[i], i,
			       i == 63 ? " or above" : "");
	}
	printf("# VMDEV_ACCESS: %llu completed, %llu left to the VMM\n",
	       (unsigned long long)s->done, (unsigned long long)s->slow);
	printf("# around: %llu eventfd signals, %llu eventfds replaced, "
	       "%llu KVM ioeventfd and %llu KVM irqfd changes, %llu contexts "
	       "replaced, %llu run page remaps, %llu exits overwritten, "
	       "%llu forked children\n",
	       (unsigned long long)s->efd_signals,
	       (unsigned long long)s->efd_recycles,
	       (unsigned long long)s->kvm_ioeventfds,
	       (unsigned long long)s->kvm_irqfds,
	       (unsigned long long)s->ctx_recycles,
	       (unsigned long long)s->run_remaps,
	       (unsigned long long)s->scribbles,
	       (unsigned long long)s->forks);
	fflush(stdout);
}
