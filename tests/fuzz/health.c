// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's health, before the run and after it, once every worker
 * has exited and every context is closed:
 *
 * - taint: no flag may appear but O and E (which loading vmdev.ko sets);
 * - the kernel log since the start: no warning, BUG, oops, call trace,
 *   lockdep report, RCU stall, hung task or panic (the same patterns as
 *   tests/vm/judge.sh, so a splat fails here with the seed beside it);
 * - the module's live objects (debugfs vmdev/objects, when the module
 *   has it): every count back where it was;
 * - slab memory: SUnreclaim (/proc/meminfo) back within a tolerance of
 *   where it was, both measured after letting RCU and deferred frees run,
 *   dropping caches (which also flushes kvfree_rcu()'s batches) and
 *   shrinking every slab cache (which frees empty slabs and per-CPU
 *   ones). Documentation/testing.rst gives the noise this tolerance is
 *   measured against.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define OBJECTS_FILE	"/sys/kernel/debug/vmdev/objects"
#define SLAB_DIR	"/sys/kernel/slab"
#define SETTLE_TRIES	5
#define FZ_KTHREAD_KB	64	/* slab memory of one kernel thread, and margin */

/* Write s to the kernel file at path: 0 or -errno (open or write). */
int fz_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static unsigned long read_taint(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "re");
	unsigned long t = 0;

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

int fz_read_objects(struct fz_health *h)
{
	FILE *f = fopen(OBJECTS_FILE, "re");
	int n = 0;

	if (!f)
		return -1;
	while (n < 16 && fscanf(f, "%31s %ld", h->object_names[n],
				&h->objects[n]) == 2)
		n++;
	fclose(f);
	return n;
}

/* Every cache: empty slabs freed, per-CPU slabs flushed. */
static void shrink_slabs(void)
{
	DIR *d = opendir(SLAB_DIR);
	struct dirent *e;
	char path[300];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), SLAB_DIR "/%s/shrink", e->d_name);
		fz_write_file(path, "1");
	}
	closedir(d);
}

static long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	size_t len = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Let frees that wait for something happen, then measure. */
static long settled_sunreclaim(void)
{
	sleep(1);
	fz_write_file("/proc/sys/vm/drop_caches", "3");
	shrink_slabs();
	return meminfo_kb("SUnreclaim");
}

/*
 * Kernel threads alive: the workqueue starts workers while work items
 * block and keeps idle ones for minutes, and each holds slab memory
 * (task_struct, signal and sighand structs) that the run leaves behind
 * without leaking anything.
 */
static int count_kthreads(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], buf[512], *p;
	unsigned long flags;
	int n = 0, fd, i;
	ssize_t len;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* After "pid (comm) ": state, ppid, pgrp, session, tty,
		 * tpgid, then flags. */
		p = strrchr(buf, ')');
		for (i = 0; p && i < 7; i++)
			p = strchr(p + 1, ' ');
		if (p && sscanf(p, "%lu", &flags) == 1 &&
		    (flags & 0x00200000))	/* PF_KTHREAD */
			n++;
	}
	closedir(d);
	return n;
}

/* Live bytes per slab cache, for naming what grew. */
struct slab_use {
	char name[64];
	long long bytes;
};

static int read_slabinfo(struct slab_use *u, int max)
{
	FILE *f = fopen("/proc/slabinfo", "re");
	char line[512];
	long active, total, size;
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", u[n].name, &active,
			   &total, &size) != 4)
			continue;	/* the header lines */
		u[n].bytes = (long long)active * size;
		n++;
	}
	fclose(f);
	return n;
}

#define MAX_CACHES	512
static struct slab_use slab_before[MAX_CACHES];
static int nr_slab_before;

void fz_health_begin(struct fz_health *h)
{
	memset(h, 0, sizeof(*h));
	h->taint = read_taint();
	h->nr_objects = fz_read_objects(h);
	h->sunreclaim_kb = settled_sunreclaim();
	h->kthreads = count_kthreads();
	nr_slab_before = read_slabinfo(slab_before, MAX_CACHES);
	/* The log from now on: skip what is there already. */
	h->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (h->kmsg >= 0)
		lseek(h->kmsg, 0, SEEK_END);
}

