// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux-guest benchmark (Documentation/benchmarks.rst): the reference
 * VMM (tools/vmdev-vmm) boots Debian's kernel as an L2 guest in the test
 * VM, in kernel mode, user mode and kernel mode at level 3 (--kvm-bus),
 * alternating, several rounds in one boot of the test VM. The guest's
 * /init (tools/vmdev-vmm/l2/init, vmdev.work=console,blk) marks its
 * phases on the VMM's mark port, and the VMM times them and counts the
 * exits at each mark (tools/vmdev-vmm/mark.c). Per boot:
 *
 *   boot      VMM start (first vCPU) to /init's first mark, and the exits
 *             that reached the VMM by then, in total and by port/address
 *   console   /init writes 65536 bytes to /dev/ttyS0; the time from mark
 *             2 to mark 3 (the UART has sent the last byte) over 65536
 *   blk       /init reads the 128 MiB virtio-blk disk with O_DIRECT; MiB
 *             over the time from mark 4 to mark 5
 *
 * Every figure is the VMM's clock (CLOCK_MONOTONIC in the test VM). A
 * mode's figure is the median of its boots; its ratio to user mode the
 * median of the rounds' ratios. A boot that stalls (the nested test bed:
 * Documentation/linux-guest.rst) is logged and tried again. One TAP line
 * per mode says whether its boots went right (marks, bytes, exit); the
 * figures, with the targets of issue 9, go to a table and to JSON
 * between "vmm-bench: json begin" and "vmm-bench: json end".
 *
 *   vmm_bench [-r ROUNDS] [-T SECONDS] [-m MODE,...] [--demo]
 *
 * Installed as vmm_demo (make demo) it is the Linux part of the demo:
 * one round, the guest's console once, then the side-by-side table.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <vmdev/devices.h>

#include "vmm_run.h"

#define L2_INITRD	"/boot/l2-initramfs.cpio"
#define DISK_PATH	"/tmp/vmm-bench-disk.img"
#define DISK_MIB	128	/* BLK_DONE says it in sectors */
#define CONSOLE_BYTES	65536
#define BOOT_SECS	"180"	/* the VMM's bound of one boot */
/*
 * A boot without /init's first mark by then (15 to 30 s), or silent that
 * long after it, has stalled.
 */
#define INIT_SECS	50
#define INIT_SIGN	"vmdev-vmm: mark 1 at "
#define BOOT_TRIES	4	/* per mode and round */
#define VMM_TIMEOUT	3	/* the VMM's exit status for --timeout */
#define APPEND		"quiet loglevel=1 printk.time=0 " \
			"vmdev.work=console,blk"
#define MAX_ROUNDS	9
#define NR_MARKS	5
#define MAX_ROWS	40
#define MAX_TRAPS	8
#define CONSOLE_LINE	"vmdev-l2 console "
/* DISK_MIB in 512-byte sectors, as /init prints it. */
#define BLK_DONE	"vmdev-l2: blk workload: 262144 sectors read"
#define CONSOLE_DONE	"vmdev-l2: console workload: done"
_Static_assert(DISK_MIB * 2048 == 262144, "BLK_DONE's sector count");

enum mode { M_KERNEL, M_USER, M_KVM_BUS, NR_MODES };

/* KVM's per-vCPU counters the VMM prints at marks, kept per phase. */
static const char *const kvm_names[] = {
	"exits", "io_exits", "mmio_exits", "irq_exits", "halt_exits",
	"halt_wait_ns", "irq_injections", "irq_window_exits",
	"halt_attempted_poll", "halt_successful_poll", "halt_poll_success_ns",
	"halt_poll_fail_ns", "halt_wakeup",
	/* and the VMM's threads (its "mark N threads:" lines) */
	"vcpu_run_ms", "vcpu_wait_ms", "console_out_run_ms",
	"console_out_wait_ms", "console_drains",
};

#define NR_KVM	((int)(sizeof(kvm_names) / sizeof(*kvm_names)))
#define KVM_THR	(NR_KVM - 5)	/* the first of the threads' */
static const char *const mode_names[NR_MODES] = { "kernel", "user",
						  "kvm_bus" };

