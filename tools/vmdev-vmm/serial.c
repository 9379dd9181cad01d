// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The console: a 16550A on COM1 (port 0x3f8, ISA IRQ 4), libvmdev's
 * UART map (<vmdev/devices.h>). In kernel mode the whole UART lives in
 * vmdev.ko: the guest's 8250 driver writes THR, reads LSR and IIR, takes
 * its THR-empty interrupts, and none of it reaches the VMM. The VMM only
 * moves bytes: an output thread drains the transmit FIFO to stdout, an
 * input thread fills the receive FIFO from stdin. A FIFO_IN push signals
 * nothing, so the output thread polls, briefly when bytes came, and
 * sleeps between polls when the guest is quiet (a 1024-byte FIFO lets
 * the guest run ahead meanwhile).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <vmdev/devices.h>
#include <vmdev/regdev.h>

#include "vmm.h"

#define COM1_PORT	0x3f8
#define COM1_GSI	4
#define IDLE_POLL_NS	(10 * 1000 * 1000)

struct vmm_serial {
	struct vmdev_regdev *uart;
	pthread_t out_thread, in_thread;
	bool out_started, in_started;
	volatile bool stop;
	uint64_t out_bytes;	/* drained so far (atomic: marks read it) */
	uint64_t drains;	/* drain calls that found bytes (atomic) */
	pid_t out_tid;		/* the output thread, for mark.c */
};

/* Everything the guest transmitted so far, to stdout. */
static int drain(struct vmm_serial *s)
{
	uint8_t buf[VMDEV_UART_FIFO_DEPTH];
	int n = vmdev_regdev_fifo_drain(s->uart, VMDEV_UART_THR, buf,
					sizeof(buf));
	ssize_t w;
	int off = 0;

	if (n > 0) {
		__atomic_add_fetch(&s->out_bytes, n, __ATOMIC_RELAXED);
		__atomic_add_fetch(&s->drains, 1, __ATOMIC_RELAXED);
	}
	while (n > 0 && off < n) {
		w = write(STDOUT_FILENO, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;	/* stdout gone: the guest still runs */
		off += w;
	}
	return n;
}

static void *output_main(void *arg)
{
	struct vmm_serial *s = arg;
	const struct timespec idle = { .tv_nsec = IDLE_POLL_NS };

	pthread_setname_np(pthread_self(), "console-out");
	__atomic_store_n(&s->out_tid, (pid_t)syscall(SYS_gettid),
			 __ATOMIC_RELAXED);
	while (!s->stop)
		if (drain(s) <= 0)
			nanosleep(&idle, NULL);
	return NULL;
}

/* stdin to the receive FIFO, waiting while the FIFO is full. */
static void *input_main(void *arg)
{
	struct vmm_serial *s = arg;
	const struct timespec idle = { .tv_nsec = IDLE_POLL_NS };
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	uint8_t buf[256];
	ssize_t n;
	int off, m;

	pthread_setname_np(pthread_self(), "console-in");
	while (!s->stop) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n <= 0)
			return NULL;	/* EOF: no more input */
		for (off = 0; off < n && !s->stop; off += m) {
			m = vmdev_regdev_fifo_fill(s->uart, VMDEV_UART_RBR,
						   buf + off, n - off);
			if (m <= 0) {
				m = 0;
				nanosleep(&idle, NULL);
			}
		}
	}
	return NULL;
}

int vmm_serial_init(struct vmm *vmm)
{
	struct vmm_serial *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	vmm->serial = s;
	ret = vmm_add_devmap_regdev(vmm, "ttyS0", COM1_PORT, VMDEV_UART_WINDOW,
				    VMDEV_DEVMAP_UART16550, &s->uart);
	if (ret)
		return ret;
	ret = vmdev_regdev_irq_bind(s->uart, VMDEV_UART_IRQ, COM1_GSI, NULL);
	if (ret) {
		vmm_err("COM1: IRQ %d: %s", COM1_GSI, strerror(-ret));
		return ret;
	}
	return vmm_serial_start(vmm);
}

/* The backend threads, at init and again after a pause. */
int vmm_serial_start(struct vmm *vmm)
{
	struct vmm_serial *s = vmm->serial;
	int ret;

	s->stop = false;
	ret = -pthread_create(&s->out_thread, NULL, output_main, s);
	s->out_started = !ret;
	if (!ret) {
		ret = -pthread_create(&s->in_thread, NULL, input_main, s);
		s->in_started = !ret;
	}
	if (ret)
		vmm_err("COM1: backend threads: %s", strerror(-ret));
	return ret;
}

/* The bytes the guest sent on the console so far (mark.c). */
uint64_t vmm_serial_out_bytes(struct vmm *vmm)
{
	struct vmm_serial *s = vmm->serial;

	return s ? __atomic_load_n(&s->out_bytes, __ATOMIC_RELAXED) : 0;
}

/* The output thread's drains that found bytes, and its thread id. */
uint64_t vmm_serial_drains(struct vmm *vmm, pid_t *tid)
{
	struct vmm_serial *s = vmm->serial;

	*tid = s ? __atomic_load_n(&s->out_tid, __ATOMIC_RELAXED) : 0;
	return s ? __atomic_load_n(&s->drains, __ATOMIC_RELAXED) : 0;
}

/*
 * After the vCPUs stopped: threads joined, the last bytes out (a pause
 * for a snapshot leaves nothing in the transmit FIFO).
 */
void vmm_serial_stop(struct vmm *vmm)
{
	struct vmm_serial *s = vmm->serial;

	if (!s)
		return;
	s->stop = true;
	if (s->out_started)
		pthread_join(s->out_thread, NULL);
	if (s->in_started)
		pthread_join(s->in_thread, NULL);
	s->out_started = s->in_started = false;
	if (s->uart)
		while (drain(s) > 0)
			;
}

void vmm_serial_fini(struct vmm *vmm)
{
	vmm_serial_stop(vmm);
	free(vmm->serial);
	vmm->serial = NULL;
}
