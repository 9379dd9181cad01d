// SPDX-License-Identifier: GPL-2.0
/*
 * vmdev-bench: the fast-path benchmark's program (fastpath.h), run by
 * `make bench` inside the test VM:
 *
 *   vmdev-bench [-t SECONDS] [-r REPEATS]
 *
 * Every case is calibrated first: a pilot run grows its access count
 * until it takes a tenth of the target, then the count is scaled to take
 * about SECONDS (default 1) per run. Then the cases are measured in
 * REPEATS rounds (default 3), every case once per round, so that a
 * change of the machine's load along the way hits all of them alike
 * (the paths of one access kind back to back, in reverse order every
 * other round); a case's figure is the median of its runs, its ratio to
 * userspace the median of the rounds' ratios. Every run is checked
 * (fastpath.c): the program ends with one TAP line per case and exits 0
 * only if all of them passed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest.h"
#include "fastpath.h"

#define PILOT_FIRST	256
#define PILOT_GROWTH	4
#define MAX_ACCESSES	(1U << 30)

static void usage(FILE *f)
{
	fprintf(f, "usage: vmdev-bench [-t SECONDS] [-r REPEATS]\n"
		"  -t  target time of one run of a case (0.05-10, default 1)\n"
		"  -r  runs of a case, the median counts (1-%d, default 3)\n",
		FP_MAX_REPEATS);
}

static bool parse(int argc, char **argv, double *target_s,
		  unsigned int *repeats)
{
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "ht:r:")) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			exit(0);
		case 't':
			*target_s = strtod(optarg, &end);
			if (*end || !(*target_s >= 0.05 && *target_s <= 10))
				return false;
			break;
		case 'r':
			*repeats = strtoul(optarg, &end, 10);
			if (*end || *repeats < 1 || *repeats > FP_MAX_REPEATS)
				return false;
			break;
		default:
			return false;
		}
	}
	return optind == argc;
}

/* Two significant digits: counts a person reads at a glance. */
static uint32_t round_count(double n)
{
	double scale = 1;

	while (n >= 100 * scale)
		scale *= 10;
	return (uint32_t)(n / scale) * scale;
}

/*
 * Grow a pilot run until it takes a tenth of the target, then scale:
 * the count that takes target_s at the pilot's rate. The first runs of
 * a path are slow under TCG (qemu translates the code the path runs
 * through on first use), so the rate is the better of two pilots of
 * that size.
 */
static int calibrate(struct fp_bench *b, struct fp_case *c, double target_s)
{
	uint32_t n = PILOT_FIRST;
	double secs, again, want;
	int ret;

	for (;;) {
		ret = fp_run(b, c, n, &secs);
		if (ret)
			return ret;
		if (secs >= target_s / 10 || n > MAX_ACCESSES / PILOT_GROWTH)
			break;
		n *= PILOT_GROWTH;
	}
	ret = fp_run(b, c, n, &again);
	if (ret)
		return ret;
	secs = again < secs ? again : secs;
	want = n * target_s / secs;
	if (want < n)
		want = n;
	if (want > MAX_ACCESSES)
		want = MAX_ACCESSES;
	c->n = round_count(want);
	printf("  %-10s %-18s %10u accesses a run (pilot: %u in %.3f s)\n",
	       fp_kind_name(c->kind), fp_path_title(c->path), c->n, n, secs);
	return 0;
}

static int measure(struct fp_bench *b, struct fp_case *c)
{
	double secs;
	int ret = fp_run(b, c, c->n, &secs);

	if (!ret)
		c->ns[c->nr_runs++] = secs * 1e9 / c->n;
	return ret;
}

static void print_failure(const struct fp_case *c)
{
	printf("  %-10s %-18s FAILED: %s\n", fp_kind_name(c->kind),
	       fp_path_title(c->path), c->error);
}

/* Each case in turn, round after round; a failed case drops out. */
static void run_all(struct fp_bench *b, double target_s,
		    unsigned int repeats)
{
	struct fp_case *c;
	unsigned int r;
	int k, p, i;

	printf("Calibrating (target %.2f s a run):\n", target_s);
	for (k = 0; k < FP_NR_KINDS; k++) {
		for (p = 0; p < FP_NR_PATHS; p++) {
			c = &b->cases[k][p];
			if (fp_applies(k, p) && calibrate(b, c, target_s))
				print_failure(c);
		}
	}
	for (r = 0; r < repeats; r++) {
		printf("Round %u of %u\n", r + 1, repeats);
		for (k = 0; k < FP_NR_KINDS; k++) {
			for (i = 0; i < FP_NR_PATHS; i++) {
				/* No path always right after another. */
				p = r % 2 ? FP_NR_PATHS - 1 - i : i;
				c = &b->cases[k][p];
				if (fp_applies(k, p) && !c->error[0] &&
				    measure(b, c))
					print_failure(c);
			}
		}
	}
}

/* One TAP line per case: its runs passed every check. */
static void results(const struct fp_bench *b, unsigned int repeats)
{
	const struct fp_case *c;
	int k, p, n = 0;

	for (k = 0; k < FP_NR_KINDS; k++)
		for (p = 0; p < FP_NR_PATHS; p++)
			n += fp_applies(k, p);
	ksft_print_header();
	ksft_set_plan(n);
	for (k = 0; k < FP_NR_KINDS; k++) {
		for (p = 0; p < FP_NR_PATHS; p++) {
			c = &b->cases[k][p];
			if (!fp_applies(k, p))
				continue;
			if (c->error[0])
				ksft_print_msg("%s, %s: %s\n", fp_kind_name(k),
					       fp_path_key(p), c->error);
			ksft_test_result(!c->error[0] && c->nr_runs == repeats,
					 "%s %s\n", fp_kind_name(k),
					 fp_path_key(p));
		}
	}
}

int main(int argc, char **argv)
{
	unsigned int repeats = 3;
	struct fp_bench b = { 0 };
	double target_s = 1.0;
	struct utsname u;
	int k, p, ret;

	if (!parse(argc, argv, &target_s, &repeats)) {
		usage(stderr);
		return 2;
	}
	/* Line by line even into a pipe: the VM's console shows it live. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);
	printf("vmdev fast-path benchmark: kernel %s, %d-byte accesses\n",
	       u.release, FP_ACCESS_BYTES);
	for (k = 0; k < FP_NR_KINDS; k++) {
		for (p = 0; p < FP_NR_PATHS; p++) {
			b.cases[k][p].kind = k;
			b.cases[k][p].path = p;
		}
	}
	ret = fp_setup(&b);
	if (!ret) {
		run_all(&b, target_s, repeats);
		fp_report_table(&b);
		fp_report_json(&b, target_s, repeats);
	}
	fp_teardown(&b);
	if (ret)
		ksft_exit_fail_msg("set-up failed: %s\n", strerror(-ret));
	results(&b, repeats);
	ksft_finished();
}