/* One row of the VMM's table at init: a device, a port, an address. */
struct port_row {
	char space[8];
	unsigned long long addr;
	char dev[16];
	unsigned long long accesses, in_kernel, to_vmm;
};

struct trap_row {
	unsigned long long port, writes, reads;
};

struct boot {
	bool ran;		/* false: the time budget was spent before */
	bool ok;
	char why[200];
	int stalls;		/* tries that ran out of time */
	bool level3;		/* kvm_bus: the VMM said level 3 */
	double t[NR_MARKS + 1];	/* mark n's time, s since the first vCPU */
	unsigned long long bytes[NR_MARKS + 1], exits[NR_MARKS + 1],
			   user[NR_MARKS + 1], kern[NR_MARKS + 1];
	double boot_s, ns_per_byte, mib_s;
	unsigned long long console_exits, blk_exits;
	/* KVM's counters and the threads', by kvm_names. */
	double kvm[NR_MARKS + 1][NR_KVM];
	bool have_kvm[NR_MARKS + 1];
	struct port_row rows[MAX_ROWS];
	int nr_rows;
	struct trap_row traps[MAX_TRAPS];
	int nr_traps;
};

static struct {
	int rounds;
	double budget;		/* seconds for all rounds */
	bool demo;
	bool use[NR_MODES];
} opt = { .rounds = 3, .budget = 900, .use = { true, true, true } };

static struct boot boots[MAX_ROUNDS][NR_MODES];
static int rounds_done;
static int total_stalls;

static double now(void)
{
	return vmm_now();
}

/* ---- the disk --------------------------------------------------------- */

/* DISK_MIB of a text pattern (no hole: every read is the file's). */
static int make_disk(void)
{
	static char buf[1 << 20];
	int fd = open(DISK_PATH, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	int i;

	if (fd < 0)
		return -errno;
	/* Text, so that /init's "disk read:" line prints cleanly. */
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = "VMDEV-BENCH-DISK-0123456789abcdefghijklmnopqrstuvwxyz"
			 [i % 53];
	for (i = 0; i < DISK_MIB; i++)
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			close(fd);
			return -EIO;
		}
	close(fd);
	return 0;
}

/* ---- what the VMM said ------------------------------------------------ */

static void parse_marks(struct boot *b, const char *err, bool *have)
{
	const char *p = err;

	while ((p = strstr(p, "vmdev-vmm: mark "))) {
		unsigned int n;
		double t;
		unsigned long long by, ex, us, ke;

		if (sscanf(p, "vmdev-vmm: mark %u at %lf s: console %llu "
			   "bytes out, %llu exits to the VMM, %llu in "
			   "userspace, %llu in the kernel", &n, &t, &by, &ex,
			   &us, &ke) == 6 &&
		    n >= 1 && n <= NR_MARKS && !have[n]) {
			have[n] = true;
			b->t[n] = t;
			b->bytes[n] = by;
			b->exits[n] = ex;
			b->user[n] = us;
			b->kern[n] = ke;
		}
		p++;
	}
}

/* "vmdev-vmm: mark N kvm: name v, name v, ..." lines. */
static void parse_kvm(struct boot *b, const char *err)
{
	const char *p = err, *eol;
	unsigned int n;
	int i, off;

	while ((p = strstr(p, "vmdev-vmm: mark "))) {
		off = 0;
		if (sscanf(p, "vmdev-vmm: mark %u kvm: %n", &n, &off) != 1 ||
		    !off || n < 1 || n > NR_MARKS || b->have_kvm[n]) {
			p++;
			continue;
		}
		eol = strchr(p, '\n');
		b->have_kvm[n] = true;
		for (i = 0; i < NR_KVM; i++) {
			char key[64];
			const char *k;

			snprintf(key, sizeof(key), " %s ", kvm_names[i]);
			k = strstr(p + off - 1, key);
			if (k && (!eol || k < eol))
				b->kvm[n][i] = strtod(k + strlen(key), NULL);
		}
		p++;
	}
}

/*
 * "vmdev-vmm: mark N threads: vcpu run X ms wait Y ms, console-out run
 * X ms wait Y ms (D drains)".
 */
