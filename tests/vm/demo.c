// SPDX-License-Identifier: GPL-2.0
/*
 * The vmdev demo (make demo), run inside the test VM: create an in-kernel
 * 16550 UART and a virtio-mmio block device, play the guest driver's part
 * through VMDEV_ACCESS and the VMM's part through the register and FIFO
 * ioctls, and show step by step what a guest would see. Every value read
 * is checked against what the device must answer; the exit status is 0
 * only if all of them matched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/vmdev.h>

#include "devmaps.h"

#define UART_BASE	0x3f8ULL
#define VIRTIO_BASE	0xd0000000ULL
#define MESSAGE		"Hello from the in-kernel UART"

/* UART register offsets, as the 8250 driver names them. */
enum {
	UART_RX_TX, UART_IER_DLM, UART_IIR_FCR, UART_LCR, UART_MCR, UART_LSR,
	UART_MSR, UART_SCR,
};

/* virtio-mmio register offsets (virtio 1.2, 4.2.2). */
enum {
	VIRTIO_MAGIC = 0x000, VIRTIO_VERSION = 0x004, VIRTIO_DEVICE_ID = 0x008,
	VIRTIO_VENDOR_ID = 0x00c, VIRTIO_DEVICE_FEATURES = 0x010,
	VIRTIO_QUEUE_NUM_MAX = 0x034, VIRTIO_QUEUE_NOTIFY = 0x050,
	VIRTIO_INT_STATUS = 0x060, VIRTIO_INT_ACK = 0x064,
	VIRTIO_STATUS = 0x070,
};

#define LSR_IDLE	(VMDEV_UART_LSR_THRE | VMDEV_UART_LSR_TEMT)
#define IIR_NONE	(VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_NO_INT)

struct demo {
	int fd;
	unsigned int mismatches;
	bool quiet;		/* check without printing */
};

/*
 * One guest access and what the device must do with it: complete it in
 * the kernel (and, for a read, return data) or send it to the VMM.
 */
struct step {
	u8 space;
	u8 dir;
	u8 len;
	u8 result;		/* VMDEV_RESULT_* expected */
	u64 addr;
	u64 data;		/* written, or expected from a read */
	const char *what;
};

#define ACCESS(sp, d, l, r, a, v, w)					\
	{ .space = (sp), .dir = (d), .len = (l), .result = (r),		\
	  .addr = (a), .data = (v), .what = (w) }
/* Port I/O to the UART, completed in the kernel. */
#define IN(reg, want, w)						\
	ACCESS(VMDEV_SPACE_PIO, VMDEV_DIR_READ, 1, VMDEV_RESULT_DONE,	\
	       UART_BASE + (reg), want, w)
#define OUT(reg, val, w)						\
	ACCESS(VMDEV_SPACE_PIO, VMDEV_DIR_WRITE, 1, VMDEV_RESULT_DONE,	\
	       UART_BASE + (reg), val, w)
/* 32-bit MMIO to the virtio block, in the kernel or to the VMM. */
#define READL(reg, want, w)						\
	ACCESS(VMDEV_SPACE_MMIO, VMDEV_DIR_READ, 4, VMDEV_RESULT_DONE,	\
	       VIRTIO_BASE + (reg), want, w)
#define WRITEL(reg, val, w)						\
	ACCESS(VMDEV_SPACE_MMIO, VMDEV_DIR_WRITE, 4, VMDEV_RESULT_DONE,	\
	       VIRTIO_BASE + (reg), val, w)
#define READL_VMM(reg, w)						\
	ACCESS(VMDEV_SPACE_MMIO, VMDEV_DIR_READ, 4, VMDEV_RESULT_SLOW,	\
	       VIRTIO_BASE + (reg), 0, w)
#define WRITEL_VMM(reg, val, w)						\
	ACCESS(VMDEV_SPACE_MMIO, VMDEV_DIR_WRITE, 4, VMDEV_RESULT_SLOW,	\
	       VIRTIO_BASE + (reg), val, w)