static void tap(bool ok, unsigned int n, const char *name)
{
	printf("%sok %u %s\n", ok ? "" : "not ", n, name);
	fflush(stdout);
}

int fz_check_taint(const struct fz_health *h, unsigned int n)
{
	static const char letters[] = "PFSRMBUDAWCIOELKXTN";
	unsigned long fresh = read_taint() & ~h->taint &
			      ~(1UL << 12 | 1UL << 13);
	unsigned int i;

	if (fresh) {
		printf("# new taint %#lx:", fresh);
		for (i = 0; i < 8 * sizeof(fresh); i++) {
			if (fresh >> i & 1)
				printf(" %c", i < sizeof(letters) - 1 ?
				       letters[i] : '?');
		}
		printf("\n");
	}
	tap(!fresh, n, "kernel not tainted by the run");
	return !fresh;
}

/* The kernel's own words for trouble (tests/vm/judge.sh; SLUB's too). */
static const char kmsg_pattern[] =
	"WARNING:|BUG:|kernel BUG at|BUG [a-z0-9_-]+ \\(|Oops|"
	"general protection fault|"
	"Call Trace:|lockdep|possible (circular|recursive) locking|"
	"inconsistent lock state|INFO: rcu|rcu_(sched|preempt|bh).*stall|"
	"INFO: task .* blocked for more than|soft lockup|hard LOCKUP|"
	"Kernel panic";