static void parse_threads(struct boot *b, const char *err)
{
	const char *p = err;
	unsigned int n;
	double *v;

	while ((p = strstr(p, "vmdev-vmm: mark "))) {
		double t[4];
		unsigned long long d;

		if (sscanf(p, "vmdev-vmm: mark %u threads: vcpu run %lf ms "
			   "wait %lf ms, console-out run %lf ms wait %lf ms "
			   "(%llu drains)", &n, &t[0], &t[1], &t[2], &t[3],
			   &d) == 6 && n >= 1 && n <= NR_MARKS) {
			v = &b->kvm[n][KVM_THR];
			memcpy(v, t, sizeof(t));
			v[4] = d;
		}
		p++;
	}
}

/* One "  pio  0x3f8  ttyS0  a k v" line of the table, or false. */
static bool parse_row(const char *line, struct port_row *r)
{
	int off = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, " %7s %llx %n", r->space, &r->addr, &off) < 2 ||
	    (strcmp(r->space, "pio") && strcmp(r->space, "mmio")))
		return false;
	line += off;
	/* The name, %-14s: up to 14 characters, maybe two words. */
	snprintf(r->dev, sizeof(r->dev), "%.14s", line);
	for (off = strlen(r->dev); off > 0 && r->dev[off - 1] == ' '; off--)
		r->dev[off - 1] = '\0';
	if (strlen(line) < 15)
		return false;
	return sscanf(line + 15, "%llu %llu %llu", &r->accesses,
		      &r->in_kernel, &r->to_vmm) == 3;
}

/* The table the VMM printed for the boot to init (--stats). */
static void parse_init_table(struct boot *b, const char *err)
{
	const char *p = strstr(err, "vmdev-vmm: stats at init (");
	const char *end = p ? strstr(p, "exits to the VMM by init: ") : NULL;

	while (p && end && p < end && (p = strchr(p, '\n')) && ++p < end) {
		struct trap_row *t = &b->traps[b->nr_traps];

		if (b->nr_rows < MAX_ROWS &&
		    parse_row(p, &b->rows[b->nr_rows])) {
			if (b->rows[b->nr_rows].to_vmm)
				b->nr_rows++;
		} else if (b->nr_traps < MAX_TRAPS &&
			   sscanf(p, "    of which port %llx, trapped "
				  "register: %llu writes, %llu reads",
				  &t->port, &t->writes, &t->reads) == 3) {
			b->nr_traps++;
		}
	}
}

/* ---- one boot ---------------------------------------------------------- */

static bool fail(struct boot *b, const char *fmt, const char *arg)
{
	snprintf(b->why, sizeof(b->why), fmt, arg);
	return false;
}

/* The figures of a boot that ran, and whether it went right. */
static bool judge(struct boot *b, const struct vmm_run *r, enum mode m)
{
	bool have[NR_MARKS + 1] = { false };
	int i;

	if (r->status)
		return fail(b, "the VMM exited %s", r->status == 1 ?
			    "1 (error)" : "with an unexpected status");
	if (m == M_KVM_BUS)
		b->level3 = strstr(r->err, "level 3 (KVM's bus)");
	parse_marks(b, r->err, have);
	for (i = 1; i <= NR_MARKS; i++)
		if (!have[i] || (i > 1 && b->t[i] < b->t[i - 1]))
			return fail(b, "marks missing or out of order (%s)",
				    "1 to 5 expected");
	if (!strstr(r->out, CONSOLE_DONE) || !strstr(r->out, BLK_DONE))
		return fail(b, "no \"%s\" on the console", BLK_DONE);
	/*
	 * The UART's "transmitter empty" means "FIFO not full" (libvmdev's
	 * map): at marks 2 and 3 up to a FIFO's worth of what the guest
	 * wrote before may still wait for the VMM's thread, so the bytes
	 * sent between the marks are 64 KiB give or take a FIFO; all of the
	 * workload's lines must reach the console in the end.
	 */
	if (b->bytes[3] - b->bytes[2] > CONSOLE_BYTES + VMDEV_UART_FIFO_DEPTH ||
	    b->bytes[3] - b->bytes[2] + VMDEV_UART_FIFO_DEPTH < CONSOLE_BYTES)
		return fail(b, "the console sent %s between marks 2 and 3",
			    "not 64 KiB give or take a FIFO");
	if (vmm_count(r->out, "\n" CONSOLE_LINE) != CONSOLE_BYTES / 64)
		return fail(b, "the console has not the %s",
			    "1024 lines of the workload");
	parse_init_table(b, r->err);
	parse_kvm(b, r->err);
	parse_threads(b, r->err);
	b->boot_s = b->t[1];
	b->ns_per_byte = (b->t[3] - b->t[2]) * 1e9 / CONSOLE_BYTES;
	b->mib_s = DISK_MIB / (b->t[5] - b->t[4]);
	/* Between two marks, less the first mark's own exit. */
	b->console_exits = b->exits[3] - b->exits[2] - 1;
	b->blk_exits = b->exits[5] - b->exits[4] - 1;

	return true;
}

