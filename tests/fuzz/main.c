// SPDX-License-Identifier: GPL-2.0
/*
 * vmdev_fuzz: the parent. Options (tests/vm/run-vm.sh -a passes them to
 * every program it runs; all optional):
 *
 *   -t SECONDS  of fuzzing (default 60)
 *   -s SEED     the seed (default: from the clock); printed either way
 *   -p PROCS    worker processes, each with its own context (default 2)
 *   -j THREADS  threads per worker, its runner included (default 4)
 *   -m KB       allowed SUnreclaim growth (default FZ_SLAB_TOL_KB)
 *   -c KB       allowed slab left in the workers' memory cgroup (default
 *               FZ_MEMCG_TOL_KB)
 *   -n          no fuzzing: the same measurements around a pause of
 *               SECONDS, for the noise of the slab check
 *   -v          the runners print the first exits they handle
 *
 * It prints TAP: the run itself (no violation of the UAPI's promises, no
 * hang, every worker done), then the health checks of health.c, then
 * the errno table and the figures as comments.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/*
 * SUnreclaim moves by itself: runs that do nothing (-n) moved it by up
 * to 64 kB; this is four times that, besides what the kernel threads
 * the run leaves cost (health.c). The workers' cgroup must give back
 * every byte. Documentation/testing.rst ("The ioctl fuzzer") has the
 * figures.
 */
#define FZ_SLAB_TOL_KB	256
#define FZ_MEMCG_TOL_KB	0
#define FZ_NR_CHECKS	6

struct fz_shared *fz_sh;
const struct fz_config *fz_cfg;
static struct fz_config cfg = {
	.secs = 60, .procs = 2, .threads = 4, .slab_tol_kb = FZ_SLAB_TOL_KB,
	.memcg_tol_kb = FZ_MEMCG_TOL_KB,
};
static struct fz_cg cg;

static const char usage[] =
	"usage: vmdev_fuzz [-t SECONDS] [-s SEED] [-p PROCS] [-j THREADS] "
	"[-m SLAB-KB] [-c CGROUP-KB] [-n] [-v]\n";

static int parse_args(int argc, char **argv)
{
	bool seeded = false;
	int opt;

	while ((opt = getopt(argc, argv, "t:s:p:j:m:c:nv")) != -1) {
		switch (opt) {
		case 't':
			cfg.secs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'p':
			cfg.procs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'j':
			cfg.threads = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'm':
			cfg.slab_tol_kb = strtol(optarg, NULL, 0);
			break;
		case 'c':
			cfg.memcg_tol_kb = strtol(optarg, NULL, 0);
			break;
		case 'n':
			cfg.noop = true;
			break;
		case 'v':
			cfg.verbose = true;
			break;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmdev_fuzz: unexpected '%s'\n%s", argv[optind],
			usage);
		return -1;
	}
	if (!cfg.procs || cfg.procs > FZ_MAX_PROCS || !cfg.threads ||
	    cfg.threads > FZ_MAX_THREADS) {
		fprintf(stderr, "vmdev_fuzz: procs 1..%d, threads 1..%d\n",
			FZ_MAX_PROCS, FZ_MAX_THREADS);
		return -1;
	}
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		cfg.seed = (uint64_t)ts.tv_sec * 1000003ULL ^
			   (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
	}
	return 0;
}

/* What every worker inherits: the shared context, the parent's vCPU. */
static int template(struct fz_proc *p, struct minivm *foreign)
{
	memset(p, 0, sizeof(*p));
	p->foreign_vcpu = -1;
	p->shared_ctx = open("/dev/vmdev", O_RDWR | O_CLOEXEC);
	if (p->shared_ctx < 0)
		return -errno;
	if (!minivm_usable() && !minivm_create(foreign, NULL)) {
		p->foreign_vcpu = foreign->vcpu_fd;
		p->foreign_run = foreign->run;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fz_health health;
	struct minivm foreign = { .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1 };
	struct fz_proc tmpl;
	unsigned int n = 0, fails = 0;
	uint64_t start;
	double secs;
	bool ended;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv))
		return 2;
	fz_cfg = &cfg;
	printf("TAP version 13\n1..%d\n", FZ_NR_CHECKS);
	printf("# vmdev_fuzz: seed=%llu secs=%u procs=%u threads=%u%s\n",
	       (unsigned long long)cfg.seed, cfg.secs, cfg.procs, cfg.threads,
	       cfg.noop ? " noop" : "");
	printf("# replay: make fuzz SECS=%u SEED=%llu KVER=<kernel>\n",
	       cfg.secs, (unsigned long long)cfg.seed);
	if (access("/dev/vmdev", R_OK | W_OK)) {
		printf("ok 1 fuzz # SKIP /dev/vmdev: %s\n", strerror(errno));
		for (n = 2; n <= FZ_NR_CHECKS; n++)
			printf("ok %u health # SKIP no module\n", n);
		return 0;
	}
	fz_sh = mmap(NULL, sizeof(*fz_sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fz_sh == MAP_FAILED || fz_ticks_install()) {
		printf("not ok 1 fuzz (set-up: %s)\n", strerror(errno));
		return 1;
	}
	fz_health_begin(&health);
	if (fz_cg_create(&cg))
		printf("# no memory cgroup for the workers: %s\n", cg.why);
	ret = template(&tmpl, &foreign);
	if (ret) {
		printf("not ok 1 fuzz (/dev/vmdev: %s)\n", strerror(-ret));
		return 1;
	}
	if (tmpl.foreign_vcpu < 0)
		printf("# no usable /dev/kvm: no guest runs\n");

	start = fz_now_ns();
	if (cfg.noop) {
		sleep(cfg.secs);
		ended = true;
	} else {
		ended = fz_supervise(&tmpl, &cg);
	}
	secs = (fz_now_ns() - start) / 1e9;
	close(tmpl.shared_ctx);
	minivm_destroy(&foreign);

	fz_print_violations();
	fz_report(secs);
	fz_print_objects();
	/* With KVM, the run loop must have had work: else RUN went untested. */
	if (!cfg.noop && tmpl.foreign_vcpu >= 0 && !fz_sh->guest.kernel_exits)
		fz_violation("the guests made no exit the run loop completed");
	fz_print_violations();
	n = 1;
	if (fz_sh->violations || !ended) {
		printf("not ok %u fuzz (%llu violations, seed %llu)\n", n++,
		       (unsigned long long)fz_sh->violations,
		       (unsigned long long)cfg.seed);
		fails++;
	} else {
		printf("ok %u fuzz\n", n++);
	}
	if (!ended) {
		/*
		 * Measuring the rest would wait on what is stuck. What the
		 * kernel says of its CPUs and blocked tasks goes to its log,
		 * shown here too: the console may be stuck with the rest.
		 */
		fz_sysrq('l');
		fz_sysrq('w');
		sleep(2);
		fz_kmsg_tail(&health, 400);
		for (; n <= FZ_NR_CHECKS; n++)
			printf("not ok %u health (workers stuck)\n", n);
		return 1;
	}
	fails += !fz_check_taint(&health, n++);
	fails += !fz_check_kmsg(&health, n++);
	fails += !fz_check_objects(&health, n++);
	fails += !fz_check_slab(&health, n++);
	if (cg.dir[0] && fz_cg_slab_max <= 0) {
		cg.why = "nothing was charged to the workers' cgroup";
		fz_cg_remove(&cg);
	}
	fails += !fz_check_memcg(&cg, n++);
	return fails ? 1 : 0;
}
