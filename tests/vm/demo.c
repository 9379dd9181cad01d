// SPDX-License-Identifier: GPL-2.0
/*
 * The vmdev demo (make demo), run inside the test VM on its nested KVM. A
 * real guest (tests/guest/uart_irq.S) prints a text through a 16550 UART
 * that the VMM declares once through libvmdev, from the guest's own
 * interrupt handler, and the same guest runs twice:
 *
 *   with vmdev.ko   libvmdev kernel mode: the UART lives in the module,
 *                   the module's run loop (VMDEV_RUN) completes its
 *                   accesses and the module signals its interrupt line's
 *                   KVM irqfd;
 *   without         libvmdev user mode: every UART access exits to the
 *                   VMM, which completes it on the same register-device
 *                   core and raises the line itself.
 *
 * It shows the text the VMM drains from the UART's transmit FIFO, the
 * interrupts the guest took, the exits that reached userspace, KVM's own
 * account of the runs and the cost of a UART access in both modes.
 * Everything counted is checked: the exit status is 0 only if the text,
 * the interrupts and the exits are what they must be, and the same in
 * both modes.
 *
 * The times are measured so that they compare the modes and nothing else
 * (Documentation/benchmarks.rst, "The demo's figures"): both VMs exist
 * at once and their runs alternate, so that a change of the machine's
 * load hits both; each mode's first run is shown but not counted, as it
 * pays for what the nested test bed does once whichever mode runs first
 * (qemu translating the code it runs for the first time); the figure is
 * the median run's, which one run slowed down by the host cannot move.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "devmaps.h"
#include "kvm_stats.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(uart_irq);

#define COM1		0x3f8
#define COM1_IRQ	4
#define BURST		16		/* bytes the handler sends per IRQ */
#define RUNS		15		/* counted, per mode (odd) */
#define TEXT_GPA	GUEST_DATA_ADDR

static const char text[] =
	"Hello from a KVM guest!\r\n"
	"Every byte of this text went to the THR of a 16550 UART, written\r\n"
	"by the guest's interrupt handler, 16 bytes per interrupt.\r\n";

#define TEXT_LEN	(sizeof(text) - 1)
#define IRQS		((TEXT_LEN + BURST - 1) / BURST)

/* What one run of the guest did; every run of a mode does the same. */
struct counts {
	char out[TEXT_LEN + 1];	/* drained from THR */
	size_t len;
	uint32_t irqs;		/* interrupts the PIC delivered */
	uint64_t rises;		/* the UART line's rising edges */
	uint64_t accesses;	/* UART accesses, all completed */
	uint64_t to_user;	/* exits that reached userspace */
	uint64_t in_kernel;	/* exits the module completed */
};

/*
 * KVM's account of the counted runs (its per-vCPU statistics), summed:
 * the exits into KVM, which are the same work in both modes, and the
 * time the vCPU spent halted, polling or asleep, waiting for an
 * interrupt.
 */
struct kvm_account {
	uint64_t exits;
	uint64_t halts;
	uint64_t halted_ns;
};

/* One mode: its VM, its UART, and what its runs did and took. */
struct side {
	enum vmdev_vm_mode mode;
	struct e2e e;
	bool ready;
	struct vmdev_regdev *uart;
	struct kvm_stats ks;
	struct counts c;
	unsigned int done;	/* runs so far, the first one included */
	double first;		/* seconds of the first run, not counted */
	double secs[RUNS];
	struct kvm_account kvm;
	/* The nested test bed's slips (Documentation/guests.rst). */
	uint32_t shadow, unacked, nested;
};

struct demo {
	struct side k, u;
	unsigned int unexpected;
};