/* The console, its 1024 workload lines as one. */
static void show_console(const char *out)
{
	const char *p = out, *nl;
	int skipped = 0, len;

	printf("---- the guest's console (kernel mode) ----\n");
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (!strncmp(p, CONSOLE_LINE, strlen(CONSOLE_LINE))) {
			skipped++;
		} else {
			if (skipped)
				printf("[%d lines of the console workload, "
				       "\"%s0000 abc...\" to \"%s%04d ...\"]\n",
				       skipped, CONSOLE_LINE, CONSOLE_LINE,
				       skipped - 1);
			skipped = 0;
			len = nl - p - (nl > p && nl[-1] == '\r');
			printf("%.*s\n", len, p);
		}
		p = *nl ? nl + 1 : nl;
	}
	printf("---- end of the console ----\n");
}

static void run_boot(struct boot *b, enum mode m, struct vmm_run *r)
{
	const char *args[] = {
		VMM, "-k", L2_KERNEL, "-i", L2_INITRD, "-m", "128M",
		"--mode", m == M_USER ? "user" : "kernel",
		"--timeout", BOOT_SECS, "--stats", "--disk", DISK_PATH,
		"--append", APPEND, m == M_KVM_BUS ? "--kvm-bus" : NULL, NULL,
	};
	int i, ret;

	for (i = 1; i <= BOOT_TRIES; i++) {
		memset(b, 0, sizeof(*b));
		b->ran = true;
		b->stalls = i - 1;
		ret = vmm_run_watch(r, args, NULL, true, INIT_SIGN, INIT_SECS);
		if (ret) {
			snprintf(b->why, sizeof(b->why), "%s", strerror(-ret));
			return;
		}
		if (r->status != VMM_TIMEOUT && !r->killed)
			break;
		total_stalls++;
		printf("# %s mode: boot %d of %d stalled (%s), console %zu "
		       "bytes%s\n", mode_names[m], i, BOOT_TRIES,
		       r->killed ? "no /init or silent too long, killed" :
		       "timeout " BOOT_SECS " s", r->out_total,
		       opt.demo ? "; tried again" : "; the VMM said:");
		fflush(stdout);
		/* The log's: the demo's terminal gets the line alone. */
		if (!opt.demo)
			fprintf(stderr, "%s", r->err);
	}
	if (r->status == VMM_TIMEOUT || r->killed) {
		b->stalls = BOOT_TRIES;
		snprintf(b->why, sizeof(b->why), "%d boots stalled",
			 BOOT_TRIES);
		return;
	}
	b->ok = judge(b, r, m);
	if (!b->ok)
		printf("# %s mode: %s; the VMM said:\n%s", mode_names[m],
		       b->why, r->err);
	else
		printf("# %s mode: init %.2f s (%llu exits to the VMM), "
		       "console %.1f us/byte, blk %.2f MiB/s (vCPU thread "
		       "%.0f ms on a CPU)%s\n",
		       mode_names[m], b->boot_s, b->exits[1],
		       b->ns_per_byte / 1e3, b->mib_s,
		       b->kvm[5][KVM_THR] - b->kvm[4][KVM_THR],
		       b->stalls ? " (after a stall)" : "");
	fflush(stdout);
}

