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
 * interrupts the guest took, the exits that reached userspace and the
 * cost of a UART access in both modes. Everything shown is checked: the
 * exit status is 0 only if the text, the interrupts and the exits are
 * what they must be, and the same in both modes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "devmaps.h"
#include "lib_e2e.h"

GUEST_IMAGE_DECLARE(uart_irq);

#define COM1		0x3f8
#define COM1_IRQ	4
#define BURST		16		/* bytes the handler sends per IRQ */
#define RUNS		10		/* per mode */
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

struct outcome {
	enum vmdev_vm_mode mode;
	struct counts c;
	double secs[RUNS];
	/* The nested test bed's slips (Documentation/guests.rst). */
	uint32_t shadow, unacked, nested;
};

struct demo {
	struct e2e e;
	struct vmdev_regdev *uart;
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

static int setup(struct demo *d, enum vmdev_vm_mode mode)
{
	struct e2e_opts o = {
		.mode = mode, .irqchip = true, .image = GUEST_IMAGE(uart_irq),
		.cpu_mode = MINIVM_PROT32,
	};
	int ret = e2e_init(&d->e, &o);

	if (ret > 0) {
		printf("error: %s\n", d->e.skip_why);
		return -ret;
	}
	if (!ret && vmdev_vm_mode(d->e.ctx) != mode)
		ret = -EOPNOTSUPP;
	if (!ret)
		ret = e2e_regdev(&d->e, &vmdev_uart16550_map, VMDEV_SPACE_PIO,
				 COM1, VMDEV_UART_WINDOW, NULL, NULL, NULL,
				 &d->uart);
	if (!ret)
		ret = vmdev_regdev_irq_bind(d->uart, VMDEV_UART_IRQ, COM1_IRQ,
					    NULL);
	if (ret)
		printf("error: setting up the VM, the UART and its IRQ: %s\n",
		       strerror(-ret));
	return ret;
}

static void teardown(struct demo *d)
{
	vmdev_regdev_free(d->uart);
	d->uart = NULL;
	e2e_fini(&d->e);
}

/* A fresh guest and a UART in its reset state for every run. */
static struct guest_uart_irq_params *load(struct demo *d)
{
	struct guest_uart_irq_params *p;
	char *dst;

