// SPDX-License-Identifier: GPL-2.0
/*
 * The parent while the workers run: it forks them (each into the
 * workers' memory cgroup, with no output of its own), samples the
 * module's live objects, prints the violations as they come, watches
 * every thread's progress (a thread in one operation for FZ_HANG_SECS is
 * a hang: its kernel stack, its last operations, the CPUs' backtraces,
 * the blocked tasks and a second of KVM's tracepoints go to the report),
 * tells them to stop when the time is up and kills what does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#define FZ_HANG_SECS	30	/* a thread without progress: hung */
#define FZ_STOP_SECS	30	/* time to stop once told */

/* Where a thread that stopped making progress is, in the kernel. */
static void dump_thread(unsigned int p, unsigned int t)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stack", fz_sh->beat[p][t].tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	printf("# proc %u thread %u (tid %d), in %s, kernel stack:\n%s", p, t,
	       fz_sh->beat[p][t].tid, fz_sh->beat[p][t].what ?
	       fz_sh->beat[p][t].what : "?", buf);
}

/* The last operations of a thread, oldest first, with their times. */
static void dump_history(unsigned int p, unsigned int t, uint64_t start)
{
	const struct fz_beat *b = &fz_sh->beat[p][t];
	unsigned int i = b->nr_hist > FZ_HIST ? b->nr_hist - FZ_HIST : 0;

	printf("# proc %u thread %u, its last operations:", p, t);
	for (; i < b->nr_hist; i++)
		printf(" %.3f %s", (b->hist_ns[i % FZ_HIST] - start) / 1e9,
		       b->hist[i % FZ_HIST]);
	printf("\n");
}

static uint64_t run_start;

/* Tracing is best effort: a file this kernel lacks is passed over. */
static void write_str(const char *path, const char *s)
{
	int ret = fz_write_file(path, s);

	if (ret && ret != -ENOENT)
		fprintf(stderr, "%s: %s\n", path, strerror(-ret));
}

/*
 * What KVM does for a second, from its tracepoints: the exits, entries
 * and user exits of the stuck vCPUs show whether they still move.
 */
static void trace_kvm(void)
{
	static const char *const ev[] = {
		"kvm/kvm_entry", "kvm/kvm_exit", "kvm/kvm_userspace_exit",
		"kvm/kvm_pio", "kvm/kvm_mmio",
	};
	char path[128], line[512];
	unsigned int i, n = 0;
	FILE *f;

	write_str("/sys/kernel/tracing/trace", "");
	for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/tracing/events/%s/enable", ev[i]);
		write_str(path, "1");
	}
	sleep(1);
	write_str("/sys/kernel/tracing/tracing_on", "0");
	f = fopen("/sys/kernel/tracing/trace", "re");
	while (f && fgets(line, sizeof(line), f) && n < 200) {
		if (line[0] != '#' && ++n)
			printf("# trace: %s", line);
	}
	if (f)
		fclose(f);
}

/* A thread whose last operation began more than FZ_HANG_SECS ago. */
static bool find_hang(void)
{
	unsigned int p, t;
	bool hung = false;

	for (p = 0; p < fz_cfg->procs; p++) {
		for (t = 0; t < fz_cfg->threads; t++) {
			uint64_t b = __atomic_load_n(&fz_sh->beat[p][t].beat_ns,
						     __ATOMIC_RELAXED);
			const char *w = fz_sh->beat[p][t].what;
			uint64_t now = fz_now_ns();

			if (!b || (w && !strcmp(w, "done")) ||
			    b + FZ_HANG_SECS * 1000000000ULL > now)
				continue;
			fz_violation("hang: proc %u thread %u has been in %s "
				     "for %llu s", p, t, w ? w : "?",
				     (unsigned long long)((now - b) / 1000000000ULL));
			dump_thread(p, t);
			dump_history(p, t, run_start);
			hung = true;
		}
	}
	if (hung) {
		/* What the CPUs do, twice, and who waits: to the log. */
		fz_sysrq('l');
		sleep(1);
		fz_sysrq('l');
		fz_sysrq('w');
		trace_kvm();
	}
	return hung;
}

/* Ask the kernel to log something: sysrq w (blocked tasks), l (CPUs). */
void fz_sysrq(char c)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, &c, 1) != 1)
		perror("# sysrq");
	close(fd);
}

/* The violations recorded since the last call, as they come. */
void fz_print_violations(void)
{
	static unsigned int printed;

	while (printed < FZ_NR_MSGS &&
	       __atomic_load_n(&fz_sh->msg_ready[printed], __ATOMIC_ACQUIRE))
		printf("# violation: %s\n", fz_sh->msgs[printed++]);
}