/* ---- medians ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	if (!n)
		return -1;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum fig { F_BOOT, F_EXITS, F_NS_BYTE, F_MIB_S, F_USER_EXITS,
	   F_CONSOLE_EXITS, F_BLK_EXITS, NR_FIGS };
static const char *const fig_names[NR_FIGS] = {
	"boot_seconds", "exits_to_vmm_by_init", "console_ns_per_byte",
	"blk_mib_per_second", "exits_to_userspace_by_init",
	"console_exits_to_vmm", "blk_exits_to_vmm",
};

static double fig_of(const struct boot *b, enum fig f)
{
	switch (f) {
	case F_BOOT: return b->boot_s;
	case F_EXITS: return b->exits[1];
	case F_NS_BYTE: return b->ns_per_byte;
	case F_MIB_S: return b->mib_s;
	case F_USER_EXITS: return b->user[1];
	case F_CONSOLE_EXITS: return b->console_exits;
	default: return b->blk_exits;
	}
}

/* The median of a mode's boots. */
static double fig_median(enum mode m, enum fig f)
{
	double v[MAX_ROUNDS];
	int i, n = 0;

	for (i = 0; i < rounds_done; i++)
		if (boots[i][m].ok)
			v[n++] = fig_of(&boots[i][m], f);
	return median(v, n);
}

/* The median over the rounds of mode m's figure over user mode's. */
static double ratio_median(enum mode m, enum fig f)
{
	double v[MAX_ROUNDS];
	int i, n = 0;

	for (i = 0; i < rounds_done; i++)
		if (boots[i][m].ok && boots[i][M_USER].ok &&
		    fig_of(&boots[i][M_USER], f) > 0)
			v[n++] = fig_of(&boots[i][m], f) /
				 fig_of(&boots[i][M_USER], f);
	return median(v, n);
}

static int boots_ok(enum mode m)
{
	int i, n = 0;

	for (i = 0; i < rounds_done; i++)
		n += boots[i][m].ok;
	return n;
}

static int boots_ran(enum mode m)
{
	int i, n = 0;

	for (i = 0; i < rounds_done; i++)
		n += boots[i][m].ran;
	return n;
}

/* ---- reports ------------------------------------------------------------- */

/* The last good boot of a mode, for its table of ports. */
static const struct boot *last_ok(enum mode m)
{
	int i;

	for (i = rounds_done - 1; i >= 0; i--)
		if (boots[i][m].ok)
			return &boots[i][m];
	return NULL;
}

static const char *col_name(enum mode m)
{
	const struct boot *b = last_ok(m);

	if (m == M_KVM_BUS && b && !b->level3)
		return "kvm_bus (no l3)";
	return mode_names[m];
}

static void print_fig_row(const char *label, enum fig f, const char *fmt,
			  double scale)
{
	int m;

	printf("%-34s", label);
	for (m = 0; m < NR_MODES; m++) {
		double v = fig_median(m, f);

		if (!opt.use[m])
			continue;
		if (v < 0)
			printf(" %16s", "-");
		else
			printf(fmt, v * scale);
	}
	printf("\n");
}

static void print_ratio_row(const char *label, enum fig f)
{
	int m;

	printf("%-34s", label);
	for (m = 0; m < NR_MODES; m++) {
		double v = ratio_median(m, f);

		if (!opt.use[m])
			continue;
		if (v < 0)
			printf(" %16s", "-");
		else
			printf(" %16.3f", v);
	}
	printf("\n");
}

static void json_num(const char *key, double v, const char *sep)
{
	if (v < 0)
		printf("\"%s\": null%s", key, sep);
	else
		printf("\"%s\": %.6g%s", key, v, sep);
}

/* The median over a mode's boots of KVM counter i from mark a to b. */
static double kvm_median(enum mode m, int i, int a, int z)
{
	double v[MAX_ROUNDS];
	int r, n = 0;

	for (r = 0; r < rounds_done; r++) {
		const struct boot *b = &boots[r][m];

		if (b->ok && b->have_kvm[a] && b->have_kvm[z])
			v[n++] = b->kvm[z][i] - b->kvm[a][i];
	}
	return median(v, n);
}