static void say(const struct demo *d, const char *fmt, ...)
{
	va_list ap;

	if (d->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void section(const char *title)
{
	printf("\n== %s\n", title);
}

static int fail(const char *what)
{
	int err = errno;

	printf("error: %s: %s\n", what, strerror(err));
	return -err;
}

static const char *result_name(unsigned int result)
{
	return result == VMDEV_RESULT_DONE ? "kernel" : "VMM";
}

static void print_step(const struct demo *d, const struct step *s,
		       const struct vmdev_access *a)
{
	bool pio = s->space == VMDEV_SPACE_PIO;
	const char *op = pio ? (s->dir ? "out " : "in  ") :
			       (s->dir ? "write" : "read ");
	u64 v = s->dir ? s->data : a->data;
	char val[24];

	if (s->dir == VMDEV_DIR_READ && a->result == VMDEV_RESULT_SLOW)
		snprintf(val, sizeof(val), "-> (VMM)");
	else
		snprintf(val, sizeof(val), "%s 0x%0*llx", s->dir ? "<-" : "->",
			 2 * s->len, (unsigned long long)v);
	say(d, "  guest: %s %#*llx %-13s %-38s [%s]\n", op, pio ? 5 : 10,
	    (unsigned long long)s->addr, val, s->what,
	    result_name(a->result));
}

/* Play one guest access, print it, check what the device did with it. */
static int guest(struct demo *d, const struct step *s)
{
	struct vmdev_access a = {
		.addr = s->addr, .space = s->space, .len = s->len,
		.dir = s->dir, .data = s->dir == VMDEV_DIR_WRITE ? s->data : 0,
	};
	bool bad;

	if (ioctl(d->fd, VMDEV_ACCESS, &a))
		return fail("VMDEV_ACCESS");
	print_step(d, s, &a);
	bad = a.result != s->result ||
	      (s->dir == VMDEV_DIR_READ && a.result == VMDEV_RESULT_DONE &&
	       a.data != s->data);
	if (bad) {
		d->mismatches++;
		printf("  ^^^ UNEXPECTED: %s expected", s->what);
		if (s->dir == VMDEV_DIR_READ && s->result == VMDEV_RESULT_DONE)
			printf(" %#llx", (unsigned long long)s->data);
		printf(" [%s]\n", result_name(s->result));
	}
	return 0;
}

static int guest_steps(struct demo *d, const struct step *s, size_t n)
{
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		err = guest(d, &s[i]);
	return err;
}

#define GUEST_STEPS(d, steps) \
	guest_steps(d, steps, sizeof(steps) / sizeof((steps)[0]))

static int create_device(struct demo *d, const char *name,
			 const struct vmdev_rdev_desc *map, u32 space, u64 base)
{
	struct vmdev_range range = {
		.base = base, .len = map->dev_size, .space = space,
	};
	struct vmdev_create_device c = {
		.size = sizeof(c), .flags = map->flags,
		.dev_size = map->dev_size, .nr_regs = map->nr_regs,
		.nr_links = map->nr_links, .nr_irqs = map->nr_irqs,
		.nr_ranges = 1,
		.regs = (uintptr_t)map->regs, .links = (uintptr_t)map->links,
		.irqs = (uintptr_t)map->irqs, .ranges = (uintptr_t)&range,
	};

	snprintf(c.name, sizeof(c.name), "%s", name);
	if (ioctl(d->fd, VMDEV_CREATE_DEVICE, &c))
		return fail("VMDEV_CREATE_DEVICE");
	printf("  %-10s %-4s %#llx-%#llx: device %u, %u registers, %u links, %u irq\n",
	       name, space == VMDEV_SPACE_PIO ? "PIO" : "MMIO",
	       (unsigned long long)base,
	       (unsigned long long)(base + map->dev_size - 1), c.id,
	       map->nr_regs, map->nr_links, map->nr_irqs);
	return (int)c.id;
}

static int destroy_device(struct demo *d, u32 id)
{
	struct vmdev_device_id arg = { .size = sizeof(arg), .id = id };

	if (ioctl(d->fd, VMDEV_DESTROY_DEVICE, &arg))
		return fail("VMDEV_DESTROY_DEVICE");
	return 0;
}

/* The VMM moves bytes between a buffer and a FIFO register. */
static int fifo_io(struct demo *d, u32 id, u32 reg, u32 op, void *buf,
		   u32 count)
{
	struct vmdev_fifo_io io = {
		.size = sizeof(io), .id = id, .reg = reg, .op = op,
		.buf = (uintptr_t)buf, .count = count,
	};

	if (ioctl(d->fd, VMDEV_FIFO_IO, &io))
		return fail("VMDEV_FIFO_IO");
	return (int)io.done;
}

static int vmm_reg(struct demo *d, unsigned long cmd, u32 id, u32 reg,
		   u64 *value)
{
	struct vmdev_reg_io io = {
		.size = sizeof(io), .id = id, .reg = reg, .value = *value,
	};

	if (ioctl(d->fd, cmd, &io))
		return fail(cmd == VMDEV_REG_READ ? "VMDEV_REG_READ" :
			    "VMDEV_REG_WRITE");
	*value = io.value;
	return 0;
}

static void vmm_check(struct demo *d, const char *what, u64 seen, u64 want)
{
	printf("  VMM: %s %llu\n", what, (unsigned long long)seen);
	if (seen != want) {
		d->mismatches++;
		printf("  ^^^ UNEXPECTED: expected %llu\n",
		       (unsigned long long)want);
	}
}

/* What the 8250 driver does when it probes and sets up the port. */
static const struct step uart_probe[] = {
	OUT(UART_LCR, VMDEV_UART_LCR_DLAB,
	    "LCR: DLAB on, to reach the divisor"),
	OUT(UART_RX_TX, 0x01, "DLL: divisor 1, 115200 baud"),
	OUT(UART_IER_DLM, 0x00, "DLM: divisor high byte"),
	IN(UART_RX_TX, 0x01, "DLL reads the divisor back"),
	OUT(UART_LCR, 0x03, "LCR: 8N1, DLAB off"),
	IN(UART_LCR, 0x03, "LCR reads back"),
	OUT(UART_SCR, 0x5a, "SCR: scratch test"),
	IN(UART_SCR, 0x5a, "SCR holds it: a UART is there"),
	OUT(UART_IIR_FCR, 0x07, "FCR: enable and reset the FIFOs"),
	IN(UART_IIR_FCR, IIR_NONE, "IIR: FIFOs on, no interrupt pending"),
	OUT(UART_MCR, 0x0b, "MCR: DTR, RTS, OUT2 (IRQ to the PIC)"),
	IN(UART_MSR, 0xb0, "MSR: DCD, DSR, CTS: a modem is there"),
	IN(UART_LSR, LSR_IDLE, "LSR: THR empty, transmitter idle"),
	OUT(UART_IER_DLM, VMDEV_UART_IER_THRI, "IER: interrupt when THR empty"),
	IN(UART_IIR_FCR, VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_THRI,
	   "IIR: THR-empty interrupt pending"),
};

/* printk's serial console: wait for THRE, write the byte, next. */
static int uart_write_message(struct demo *d)
{
	static const char msg[] = MESSAGE "\n";
	const struct step lsr = IN(UART_LSR, LSR_IDLE,
				   "LSR: THRE, room for a byte");
	int err = 0;

	for (size_t i = 0; i < sizeof(msg) - 1 && !err; i++) {
		struct step thr = OUT(UART_RX_TX, (u8)msg[i], "THR: next byte");

		d->quiet = i > 0;
		err = guest(d, &lsr);
		if (!err)
			err = guest(d, &thr);
	}
	d->quiet = false;
	if (!err)
		printf("  ... %zu bytes in all: %zu accesses, none left the kernel\n",
		       sizeof(msg) - 1, 2 * (sizeof(msg) - 1));
	return err;
}

/* The VMM's console backend drains what the guest wrote. */
static int uart_drain(struct demo *d, u32 id)
{
	char buf[VMDEV_UART_FIFO_DEPTH + 1];
	int n = fifo_io(d, id, VMDEV_UART_THR, VMDEV_FIFO_DRAIN, buf,
			VMDEV_UART_FIFO_DEPTH);

	if (n < 0)
		return n;
	buf[n] = '\0';
	printf("  VMM: VMDEV_FIFO_IO drained %d bytes from THR\n", n);
	printf("  the guest's serial console shows: %s", buf);
	if (strcmp(buf, MESSAGE "\n")) {
		d->mismatches++;
		printf("  ^^^ UNEXPECTED: expected \"%s\\n\"\n", MESSAGE);
	}
	return 0;
}

static const struct step uart_tx_done[] = {
	IN(UART_LSR, LSR_IDLE, "LSR: still room, transmitter idle"),
	OUT(UART_IER_DLM, 0x00, "IER: nothing more to send, THRI off"),
	IN(UART_IIR_FCR, IIR_NONE, "IIR: no interrupt pending"),
};

/* The other way: the VMM types "ok", the guest's 8250 IRQ handler reads. */
static const struct step uart_rx[] = {
	IN(UART_LSR, LSR_IDLE | VMDEV_UART_LSR_DR, "LSR: data ready"),
	OUT(UART_IER_DLM, VMDEV_UART_IER_RDI,
	    "IER: interrupt on received data"),
	IN(UART_IIR_FCR, VMDEV_UART_IIR_FIFO | VMDEV_UART_IIR_RDI,
	   "IIR: received data available"),
	IN(UART_RX_TX, 'o', "RBR: 'o'"),
	IN(UART_RX_TX, 'k', "RBR: 'k'"),
	IN(UART_LSR, LSR_IDLE, "LSR: receive FIFO empty"),
	IN(UART_IIR_FCR, IIR_NONE, "IIR: no interrupt pending"),
};

/* The VMM puts "ok" into the receive FIFO, as its console backend would. */
static int uart_receive(struct demo *d, u32 id)
{
	int n = fifo_io(d, id, VMDEV_UART_RBR, VMDEV_FIFO_FILL, "ok", 2);

	if (n < 0)
		return n;
	vmm_check(d, "VMDEV_FIFO_IO put into RBR, bytes:", n, 2);
	return GUEST_STEPS(d, uart_rx);
}

static int uart_demo(struct demo *d, u32 id)
{
	int err;

	section("UART: the guest's 8250 driver sets up the port");
	err = GUEST_STEPS(d, uart_probe);
	if (err)
		return err;
	section("UART: the guest prints \"" MESSAGE "\"");
	err = uart_write_message(d);
	if (err)
		return err;
	section("UART: the VMM drains the transmit FIFO");
	err = uart_drain(d, id);
	if (!err)
		err = GUEST_STEPS(d, uart_tx_done);
	if (err)
		return err;
	section("UART: the VMM receives \"ok\" for the guest");
	return uart_receive(d, id);
}

/* virtio_mmio's probe, then the first steps of virtio-blk's. */
static const struct step virtio_probe[] = {
	READL(VIRTIO_MAGIC, VMDEV_VIRTIO_MMIO_MAGIC_VALUE,
	      "MagicValue: \"virt\""),
	READL(VIRTIO_VERSION, 2, "Version: 2, virtio 1.0 and later"),
	READL(VIRTIO_DEVICE_ID, VMDEV_VIRTIO_ID_BLOCK, "DeviceID: 2, block"),
	READL(VIRTIO_VENDOR_ID, VMDEV_VIRTIO_MMIO_VENDOR,
	      "VendorID: \"VMDV\""),
	WRITEL_VMM(VIRTIO_STATUS, 0, "Status: reset"),
	WRITEL_VMM(VIRTIO_STATUS, 1, "Status: ACKNOWLEDGE"),
	WRITEL_VMM(VIRTIO_STATUS, 3, "Status: DRIVER"),
	READL_VMM(VIRTIO_DEVICE_FEATURES, "DeviceFeatures: up to the VMM"),
	READL_VMM(VIRTIO_QUEUE_NUM_MAX, "QueueNumMax: up to the VMM"),
};

static const struct step virtio_notify[] = {
	WRITEL(VIRTIO_QUEUE_NOTIFY, 0, "QueueNotify: request on queue 0"),
};

static const struct step virtio_irq[] = {
	READL(VIRTIO_INT_STATUS, VMDEV_VIRTIO_MMIO_INT_VRING,
	      "InterruptStatus: used buffer"),
	WRITEL(VIRTIO_INT_ACK, VMDEV_VIRTIO_MMIO_INT_VRING,
	       "InterruptACK: handler acknowledges"),
	READL(VIRTIO_INT_STATUS, 0, "InterruptStatus: clear, line down"),
};

/* The backend finds which queue was notified in the doorbell register. */
static int virtio_doorbell(struct demo *d, u32 id)
{
	u64 v = ~0ULL;
	int err = GUEST_STEPS(d, virtio_notify);

	if (!err)
		err = vmm_reg(d, VMDEV_REG_READ, id,
			      VMDEV_VIRTIO_MMIO_QUEUE_NOTIFY, &v);
	if (!err)
		vmm_check(d, "QueueNotify latched, the backend serves queue",
			  v, 0);
	return err;
}

static int virtio_demo(struct demo *d, u32 id)
{
	u64 v = VMDEV_VIRTIO_MMIO_INT_VRING;
	int err;

	section("virtio-mmio: the guest's virtio_mmio driver probes");
	err = GUEST_STEPS(d, virtio_probe);
	if (err)
		return err;
	section("virtio-mmio: the guest submits a request");
	err = virtio_doorbell(d, id);
	if (err)
		return err;
	section("virtio-mmio: the VMM completes it and interrupts");
	err = vmm_reg(d, VMDEV_REG_WRITE, id, VMDEV_VIRTIO_MMIO_INT_STATUS,
		      &v);
	if (err)
		return err;
	printf("  VMM: InterruptStatus <- %#x, interrupt raised\n",
	       VMDEV_VIRTIO_MMIO_INT_VRING);
	return GUEST_STEPS(d, virtio_irq);
}

static int open_vmdev(struct demo *d)
{
	struct utsname u;
	int version;

	uname(&u);
	printf("vmdev demo: what a guest sees of in-kernel register devices\n");
	printf("kernel %s\n", u.release);
	d->fd = open("/dev/vmdev", O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return fail("open /dev/vmdev");
	version = ioctl(d->fd, VMDEV_GET_API_VERSION);
	if (version < 0)
		return fail("VMDEV_GET_API_VERSION");
	printf("/dev/vmdev: API version %d\n", version);
	printf("[kernel]: vmdev.ko completed the access (a vCPU would not exit)\n");
	printf("[VMM]: the slow path, left to the VMM in userspace\n");
	if (version != VMDEV_API_VERSION) {
		printf("error: this demo speaks version %d\n",
		       VMDEV_API_VERSION);
		return -EPROTO;
	}
	return 0;
}

static int run(struct demo *d)
{
	int uart, virtio, err, derr;

	section("The devices");
	uart = create_device(d, "uart0", &vmdev_uart16550_map,
			     VMDEV_SPACE_PIO, UART_BASE);
	if (uart < 0)
		return uart;
	virtio = create_device(d, "virtio-blk", &vmdev_virtio_mmio_blk_map,
			       VMDEV_SPACE_MMIO, VIRTIO_BASE);
	if (virtio < 0) {
		destroy_device(d, uart);
		return virtio;
	}
	err = uart_demo(d, uart);
	if (!err)
		err = virtio_demo(d, virtio);
	section("Tear down");
	derr = destroy_device(d, uart);
	if (!derr)
		derr = destroy_device(d, virtio);
	if (!derr)
		printf("  both devices destroyed\n");
	return err ? err : derr;
}

int main(void)
{
	struct demo d = { .fd = -1 };
	int err;

	/* Line by line even into a pipe: the VM's console shows it live. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = open_vmdev(&d);
	if (!err)
		err = run(&d);
	if (d.fd >= 0)
		close(d.fd);
	if (err)
		printf("\ndemo FAILED: %s\n", strerror(-err));
	else if (d.mismatches)
		printf("\ndemo FAILED: %u unexpected results\n", d.mismatches);
	else
		printf("\ndemo OK: every access behaved as a guest expects\n");
	return err || d.mismatches ? EXIT_FAILURE : EXIT_SUCCESS;
}