int fz_check_kmsg(struct fz_health *h, unsigned int n)
{
	char rec[2048], *msg;
	unsigned int bad = 0;
	regex_t re;
	ssize_t len;

	if (h->kmsg < 0) {
		printf("ok %u kernel log clean # SKIP /dev/kmsg: %s\n", n,
		       strerror(errno));
		return 1;
	}
	if (regcomp(&re, kmsg_pattern, REG_EXTENDED | REG_NOSUB)) {
		tap(false, n, "kernel log clean (bad pattern)");
		return 0;
	}
	for (;;) {
		len = read(h->kmsg, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		/* "prio,seq,time,flags;text\n" then continuation lines. */
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (regexec(&re, msg, 0, NULL, 0))
			continue;
		if (bad++ < 5)
			printf("# kernel: %s\n", msg);
	}
	regfree(&re);
	close(h->kmsg);
	h->kmsg = -1;
	tap(!bad, n, "kernel log clean");
	return !bad;
}

/*
 * Everything the kernel logged since the start, its last max records:
 * when workers are stuck, the console may be too (a CPU stuck holding
 * its lock), and the log buffer still says what the CPUs were doing.
 */
void fz_kmsg_tail(struct fz_health *h, unsigned int max)
{
	static char lines[512][200];
	unsigned int n = 0, i;
	char rec[2048], *msg;
	ssize_t len;

	if (h->kmsg < 0)
		return;
	if (max > 512)
		max = 512;
	for (;;) {
		len = read(h->kmsg, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(lines[n++ % max], sizeof(lines[0]), "%.199s", msg);
	}
	for (i = n > max ? n - max : 0; i < n; i++)
		printf("# kernel: %s\n", lines[i % max]);
}

int fz_check_objects(const struct fz_health *h, unsigned int n)
{
	struct fz_health now;
	int i, tries, diff = 0;

	if (h->nr_objects < 0) {
		printf("ok %u module objects back to start # SKIP "
		       OBJECTS_FILE " absent\n", n);
		return 1;
	}
	/* Freed objects may wait for a grace period or a work item. */
	for (tries = 0; tries < SETTLE_TRIES; tries++) {
		if (tries)
			sleep(1);
		now.nr_objects = fz_read_objects(&now);
		diff = now.nr_objects != h->nr_objects;
		for (i = 0; !diff && i < h->nr_objects; i++)
			diff = strcmp(now.object_names[i], h->object_names[i]) ||
			       now.objects[i] != h->objects[i];
		if (!diff)
			break;
	}
	for (i = 0; i < h->nr_objects && i < now.nr_objects; i++)
		printf("# objects %s: %ld before, %ld after\n",
		       h->object_names[i], h->objects[i], now.objects[i]);
	tap(!diff, n, "module objects back to start");
	return !diff;
}

static void print_slab_growth(void)
{
	static struct slab_use after[MAX_CACHES];
	int na = read_slabinfo(after, MAX_CACHES), i, j, k, best;
	long long grow[MAX_CACHES];

	for (i = 0; i < na; i++) {
		grow[i] = after[i].bytes;
		for (j = 0; j < nr_slab_before; j++) {
			if (!strcmp(after[i].name, slab_before[j].name)) {
				grow[i] -= slab_before[j].bytes;
				break;
			}
		}
	}
	/* The five caches that grew most. */
	for (k = 0; k < 5; k++) {
		best = -1;
		for (i = 0; i < na; i++) {
			if (grow[i] > 0 && (best < 0 || grow[i] > grow[best]))
				best = i;
		}
		if (best < 0)
			break;
		printf("# slab %s: %+lld bytes live\n", after[best].name,
		       grow[best]);
		grow[best] = 0;
	}
}

/*
 * SUnreclaim back where it was, within the noise of a run that does
 * nothing (fz_cfg->slab_tol_kb) and the slab memory of the kernel
 * threads the run left alive (FZ_KTHREAD_KB each: a task_struct, its
 * signal and sighand structs and the rest of a thread, measured on the
 * three kernels; see Documentation/testing.rst).
 */
int fz_check_slab(const struct fz_health *h, unsigned int n)
{
	long now = -1, growth = 0, tol = fz_cfg->slab_tol_kb;
	int tries, kthreads = 0;

	if (h->sunreclaim_kb < 0) {
		printf("ok %u slab usage back to start # SKIP no SUnreclaim "
		       "in /proc/meminfo\n", n);
		return 1;
	}
	for (tries = 0; tries < SETTLE_TRIES; tries++) {
		now = settled_sunreclaim();
		growth = now - h->sunreclaim_kb;
		kthreads = count_kthreads() - h->kthreads;
		tol = fz_cfg->slab_tol_kb +
		      (kthreads > 0 ? kthreads * FZ_KTHREAD_KB : 0);
		if (growth <= tol)
			break;
	}
	printf("# SUnreclaim: %ld kB before, %ld kB after: %+ld kB; allowed "
	       "%ld kB (%ld kB + %d new kernel threads * %d kB)\n",
	       h->sunreclaim_kb, now, growth, tol, fz_cfg->slab_tol_kb,
	       kthreads > 0 ? kthreads : 0, FZ_KTHREAD_KB);
	print_slab_growth();
	tap(growth <= tol, n, "slab usage back to start");
	return growth <= tol;
}

/*
 * What the workers' cgroup still holds once they are gone: nothing. The
 * memory controller caches, per CPU, charges and slab statistics of the
 * cgroup that last allocated there (up to a page of each), and nothing
 * else will come to flush them: writing memory.high, with usage above
 * it, drains those caches first (before reclaim, which has nothing to
 * do; unlike memory.max, it never invokes the OOM killer). Statistics
 * are then folded in every 2 seconds: each try waits that long.
 */
int fz_check_memcg(struct fz_cg *cg, unsigned int n)
{
	long long left = -1, tol = fz_cfg->memcg_tol_kb * 1024;
	int tries;

	if (!cg->dir[0]) {
		printf("ok %u workers' slab freed # SKIP %s\n", n, cg->why);
		return 1;
	}
	for (tries = 0; tries < SETTLE_TRIES; tries++) {
		settled_sunreclaim();
		fz_cg_drain(cg);
		sleep(2);
		left = fz_cg_stat(cg, "slab_unreclaimable");
		if (left >= 0 && left <= tol)
			break;
	}
	printf("# the workers' memory cgroup: slab_unreclaimable %lld bytes "
	       "left, memory.current %lld (allowed: %lld bytes of slab)\n",
	       left, fz_cg_read(cg, "memory.current"), tol);
	fz_cg_remove(cg);
	tap(left >= 0 && left <= tol, n, "workers' slab freed");
	return left >= 0 && left <= tol;
}