/* KVM's account of a phase, in each mode: where its time went. */
static void print_kvm_phase(const char *phase, int a, int z)
{
	int i, m;

	printf("KVM's counters of vCPU 0 and the VMM's threads in the %s "
	       "(medians):\n", phase);
	for (i = 0; i < NR_KVM; i++) {
		printf("  %-32s", kvm_names[i]);
		for (m = 0; m < NR_MODES; m++) {
			double v = kvm_median(m, i, a, z);

			if (!opt.use[m])
				continue;
			if (v < 0)
				printf(" %16s", "-");
			else
				printf(" %16.1f", v);
		}
		printf("\n");
	}
}

static void json_kvm(enum mode m, const char *key, int a, int z)
{
	int i;

	printf("      \"%s\": {", key);
	for (i = 0; i < NR_KVM; i++)
		json_num(kvm_names[i], kvm_median(m, i, a, z),
			 i + 1 < NR_KVM ? ", " : "},\n");
}

static void print_ports(enum mode m)
{
	const struct boot *b = last_ok(m);
	int i;

	if (!b)
		return;
	printf("exits to the VMM by init, %s mode (last boot), by port or "
	       "address:\n", mode_names[m]);
	for (i = 0; i < b->nr_rows; i++)
		printf("  %-4s %#10llx  %-14s %8llu\n", b->rows[i].space,
		       b->rows[i].addr, b->rows[i].dev, b->rows[i].to_vmm);
	for (i = 0; i < b->nr_traps; i++)
		printf("    of which port %#llx: %llu writes, %llu reads\n",
		       b->traps[i].port, b->traps[i].writes,
		       b->traps[i].reads);
}

static void print_table(void)
{
	int m;

	printf("\nLinux guest, %d round(s), medians (VMM's clock; the test "
	       "VM is nested TCG:\nonly ratios and counts mean something)\n"
	       "%-34s", rounds_done, "");
	for (m = 0; m < NR_MODES; m++)
		if (opt.use[m])
			printf(" %16s", col_name(m));
	printf("\n");
	print_fig_row("exits to the VMM, power-on to init", F_EXITS,
		      " %16.0f", 1);
	print_fig_row("  (vCPU: PIO/MMIO in userspace)", F_USER_EXITS,
		      " %16.0f", 1);
	print_fig_row("boot time to init, s", F_BOOT, " %16.2f", 1);
	print_fig_row("console, us per byte (64 KiB)", F_NS_BYTE,
		      " %16.2f", 1e-3);
	print_fig_row("  exits to the VMM in it", F_CONSOLE_EXITS,
		      " %16.0f", 1);

	print_fig_row("virtio-blk read, MiB/s (128 MiB)", F_MIB_S,
		      " %16.2f", 1);
	print_fig_row("  exits to the VMM in it", F_BLK_EXITS, " %16.0f", 1);

	printf("ratios to user mode (median of the rounds' ratios):\n");
	print_ratio_row("  exits by init", F_EXITS);
	print_ratio_row("  boot time", F_BOOT);
	print_ratio_row("  console cost per byte", F_NS_BYTE);
	print_ratio_row("  blk throughput", F_MIB_S);
	if (total_stalls)
		printf("stalled boots (tried again): %d\n", total_stalls);
}

static const char *met(bool ok)
{
	return ok ? "met" : "MISSED";
}

/* The targets of issue 9, for each kernel-mode column. */
static void print_targets(void)
{
	int m;

	for (m = 0; m < NR_MODES; m++) {
		double ex = ratio_median(m, F_EXITS);
		double con = ratio_median(m, F_NS_BYTE);
		double blk = ratio_median(m, F_MIB_S);

		if (m == M_USER || !opt.use[m] || ex < 0)
			continue;
		printf("targets, %s: exits by init -%.1f%% (>= 90%%: %s), "
		       "console %.3fx (<= 0.7x: %s), blk %.3fx (>= 1x: %s)\n",
		       col_name(m), (1 - ex) * 100, met(ex <= 0.1), con,
		       met(con <= 0.7), blk, met(blk >= 1));
	}
}