static void unexpected(struct demo *d, const char *fmt, ...)
{
	va_list ap;

	d->unexpected++;
	printf("  ^^^ UNEXPECTED: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static const char *mode_title(enum vmdev_vm_mode mode)
{
	return mode == VMDEV_VM_KERNEL ? "with vmdev.ko" : "without";
}

/* ---- One mode ------------------------------------------------------------ */

static int setup(struct side *s)
{
	struct e2e_opts o = {
		.mode = s->mode, .irqchip = true, .image = GUEST_IMAGE(uart_irq),
		.cpu_mode = MINIVM_PROT32,
	};
	int ret = e2e_init(&s->e, &o);

	s->ready = !ret;
	if (ret > 0) {
		printf("error: %s\n", s->e.skip_why);
		return -ret;
	}
	if (!ret && vmdev_vm_mode(s->e.ctx) != s->mode)
		ret = -EOPNOTSUPP;
	if (!ret)
		ret = e2e_regdev(&s->e, &vmdev_uart16550_map, VMDEV_SPACE_PIO,
				 COM1, VMDEV_UART_WINDOW, NULL, NULL, NULL,
				 &s->uart);
	if (!ret)
		ret = vmdev_regdev_irq_bind(s->uart, VMDEV_UART_IRQ, COM1_IRQ,
					    NULL);
	if (ret)
		printf("error: setting up the VM, the UART and its IRQ %s: %s\n",
		       mode_title(s->mode), strerror(-ret));
	else if (kvm_stats_open(&s->ks, s->e.vm.vcpu_fd))
		printf("(KVM's statistics are not available: not shown)\n");
	return ret;
}

static void teardown(struct side *s)
{
	kvm_stats_close(&s->ks);
	vmdev_regdev_free(s->uart);
	s->uart = NULL;
	e2e_fini(&s->e);
	s->ready = false;
}

/* A fresh guest and a UART in its reset state for every run. */
static struct guest_uart_irq_params *load(struct side *s)
{
	struct guest_uart_irq_params *p;
	char *dst;

	if (minivm_load(&s->e.vm, GUEST_IMAGE(uart_irq), MINIVM_PROT32) ||
	    vmdev_regdev_reset(s->uart))
		return NULL;
	dst = minivm_gpa(&s->e.vm, TEXT_GPA, TEXT_LEN);
	p = minivm_gpa(&s->e.vm, GUEST_PARAM_ADDR, sizeof(*p));
	if (!dst || !p)
		return NULL;
	memcpy(dst, text, TEXT_LEN);
	*p = (struct guest_uart_irq_params){
		.base = COM1, .len = TEXT_LEN, .text = TEXT_GPA,
		.pin = COM1_IRQ, .burst = BURST,
	};
	return p;
}

static bool same_counts(const struct counts *a, const struct counts *b)
{
	return a->len == b->len && !memcmp(a->out, b->out, a->len) &&
	       a->irqs == b->irqs && a->rises == b->rises &&
	       a->accesses == b->accesses && a->to_user == b->to_user &&
	       a->in_kernel == b->in_kernel;
}

/* What the guest, the UART and the library counted in one run. */
static int count(struct side *s, const struct guest_uart_irq_params *p,
		 const struct vmdev_regdev_stats *s0,
		 const struct vmdev_vcpu_stats *v0, struct counts *c)
{
	struct vmdev_regdev_stats s1 = e2e_stats(s->uart);
	struct vmdev_vcpu_stats v1 = e2e_vcpu_stats(&s->e);
	int n;

	n = vmdev_regdev_fifo_drain(s->uart, VMDEV_UART_THR, c->out, TEXT_LEN);
	if (n < 0)
		return n;
	c->len = n;
	/*
	 * An entry the PIC never delivered runs the burst of an interrupt
	 * already pending, whose own delivery then finds nothing to do; an
	 * entry inside the handler returns at once (lib_uart.c).
	 */
	if (p->irqs != p->bursts + p->idle || p->idle > p->unacked) {
		printf("error: %s, the guest's handler ran %u times past its\n"
		       "busy check: %u bursts, %u times with nothing to do, %u\n"
		       "for an interrupt the PIC never sent\n"
		       "(Documentation/guests.rst)\n", mode_title(s->mode),
		       p->irqs, p->bursts, p->idle, p->unacked);
		return -EPROTO;
	}
	c->irqs = p->bursts;
	s->shadow += p->shadow;
	s->unacked += p->unacked;
	s->nested += p->nested;
	c->rises = s1.irqs - s0->irqs;
	c->accesses = s1.fast + s1.slow - s0->fast - s0->slow;
	c->to_user = v1.runs - v0->runs;
	c->in_kernel = v1.kernel_exits - v0->kernel_exits;
	/*
	 * Each entry that found nothing to do read IIR once: an access of
	 * the test bed's making (an exit in user mode), not counted, so
	 * that every run counts the accesses of the text and its interrupts.
	 */
	c->accesses -= p->idle;
	if (s->mode == VMDEV_VM_KERNEL)
		c->in_kernel -= p->idle;
	else
		c->to_user -= p->idle;
	return 0;
}

/* KVM's account of a counted run, added to the mode's. */
static void account(struct side *s, const struct kvm_stats_val *k0,
		    const struct kvm_stats_val *k1)
{
	const struct kvm_stats *ks = &s->ks;

	s->kvm.exits += kvm_stats_delta(ks, k0, k1, "exits");
	s->kvm.halts += kvm_stats_delta(ks, k0, k1, "halt_exits");
	s->kvm.halted_ns += kvm_stats_delta(ks, k0, k1, "halt_wait_ns") +
			    kvm_stats_delta(ks, k0, k1, "halt_poll_success_ns") +
			    kvm_stats_delta(ks, k0, k1, "halt_poll_fail_ns");
}

/* The next run of a mode: the first is timed apart, and sets the counts. */
static int run(struct side *s)
{
	struct guest_uart_irq_params *p = load(s);
	struct kvm_stats_val k0 = { 0 }, k1 = { 0 };
	struct vmdev_regdev_stats s0;
	struct vmdev_vcpu_stats v0;
	struct counts c = { 0 };
	double t0, secs;
	int ret;

	if (!p)
		return -EIO;
	s0 = e2e_stats(s->uart);
	v0 = e2e_vcpu_stats(&s->e);
	if (s->ks.fd >= 0)
		kvm_stats_read(&s->ks, &k0);
	t0 = now_s();
	ret = e2e_run(&s->e);
	secs = now_s() - t0;
	if (s->ks.fd >= 0)
		kvm_stats_read(&s->ks, &k1);
	if (ret)
		return ret;
	if (s->e.result != GUEST_PASS)
		return -EPROTO;
	ret = count(s, p, &s0, &v0, &c);
	if (ret)
		return ret;
	if (s->done && !same_counts(&s->c, &c)) {
		printf("error: run %u %s did not do what run 1 did: %zu bytes,\n"
		       "%u interrupts, %llu rises, %llu accesses, %llu exits to\n"
		       "the VMM, %llu in the kernel (run 1: %zu, %u, %llu, %llu,\n"
		       "%llu, %llu)\n", s->done + 1, mode_title(s->mode), c.len,
		       c.irqs, (unsigned long long)c.rises,
		       (unsigned long long)c.accesses,
		       (unsigned long long)c.to_user,
		       (unsigned long long)c.in_kernel, s->c.len, s->c.irqs,
		       (unsigned long long)s->c.rises,
		       (unsigned long long)s->c.accesses,
		       (unsigned long long)s->c.to_user,
		       (unsigned long long)s->c.in_kernel);
		return -EPROTO;
	}
	if (!s->done) {
		s->c = c;
		s->first = secs;
	} else {
		s->secs[s->done - 1] = secs;
		account(s, &k0, &k1);
	}
	s->done++;
	return 0;
}

static int run_checked(struct side *s)
{
	int ret = run(s);

	if (ret)
		printf("error: running the guest %s: %s (result %#x)\n",
		       mode_title(s->mode), strerror(-ret), s->e.result);
	return ret;
}

/*
 * Both VMs at once, their runs alternating (and which goes first
 * alternating too), after one first run each that is not counted.
 */
static int run_both(struct demo *d)
{
	struct side *a, *b;
	unsigned int r;
	int ret;

	ret = setup(&d->k);
	if (!ret)
		ret = setup(&d->u);
	for (r = 0; r <= RUNS && !ret; r++) {
		a = r & 1 ? &d->u : &d->k;
		b = r & 1 ? &d->k : &d->u;
		ret = run_checked(a);
		if (!ret)
			ret = run_checked(b);
	}
	if (d->u.ready)
		teardown(&d->u);
	if (d->k.ready)
		teardown(&d->k);
	return ret;
}

/* ---- What it shows ------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Microseconds per UART access of a run that took secs. */
static double us_per_access(const struct side *s, double secs)
{
	return secs * 1e6 / s->c.accesses;
}

static double total_secs(const struct side *s)
{
	double t = 0;
	unsigned int r;

	for (r = 0; r < RUNS; r++)
		t += s->secs[r];
	return t;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* The counted runs of a mode in increasing time. */
static void sorted_secs(const struct side *s, double *out)
{
	memcpy(out, s->secs, sizeof(s->secs));
	qsort(out, RUNS, sizeof(*out), cmp_double);
}

static double median_us(const struct side *s)
{
	double t[RUNS];

	memcpy(t, s->secs, sizeof(t));
	return us_per_access(s, median(t, RUNS));
}

/*
 * Run r of each mode ran back to back with the other's: the ratio of
 * the two times is little moved by the load of the machine, which
 * changes over seconds, not over the tens of milliseconds of a run.
 * The median of these ratios is the demo's comparison.
 */
static double pair_ratio(const struct side *k, const struct side *u)
{
	double q[RUNS];
	unsigned int r;

	for (r = 0; r < RUNS; r++)
		q[r] = us_per_access(k, k->secs[r]) /
		       us_per_access(u, u->secs[r]);
	return median(q, RUNS);
}

/* The guest's serial console, as a terminal would show it. */
static void show_text(const struct side *s)
{
	size_t i;

	printf("  The guest printed (drained from the UART's transmit FIFO):\n");
	printf("  | ");
	for (i = 0; i < s->c.len; i++) {
		if (s->c.out[i] == '\n')
			fputs(i + 1 < s->c.len ? "\n  | " : "\n", stdout);
		else if (s->c.out[i] != '\r')
			putchar(s->c.out[i]);
	}
}

/* Every counted run's cost per access, in the order they ran. */
static void show_runs(const struct side *s)
{
	unsigned int r;

	printf("  each run, us per access    ");
	for (r = 0; r < RUNS; r++) {
		if (r && !(r % 8))
			printf("\n%29s", "");
		printf(" %.0f", us_per_access(s, s->secs[r]));
	}
	printf("\n");
}

static void show_mode(struct demo *d, const struct side *s)
{
	bool kernel = s->mode == VMDEV_VM_KERNEL;
	double t[RUNS];

	printf("\n== %s: libvmdev %s mode\n", kernel ? "With vmdev.ko" :
	       "Without vmdev.ko", kernel ? "kernel" : "user");
	if (s->c.len != TEXT_LEN || memcmp(s->c.out, text, TEXT_LEN)) {
		show_text(s);
		unexpected(d, "the text differs from what the guest was given");
	} else if (kernel) {
		show_text(s);
	} else {
		printf("  The guest printed the same %zu bytes.\n", s->c.len);
	}
	printf("  interrupts the guest took   %4u  (the UART line rose %llu times)\n",
	       s->c.irqs, (unsigned long long)s->c.rises);
	if (s->shadow || s->unacked || s->nested)
		printf("  (the nested test bed also delivered %u interrupts in sti's\n"
		       "  shadow, %u the PIC never sent and %u inside the handler,\n"
		       "  in %d runs: the guest copes, see Documentation/guests.rst;\n"
		       "  the IIR read of each entry that found nothing to do is not\n"
		       "  counted below)\n",
		       s->shadow, s->unacked, s->nested, RUNS + 1);
	if (s->c.irqs != IRQS || s->c.rises != IRQS)
		unexpected(d, "%zu interrupts expected, one per %d bytes",
			   IRQS, BURST);
	printf("  UART accesses               %4llu  (%llu completed in the kernel)\n",
	       (unsigned long long)s->c.accesses,
	       (unsigned long long)s->c.in_kernel);
	printf("  exits that reached the VMM  %4llu  (%s)\n",
	       (unsigned long long)s->c.to_user,
	       kernel ? "only the guest's last write, \"done\"" :
	       "every UART access, and \"done\"");
	if (s->c.to_user != (kernel ? 1 : s->c.accesses + 1) ||
	    s->c.in_kernel != (kernel ? s->c.accesses : 0))
		unexpected(d, "%s UART access must reach the VMM",
			   kernel ? "no" : "every");
	sorted_secs(s, t);
	printf("  cost of a UART access     %6.1f us  (median of %d runs, %.1f to %.1f)\n",
	       median_us(s), RUNS, us_per_access(s, t[0]),
	       us_per_access(s, t[RUNS - 1]));
	show_runs(s);
}

/* A row of KVM's account, per run, if KVM gave its statistics. */
static void kvm_row(const char *what, const struct side *k,
		    const struct side *u, uint64_t kv, uint64_t uv,
		    bool ns)
{
	if (!k->ks.n || !u->ks.n)
		return;
	if (ns)
		printf("  %-28s %11.1f us %11.1f us\n", what,
		       kv / 1e3 / RUNS, uv / 1e3 / RUNS);
	else
		printf("  %-28s %14.1f %14.1f\n", what, (double)kv / RUNS,
		       (double)uv / RUNS);
}

static void side_by_side(struct demo *d, const struct side *k,
			 const struct side *u)
{
	double ratio = pair_ratio(k, u), tk[RUNS], tu[RUNS];

	printf("\n== Side by side (runs alternating, %d of each counted)\n",
	       RUNS);
	printf("  %-28s %14s %14s\n", "", "with vmdev.ko", "without");
	printf("  %-28s %14u %14u\n", "interrupts taken", k->c.irqs, u->c.irqs);
	printf("  %-28s %14llu %14llu\n", "UART accesses",
	       (unsigned long long)k->c.accesses,
	       (unsigned long long)u->c.accesses);
	printf("  %-28s %14llu %14llu\n", "exits that reached the VMM",
	       (unsigned long long)k->c.to_user,
	       (unsigned long long)u->c.to_user);
	kvm_row("exits into KVM, per run", k, u, k->kvm.exits, u->kvm.exits,
		false);
	kvm_row("halts, per run", k, u, k->kvm.halts, u->kvm.halts, false);
	kvm_row("time halted, per run", k, u, k->kvm.halted_ns,
		u->kvm.halted_ns, true);
	if (k->ks.n && u->ks.n)
		printf("  %-28s %12.2f %% %12.2f %%\n", "of the runs' time",
		       k->kvm.halted_ns / 1e7 / total_secs(k),
		       u->kvm.halted_ns / 1e7 / total_secs(u));
	printf("  %-28s %11.1f us %11.1f us\n", "first run (not counted)",
	       us_per_access(k, k->first), us_per_access(u, u->first));
	sorted_secs(k, tk);
	sorted_secs(u, tu);
	printf("  %-28s %11.1f us %11.1f us\n", "fastest run",
	       us_per_access(k, tk[0]), us_per_access(u, tu[0]));
	printf("  %-28s %11.1f us %11.1f us\n", "cost of a UART access",
	       median_us(k), median_us(u));
	printf("  With the module, a UART access cost %.2f times as much\n"
	       "  (%.0f %% %s; the median ratio of the %d pairs of runs made\n"
	       "  back to back).\n", ratio, ratio < 1 ? (1 - ratio) * 100 :
	       (ratio - 1) * 100, ratio < 1 ? "less" : "more", RUNS);
	printf("  Both modes make the same exits into KVM; what differs is\n"
	       "  where an exit is completed. The nested test bed (qemu's TCG\n"
	       "  running KVM) makes the guest's exit into KVM and back the\n"
	       "  larger part of an access in both modes, and its load moves\n"
	       "  single runs: see Documentation/benchmarks.rst, \"The demo's\n"
	       "  figures\".\n");
	if (k->c.irqs != u->c.irqs || k->c.accesses != u->c.accesses)
		unexpected(d, "the guest must see the same UART in both modes");
}

static void intro(void)
{
	struct utsname u;

	uname(&u);
	printf("vmdev demo: a KVM guest on a 16550 UART emulated in the kernel\n"
	       "kernel %s\n\n", u.release);
	printf("The guest (tests/guest/uart_irq.S, 32-bit, on KVM's in-kernel\n"
	       "interrupt controller) sets up the 16550 at COM1 (ports 0x3f8 to\n"
	       "0x3ff) as a serial driver does, enables its transmit interrupt\n"
	       "(IRQ 4, edge) and prints a text from its interrupt handler, %d\n"
	       "bytes per interrupt. The VMM declares the UART and its IRQ once\n"
	       "through libvmdev, then runs the same guest %d times in each mode,\n"
	       "the two modes taking turns:\n"
	       "  with vmdev.ko  the UART lives in the module, its run loop\n"
	       "                 completes the guest's accesses inside the\n"
	       "                 kernel, and the module signals the IRQ's KVM\n"
	       "                 irqfd itself\n"
	       "  without        every access exits to the VMM, which completes\n"
	       "                 it on the same register-device core and raises\n"
	       "                 the IRQ\n",
	       BURST, RUNS + 1);
}

int main(void)
{
	struct demo d = {
		.k = { .mode = VMDEV_VM_KERNEL, .ks.fd = -1 },
		.u = { .mode = VMDEV_VM_USER, .ks.fd = -1 },
	};
	int ret;

	/* Line by line even into a pipe: the VM's console shows it live. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	intro();
	ret = run_both(&d);
	if (!ret) {
		show_mode(&d, &d.k);
		show_mode(&d, &d.u);
		side_by_side(&d, &d.k, &d.u);
	}
	if (ret)
		printf("\ndemo FAILED: %s\n", strerror(-ret));
	else if (d.unexpected)
		printf("\ndemo FAILED: %u unexpected results\n", d.unexpected);
	else
		printf("\n"
		       "demo OK: the same text and interrupts in both modes, and\n"
		       "no UART access left the kernel with vmdev.ko\n");
	return ret || d.unexpected ? EXIT_FAILURE : EXIT_SUCCESS;
}
