// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's figures, twice: a table for people, and JSON between
 * two marker lines for the host, which copies it out of the VM's output
 * channel into build/bench/fastpath-<kver>.json (tests/bench/bench.mk).
 * Documentation/benchmarks.rst describes both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "fastpath.h"

#define JSON_BEGIN	"vmdev-bench: json begin"
#define JSON_END	"vmdev-bench: json end"
/* 2: ratio is the median of the rounds' ratios (was: of the medians). */
#define JSON_FORMAT	2

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double fp_median(const struct fp_case *c)
{
	double v[FP_MAX_REPEATS];

	memcpy(v, c->ns, c->nr_runs * sizeof(v[0]));
	return median(v, c->nr_runs);
}

/* A case has a figure when every run passed; failed ones have none. */
static bool measured(const struct fp_case *c)
{
	return c->nr_runs && !c->error[0];
}

/*
 * Cost relative to a baseline: the median of the rounds' ratios. In a
 * round the paths of one access kind run back to back, seconds apart,
 * while the machine's load (other test VMs) changes their times by up to
 * several times between rounds: a round's ratio keeps little of that, a
 * ratio of medians all of it.
 */
static bool ratio_of(const struct fp_case *c, const struct fp_case *base,
		     double *r)
{
	double q[FP_MAX_REPEATS];
	unsigned int i;

	if (!measured(c) || !measured(base) || c->nr_runs != base->nr_runs)
		return false;
	for (i = 0; i < c->nr_runs; i++)
		q[i] = c->ns[i] / base->ns[i];
	*r = median(q, c->nr_runs);
	return true;
}

/* To the userspace exit of the same access kind. */
static bool ratio(const struct fp_bench *b, const struct fp_case *c,
		  double *r)
{
	return ratio_of(c, &b->cases[c->kind][FP_USER], r);
}

/*
 * The floor: the cheapest exit KVM completes by itself in the access's
 * space, a write to a plain ioeventfd (it decodes, looks up its bus and
 * signals, nothing more). A write's floor is its own kind's; a read has
 * no ioeventfd, so the write of its space stands for KVM's share of it:
 * with a device that answered at once, level 3's MMIO read cost the same
 * as that write (Documentation/fast-path.rst, "What level 3 costs"). It
 * runs in the same round as the read, if not right beside it.
 */
_Static_assert(FP_PIO_WRITE == FP_PIO_READ + 1 &&
	       FP_MMIO_WRITE == FP_MMIO_READ + 1,
	       "a space's write kind follows its read kind");

static const struct fp_case *floor_case(const struct fp_bench *b,
					enum fp_kind kind)
{
	return &b->cases[fp_is_write(kind) ? kind : kind + 1][FP_IOEVENTFD];
}

/* The paths that complete accesses without an exit, over the floor. */
static bool floor_ratio(const struct fp_bench *b, const struct fp_case *c,
			double *r)
{
	if (c->path != FP_KVM_BUS &&
	    !(c->path == FP_DOORBELL && fp_is_write(c->kind)))
		return false;
	return ratio_of(c, floor_case(b, c->kind), r);
}

/* ---- The table ----------------------------------------------------------- */

static void table_row(const struct fp_bench *b, const struct fp_case *c)
{
	double r;

	printf("%-10s %-18s ", fp_kind_name(c->kind), fp_path_title(c->path));
	if (!fp_applies(c->kind, c->path))
		printf("%11s\n", "n/a");
	else if (!measured(c))
		printf("%11s\n", "FAILED");
	else if (ratio(b, c, &r))
		printf("%11.0f %7.2f %14llu %10u\n", fp_median(c), r,
		       (unsigned long long)c->exits.to_user, c->n);
	else
		printf("%11.0f %7s %14llu %10u\n", fp_median(c), "-",
		       (unsigned long long)c->exits.to_user, c->n);
}