static void json_ports(const struct boot *b)
{
	int i;

	printf("      \"init_exits_by_port\": [");
	for (i = 0; b && i < b->nr_rows; i++)
		printf("%s\n        {\"space\": \"%s\", \"addr\": %llu, "
		       "\"device\": \"%s\", \"accesses\": %llu, "
		       "\"in_kernel\": %llu, \"to_vmm\": %llu}", i ? "," : "",
		       b->rows[i].space, b->rows[i].addr, b->rows[i].dev,
		       b->rows[i].accesses, b->rows[i].in_kernel,
		       b->rows[i].to_vmm);
	printf("],\n      \"init_trapped_registers\": [");
	for (i = 0; b && i < b->nr_traps; i++)
		printf("%s{\"port\": %llu, \"writes\": %llu, \"reads\": %llu}",
		       i ? ", " : "", b->traps[i].port, b->traps[i].writes,
		       b->traps[i].reads);
	printf("],\n");
}

static void json_mode(enum mode m, bool last)
{
	int f, i;

	printf("    {\"mode\": \"%s\", \"level3\": %s, \"boots_ok\": %d,\n",
	       mode_names[m], m == M_KVM_BUS && last_ok(m) &&
	       last_ok(m)->level3 ? "true" : "false", boots_ok(m));
	for (f = 0; f < NR_FIGS; f++) {
		printf("      ");
		json_num(fig_names[f], fig_median(m, f), ",\n");
	}
	printf("      \"ratio_to_user\": {");
	json_num("exits_to_vmm_by_init", ratio_median(m, F_EXITS), ", ");
	json_num("boot_seconds", ratio_median(m, F_BOOT), ", ");
	json_num("console_ns_per_byte", ratio_median(m, F_NS_BYTE), ", ");
	json_num("blk_mib_per_second", ratio_median(m, F_MIB_S), "},\n");
	json_ports(last_ok(m));
	json_kvm(m, "kvm_console", 2, 3);
	json_kvm(m, "kvm_blk", 4, 5);
	printf("      \"runs\": [");
	for (i = 0; i < rounds_done; i++) {
		const struct boot *b = &boots[i][m];

		printf("%s\n        {\"ok\": %s, \"stalls\": %d", i ? "," : "",
		       b->ok ? "true" : "false", b->stalls);
		if (!b->ok) {
			printf(", \"error\": \"%s\"}", b->ran ? b->why :
			       "not run: the time budget was spent");
			continue;
		}
		for (f = 0; f < NR_FIGS; f++) {
			printf(", ");
			json_num(fig_names[f], fig_of(b, f), "");
		}
		printf("}");
	}
	printf("]}%s\n", last ? "" : ",");
}

static void print_json(void)
{
	char date[32];
	time_t t = time(NULL);
	struct utsname u;
	int m, last = -1;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	uname(&u);
	for (m = 0; m < NR_MODES; m++)
		if (opt.use[m])
			last = m;
	printf("vmm-bench: json begin\n{\n  \"benchmark\": \"vmdev-linux-guest\",\n"
	       "  \"format\": 1,\n  \"date\": \"%s\",\n  \"kernel\": \"%s\",\n"
	       "  \"guest\": \"%s, 128 MiB, 1 vCPU, %s\",\n"
	       "  \"rounds\": %d,\n  \"stalled_boots\": %d,\n"
	       "  \"console_bytes\": %d,\n  \"disk_mib\": %d,\n"
	       "  \"baseline\": \"user\",\n  \"targets\": {\"exits_by_init_ratio_max\": 0.1, "
	       "\"console_ratio_max\": 0.7, \"blk_ratio_min\": 1.0},\n"
	       "  \"modes\": [\n", date, u.release, L2_KERNEL, APPEND,
	       rounds_done, total_stalls, CONSOLE_BYTES, DISK_MIB);
	for (m = 0; m < NR_MODES; m++)
		if (opt.use[m])
			json_mode(m, m == last);
	printf("  ]\n}\nvmm-bench: json end\n");
}

/* ---- main ------------------------------------------------------------------ */