	if (minivm_load(&d->e.vm, GUEST_IMAGE(uart_irq), MINIVM_PROT32) ||
	    vmdev_regdev_reset(d->uart))
		return NULL;
	dst = minivm_gpa(&d->e.vm, TEXT_GPA, TEXT_LEN);
	p = minivm_gpa(&d->e.vm, GUEST_PARAM_ADDR, sizeof(*p));
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

/* Run r of a mode: its time, and its counts, the first run's for all. */
static int run(struct demo *d, struct outcome *o, unsigned int r)
{
	struct guest_uart_irq_params *p = load(d);
	struct vmdev_regdev_stats s0, s1;
	struct vmdev_vcpu_stats v0, v1;
	struct counts c = { 0 };
	double t0;
	int ret, n;

	if (!p)
		return -EIO;
	s0 = e2e_stats(d->uart);
	v0 = e2e_vcpu_stats(&d->e);
	t0 = now_s();
	ret = e2e_run(&d->e);
	o->secs[r] = now_s() - t0;
	if (ret)
		return ret;
	if (d->e.result != GUEST_PASS)
		return -EPROTO;
	s1 = e2e_stats(d->uart);
	v1 = e2e_vcpu_stats(&d->e);
	n = vmdev_regdev_fifo_drain(d->uart, VMDEV_UART_THR, c.out, TEXT_LEN);
	if (n < 0)
		return n;
	c.len = n;
	/*
	 * An entry the PIC never delivered runs the burst of an interrupt
	 * already pending, whose own delivery then finds nothing to do; an
	 * entry inside the handler returns at once (lib_uart.c).
	 */
	if (p->irqs != p->bursts + p->idle ||
	    p->idle > p->unacked)
		return -EPROTO;
	c.irqs = p->bursts;
	o->shadow += p->shadow;
	o->unacked += p->unacked;
	o->nested += p->nested;
	c.rises = s1.irqs - s0.irqs;
	c.accesses = s1.fast + s1.slow - s0.fast - s0.slow;
	c.to_user = v1.runs - v0.runs;
	c.in_kernel = v1.kernel_exits - v0.kernel_exits;
	if (!r)
		o->c = c;
	if (r && !same_counts(&o->c, &c)) {
		printf("error: run %u %s did not do what run 1 did\n", r + 1,
		       mode_title(o->mode));
		return -EPROTO;
	}
	return 0;
}

static int run_mode(struct demo *d, struct outcome *o)
{
	unsigned int r;
	int ret = setup(d, o->mode);

	for (r = 0; r < RUNS && !ret; r++) {
		ret = run(d, o, r);
		if (ret)
			printf("error: running the guest %s: %s (result %#x)\n",
			       mode_title(o->mode), strerror(-ret),
			       d->e.result);
	}
	teardown(d);
	return ret;
}

/* ---- What it shows ------------------------------------------------------- */

/* Microseconds per UART access, over all the runs of a mode. */
static double us_per_access(const struct outcome *o)
{
	double secs = 0;
	unsigned int r;

	for (r = 0; r < RUNS; r++)
		secs += o->secs[r];
	return secs * 1e6 / (RUNS * o->c.accesses);
}

/* The guest's serial console, as a terminal would show it. */
static void show_text(const struct outcome *o)
{
	size_t i;

	printf("  The guest printed (drained from the UART's transmit FIFO):\n");
	printf("  | ");
	for (i = 0; i < o->c.len; i++) {
		if (o->c.out[i] == '\n')
			fputs(i + 1 < o->c.len ? "\n  | " : "\n", stdout);
		else if (o->c.out[i] != '\r')
			putchar(o->c.out[i]);
	}
}

static void show_mode(struct demo *d, const struct outcome *o)
{
	bool kernel = o->mode == VMDEV_VM_KERNEL;

	printf("\n== %s: libvmdev %s mode\n", kernel ? "With vmdev.ko" :
	       "Without vmdev.ko", kernel ? "kernel" : "user");
	if (o->c.len != TEXT_LEN || memcmp(o->c.out, text, TEXT_LEN)) {
		show_text(o);
		unexpected(d, "the text differs from what the guest was given");
	} else if (kernel) {
		show_text(o);
	} else {
		printf("  The guest printed the same %zu bytes.\n", o->c.len);
	}
	printf("  interrupts the guest took   %4u  (the UART line rose %llu times)\n",
	       o->c.irqs, (unsigned long long)o->c.rises);
	if (o->shadow || o->unacked || o->nested)
		printf("  (the nested test bed also delivered %u interrupts in sti's\n"
		       "  shadow, %u the PIC never sent and %u inside the handler,\n"
		       "  in %d runs: the guest copes, see Documentation/guests.rst)\n",
		       o->shadow, o->unacked, o->nested, RUNS);
	if (o->c.irqs != IRQS || o->c.rises != IRQS)
		unexpected(d, "%zu interrupts expected, one per %d bytes",
			   IRQS, BURST);
	printf("  UART accesses               %4llu  (%llu completed in the kernel)\n",
	       (unsigned long long)o->c.accesses,
	       (unsigned long long)o->c.in_kernel);
	printf("  exits that reached the VMM  %4llu  (%s)\n",
	       (unsigned long long)o->c.to_user,
	       kernel ? "only the guest's last write, \"done\"" :
	       "every UART access, and \"done\"");
	if (o->c.to_user != (kernel ? 1 : o->c.accesses + 1) ||
	    o->c.in_kernel != (kernel ? o->c.accesses : 0))
		unexpected(d, "%s UART access must reach the VMM",
			   kernel ? "no" : "every");
	printf("  cost of a UART access     %6.1f us  (%d runs: wall time / accesses)\n",
	       us_per_access(o), RUNS);
}

static void side_by_side(struct demo *d, const struct outcome *k,
			 const struct outcome *u)
{
	printf("\n== Side by side\n");
	printf("  %-28s %14s %14s\n", "", "with vmdev.ko", "without");
	printf("  %-28s %14u %14u\n", "interrupts taken", k->c.irqs, u->c.irqs);
	printf("  %-28s %14llu %14llu\n", "UART accesses",
	       (unsigned long long)k->c.accesses,
	       (unsigned long long)u->c.accesses);
	printf("  %-28s %14llu %14llu\n", "exits that reached the VMM",
	       (unsigned long long)k->c.to_user,
	       (unsigned long long)u->c.to_user);
	printf("  %-28s %11.1f us %11.1f us\n", "cost of a UART access",
	       us_per_access(k), us_per_access(u));
	printf("  With the module, a UART access cost %.2f times as much.\n",
	       us_per_access(k) / us_per_access(u));
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
	       "through libvmdev, then runs the same guest %d times in each mode:\n"
	       "  with vmdev.ko  the UART lives in the module, its run loop\n"
	       "                 completes the guest's accesses inside the\n"
	       "                 kernel, and the module signals the IRQ's KVM\n"
	       "                 irqfd itself\n"
	       "  without        every access exits to the VMM, which completes\n"
	       "                 it on the same register-device core and raises\n"
	       "                 the IRQ\n",
	       BURST, RUNS);
}

int main(void)
{
	struct outcome k = { .mode = VMDEV_VM_KERNEL };
	struct outcome u = { .mode = VMDEV_VM_USER };
	struct demo d = { 0 };
	int ret;

	/* Line by line even into a pipe: the VM's console shows it live. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	intro();
	ret = run_mode(&d, &k);
	if (!ret) {
		show_mode(&d, &k);
		ret = run_mode(&d, &u);
	}
	if (!ret) {
		show_mode(&d, &u);
		side_by_side(&d, &k, &u);
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