static void ratio_matrix(const struct fp_bench *b)
{
	const struct fp_case *c;
	char cell[16];
	double r;
	int k, p;

	printf("\nRatio to userspace exit handling (lower is cheaper):\n");
	printf("%-10s %10s %10s %10s %10s %10s %10s\n", "", "userspace",
	       "run loop", "events on", "doorbell", "ioeventfd", "KVM bus");
	for (k = 0; k < FP_NR_KINDS; k++) {
		printf("%-10s", fp_kind_name(k));
		for (p = 0; p < FP_NR_PATHS; p++) {
			c = &b->cases[k][p];
			if (!fp_applies(k, p))
				snprintf(cell, sizeof(cell), "n/a");
			else if (ratio(b, c, &r))
				snprintf(cell, sizeof(cell), "%.2f", r);
			else
				snprintf(cell, sizeof(cell), "FAILED");
			printf(" %10s", cell);
		}
		printf("\n");
	}
}

/* The headline: how much cheaper level 1 made each access kind. */
static void run_loop_gain(const struct fp_bench *b)
{
	double r, lo = 0, hi = 0;
	int k, n = 0;

	for (k = 0; k < FP_NR_KINDS; k++) {
		if (!ratio(b, &b->cases[k][FP_RUN_LOOP], &r))
			continue;
		lo = n && lo < 1 / r ? lo : 1 / r;
		hi = n && hi > 1 / r ? hi : 1 / r;
		n++;
	}
	if (n)
		printf("\n"
		       "The level 1 run loop completed accesses %.2f to %.2f times\n"
		       "as fast as userspace exit handling.\n", lo, hi);
}

/*
 * The tracepoints: level 1 with vmdev's events on against the same with
 * them off, per access kind. The two run back to back in every round,
 * so on/off is the median of the rounds' quotients (ratio_of()).
 */
static void tracing_cost(const struct fp_bench *b)
{
	const struct fp_case *off, *on;
	double q;
	int k;

	printf("\nvmdev.ko's tracepoints, level 1 run loop, ns/access:\n");
	printf("%-10s %11s %11s %8s\n", "", "events off", "events on",
	       "on/off");
	for (k = 0; k < FP_NR_KINDS; k++) {
		off = &b->cases[k][FP_RUN_LOOP];
		on = &b->cases[k][FP_TRACED];
		if (ratio_of(on, off, &q))
			printf("%-10s %11.0f %11.0f %8.2f\n", fp_kind_name(k),
			       fp_median(off), fp_median(on), q);
	}
}

/*
 * Level 3's targets (Documentation/fast-path.rst): reads at most 0.65 of
 * a userspace exit, writes at most 1.05 of the plain ioeventfd. Shown,
 * not judged: on a loaded machine one run says little either way. Each
 * read comes with the floor's own ratio to the userspace exit, about the
 * least any path in the kernel could reach on this machine, and level
 * 3's cost over it.
 */
#define L3_READ_MAX	0.65
#define L3_WRITE_MAX	1.05

static void level3_target(const struct fp_bench *b, enum fp_kind k)
{
	const struct fp_case *c = &b->cases[k][FP_KVM_BUS];
	bool write = fp_is_write(k);
	double r, f, over;
	const char *verdict;

	if (write ? !floor_ratio(b, c, &r) : !ratio(b, c, &r)) {
		printf("%-10s %8s\n", fp_kind_name(k), "FAILED");
		return;
	}
	verdict = r <= (write ? L3_WRITE_MAX : L3_READ_MAX) ? "met" : "missed";
	if (!write && ratio_of(floor_case(b, k), &b->cases[k][FP_USER], &f) &&
	    floor_ratio(b, c, &over))
		printf("%-10s %8.2f user   %-7s (floor %.2f user, level 3 "
		       "%.2f of it)\n", fp_kind_name(k), r, verdict, f, over);
	else
		printf("%-10s %8.2f %-6s %s\n", fp_kind_name(k), r,
		       write ? "floor" : "user", verdict);
}