static int usage(const char *why)
{
	fprintf(stderr, "vmm_bench: %s\nusage: vmm_bench [-r ROUNDS 1-%d] "
		"[-T SECONDS] [-m kernel,user,kvm_bus] [--demo]\n", why,
		MAX_ROUNDS);
	return 2;
}

static int parse_modes(char *s)
{
	char *w, *save = NULL;
	int m;

	memset(opt.use, 0, sizeof(opt.use));
	for (w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (m = 0; m < NR_MODES && strcmp(w, mode_names[m]); m++)
			;
		if (m == NR_MODES)
			return -EINVAL;
		opt.use[m] = true;
	}
	return opt.use[M_USER] ? 0 : -EINVAL;	/* the baseline */
}

static int parse_args(int argc, char **argv)
{
	int i;

	opt.demo = !strcmp(basename(argv[0]), "vmm_demo");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--demo")) {
			opt.demo = true;
		} else if (!strcmp(a, "-r") && v) {
			opt.rounds = atoi(v);
			if (opt.rounds < 1 || opt.rounds > MAX_ROUNDS)
				return usage("-r: 1 to 9 rounds");
			i++;
		} else if (!strcmp(a, "-T") && v) {
			opt.budget = atof(v);
			if (opt.budget < 1)
				return usage("-T: seconds, at least 1");
			i++;
		} else if (!strcmp(a, "-m") && v) {
			if (parse_modes(argv[++i]))
				return usage("-m: kernel, user, kvm_bus; user "
					     "among them");
		} else {
			return usage("bad argument");
		}
	}
	if (opt.demo)
		opt.rounds = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct vmm_run *r = malloc(sizeof(*r));
	double t0 = now();
	int ret = parse_args(argc, argv), i, k, tap = 0, nr = 0;
	bool shown = false, over = false;

	if (ret)
		return ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!r || access(VMM, X_OK) || access(L2_KERNEL, R_OK) ||
	    access(L2_INITRD, R_OK) || access("/dev/vmdev", R_OK | W_OK)) {
		printf("1..1\nok 1 linux guest # SKIP no VMM, L2 kernel, L2 "
		       "initramfs or /dev/vmdev here\n");
		return 0;
	}
	ret = make_disk();
	if (ret) {
		printf("1..1\nnot ok 1 linux guest: disk image %s: %s\n",
		       DISK_PATH, strerror(-ret));
		return 1;
	}
	for (i = 0; i < opt.rounds && !over; i++) {
		/* Alternate: each round starts one mode further. */
		for (k = 0; k < NR_MODES && !over; k++) {
			enum mode m = (i + k) % NR_MODES;

			if (!opt.use[m])
				continue;
			/* No boot starts past the budget (the first does). */
			if (i + k && now() - t0 > opt.budget) {
				printf("# time budget (%.0f s) spent in round "
				       "%d\n", opt.budget, i + 1);
				over = true;
				break;
			}
			printf("# round %d: %s mode\n", i + 1, mode_names[m]);
			run_boot(&boots[i][m], m, r);
			if (opt.demo && !shown && m == M_KERNEL &&
			    boots[i][m].ok) {
				show_console(r->out);
				shown = true;
			}
		}
		rounds_done = i + 1;
	}
	for (i = 0; i < NR_MODES; i++)
		nr += opt.use[i];
	printf("1..%d\n", nr);
	for (i = 0; i < NR_MODES; i++) {
		int n = boots_ok(i), ran = boots_ran(i);

		if (!opt.use[i])
			continue;
		printf("%sok %d linux guest %s mode: %d of %d boots measured\n",
		       n == ran && n ? "" : "not ", ++tap, mode_names[i], n,
		       ran);
	}
	print_table();
	/* The demo shows the one table; the benchmark says where from. */
	if (!opt.demo) {
		print_kvm_phase("console workload", 2, 3);
		print_kvm_phase("blk workload", 4, 5);
		for (i = 0; i < NR_MODES; i++)
			if (opt.use[i] && i != M_USER)
				print_ports(i);
		print_ports(M_USER);
	}
	print_targets();
	if (!opt.demo)
		print_json();
	unlink(DISK_PATH);
	free(r);
	return 0;
}