/* The module's live objects during the run: sums, for the averages. */
static struct fz_health objs;
static long objs_sum[16], objs_max[16], objs_samples;

long long fz_cg_slab_max;

static void sample_objects(const struct fz_cg *cg)
{
	long long slab = cg->dir[0] ? fz_cg_stat(cg, "slab_unreclaimable") : -1;
	int i;

	if (slab > fz_cg_slab_max)
		fz_cg_slab_max = slab;

	objs.nr_objects = fz_read_objects(&objs);
	if (objs.nr_objects <= 0)
		return;
	for (i = 0; i < objs.nr_objects; i++) {
		objs_sum[i] += objs.objects[i];
		if (objs.objects[i] > objs_max[i])
			objs_max[i] = objs.objects[i];
	}
	objs_samples++;
}

void fz_print_objects(void)
{
	int i;

	if (fz_cg_slab_max > 0)
		printf("# the workers' memory cgroup held up to %lld bytes of "
		       "slab during the run\n", fz_cg_slab_max);
	if (!objs_samples)
		return;
	printf("# live objects during the run (%ld samples):", objs_samples);
	for (i = 0; i < objs.nr_objects; i++)
		printf(" %s %ld avg %ld max", objs.object_names[i],
		       objs_sum[i] / objs_samples, objs_max[i]);
	printf("\n");
}

static pid_t workers[FZ_MAX_PROCS];

/* Reap the workers that ended; false once none is left. */
static bool reap(bool stopping)
{
	unsigned int i;
	bool alive = false;
	int st;

	for (i = 0; i < fz_cfg->procs; i++) {
		if (workers[i] <= 0)
			continue;
		if (waitpid(workers[i], &st, WNOHANG) != workers[i]) {
			alive = true;
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fz_violation("worker %u ended with status %#x", i, st);
		else if (!stopping)
			fz_violation("worker %u ended before the run did", i);
		workers[i] = 0;
	}
	return alive;
}

static void kill_workers(void)
{
	unsigned int i;

	for (i = 0; i < fz_cfg->procs; i++) {
		if (workers[i] > 0)
			kill(workers[i], SIGKILL);
	}
}

/*
 * A worker writes nothing (its violations go to the parent, see call.c),
 * so that one stuck in the kernel keeps no pipe to /init open, and the
 * VM goes on to its end. -v keeps the runners' output.
 */
static void quiet(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (!fz_cfg->verbose)
		dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/*
 * Run the workers for fz_cfg->secs, watching them; then stop them. False if
 * a worker could not be ended at all (stuck in the kernel).
 */
bool fz_supervise(struct fz_proc *tmpl, const struct fz_cg *cg)
{
	uint64_t start = fz_now_ns(), end = start + fz_cfg->secs * 1000000000ULL;

	run_start = start;
	uint64_t now;
	unsigned int i;
	bool hung = false;

	fz_sh->hard_stop_ns = end + 5000000000ULL;
	for (i = 0; i < fz_cfg->procs; i++) {
		workers[i] = fork();
		if (workers[i] == 0) {
			tmpl->index = i;
			if (fz_cg_enter(cg))
				fz_violation("worker %u: cannot enter %s", i,
					     cg->dir);
			quiet();
			_exit(fz_proc_main(tmpl));
		}
		if (workers[i] < 0)
			fz_violation("fork: %s", strerror(errno));
	}
	while ((now = fz_now_ns()) < end && reap(false)) {
		if (find_hang()) {
			hung = true;
			break;
		}
		sample_objects(cg);
		fz_print_violations();
		usleep(200000);
	}
	__atomic_store_n(&fz_sh->stop, 1, __ATOMIC_RELAXED);
	/* Told to stop, every thread is out within a tick and an operation. */
	end = fz_now_ns() + FZ_STOP_SECS * 1000000000ULL;
	while (reap(true) && fz_now_ns() < end) {
		if (!hung && find_hang())
			hung = true;
		fz_print_violations();
		usleep(100000);
	}
	if (!reap(true))
		return true;
	if (!hung)
		fz_violation("the workers did not stop within %d s",
			     FZ_STOP_SECS);
	for (i = 0; i < fz_cfg->procs * fz_cfg->threads; i++) {
		if (fz_sh->beat[i / fz_cfg->threads][i % fz_cfg->threads].tid)
			dump_thread(i / fz_cfg->threads, i % fz_cfg->threads);
	}
	kill_workers();
	end = fz_now_ns() + 10000000000ULL;
	while (reap(true) && fz_now_ns() < end)
		usleep(100000);
	if (!reap(true))
		return true;
	/* SIGKILL did not end them: they are stuck in the kernel. */
	fz_violation("workers stuck in the kernel: SIGKILL did not end them");
	fz_print_violations();
	return false;
}