static void level3_targets(const struct fp_bench *b)
{
	int k;

	printf("\nLevel 3 against its targets (reads: ratio to userspace\n"
	       "exits, at most %.2f; writes: ratio to the plain ioeventfd,\n"
	       "the floor, at most %.2f; medians of the rounds' ratios):\n",
	       L3_READ_MAX, L3_WRITE_MAX);
	for (k = 0; k < FP_NR_KINDS; k++)
		level3_target(b, k);
}

void fp_report_table(const struct fp_bench *b)
{
	int k, p;

	printf("\n"
	       "Cost of one guest access: the wall time of a run divided by its\n"
	       "N accesses, median of the runs; its ratio to userspace exit\n"
	       "handling, the median of the rounds' ratios; the exits that\n"
	       "reached userspace in one run.\n\n");
	printf("%-10s %-18s %11s %7s %14s %10s\n", "access", "path",
	       "ns/access", "ratio", "exits to user", "N");
	for (k = 0; k < FP_NR_KINDS; k++)
		for (p = 0; p < FP_NR_PATHS; p++)
			table_row(b, &b->cases[k][p]);
	ratio_matrix(b);
	run_loop_gain(b);
	level3_targets(b);
	tracing_cost(b);
}

/* ---- The JSON ------------------------------------------------------------ */

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_case(const struct fp_bench *b, const struct fp_case *c,
		      bool last)
{
	unsigned int i;
	double r;

	printf("    {\"access\": ");
	json_string(fp_kind_name(c->kind));
	printf(", \"path\": ");
	json_string(fp_path_key(c->path));
	printf(", \"ok\": %s", measured(c) ? "true" : "false");
	if (!measured(c)) {
		printf(", \"error\": ");
		json_string(c->error[0] ? c->error : "not run");
		printf("}%s\n", last ? "" : ",");
		return;
	}
	printf(",\n     \"accesses\": %u, \"ns_per_access\": %.1f", c->n,
	       fp_median(c));
	if (ratio(b, c, &r))
		printf(", \"ratio\": %.4f", r);
	else
		printf(", \"ratio\": null");
	if (floor_ratio(b, c, &r))
		printf(", \"floor_ratio\": %.4f", r);
	printf(",\n     \"exits_to_user\": %llu, \"exits_in_kernel\": %llu",
	       (unsigned long long)c->exits.to_user,
	       (unsigned long long)c->exits.in_kernel);
	printf(",\n     \"runs_ns_per_access\": [");
	for (i = 0; i < c->nr_runs; i++)
		printf("%s%.1f", i ? ", " : "", c->ns[i]);
	printf("]}%s\n", last ? "" : ",");
}

void fp_report_json(const struct fp_bench *b, double target_s,
		    unsigned int repeats)
{
	const struct fp_case *c, *last = NULL;
	time_t now = time(NULL);
	struct utsname u;
	char date[32];
	struct tm tm;
	int k, p;

	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	for (k = 0; k < FP_NR_KINDS; k++)
		for (p = 0; p < FP_NR_PATHS; p++)
			if (fp_applies(k, p))
				last = &b->cases[k][p];
	printf("\n%s\n{\n  \"benchmark\": \"vmdev-fastpath\",\n", JSON_BEGIN);
	printf("  \"format\": %d,\n  \"date\": \"%s\",\n  \"kernel\": ",
	       JSON_FORMAT, date);
	json_string(u.release);
	printf(",\n  \"access_bytes\": %d,\n  \"repeats\": %u,\n",
	       FP_ACCESS_BYTES, repeats);
	printf("  \"target_seconds\": %.2f,\n  \"baseline\": \"user\",\n",
	       target_s);
	printf("  \"results\": [\n");
	for (k = 0; k < FP_NR_KINDS; k++) {
		for (p = 0; p < FP_NR_PATHS; p++) {
			c = &b->cases[k][p];
			if (fp_applies(k, p))
				json_case(b, c, c == last);
		}
	}
	printf("  ]\n}\n%s\n", JSON_END);
}
