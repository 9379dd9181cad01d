// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The PC's legacy ports that a booting Linux touches, each a register
 * device whose behaviour is declared, so that in kernel mode vmdev.ko
 * completes its accesses and the VMM never sees them:
 *
 *   0x80         POST codes and I/O delays: a sink (libvmdev's map)
 *   0x60, 0x64   the i8042: status and output buffer in the map, the
 *                controller's commands trapped (the reset line among them)
 *   0x70, 0x71   CMOS/RTC: index register, the clock and status
 *                registers banked behind it by selectors
 *   0xcf8-0xcff  PCI configuration mechanism #1: all ones, no host bridge
 *   COM2-COM4    absent UARTs: all ones, so the 8250 driver finds none
 *
 * The PIC (0x20, 0xa0, 0x4d0), PIT (0x40-0x43) and port 0x61 are KVM's
 * own (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2) and never leave the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <vmdev/regdev.h>

#include "devmaps.h"
#include "vmm.h"

/* ---- registering ---------------------------------------------------- */

int vmm_add_regdev(struct vmm *vmm, const char *name, uint16_t port,
		   uint16_t len, const struct vmdev_regdev_opts *o,
		   struct vmdev_regdev **out)
{
	struct vmdev_resource r = {
		.type = VMDEV_RES_PIO, .range = { .base = port, .size = len },
	};
	struct vmdev_regdev_opts opts = *o;
	struct vmdev_resources *res;
	struct vmm_dev *d;
	int ret;

	if (vmm->nr_devs == VMM_MAX_DEVS)
		return -ENOSPC;
	opts.name = name;
	ret = vmdev_resources_new(&res);
	if (!ret)
		ret = vmdev_resources_append(res, &r);
	if (!ret)
		ret = vmdev_regdev_new(vmm->ctx, res, &opts, out);
	vmdev_resources_free(res);
	if (ret) {
		vmm_err("%s at port %#x: %s", name, port, strerror(-ret));
		return ret;
	}
	d = &vmm->devs[vmm->nr_devs++];
	*d = (struct vmm_dev){ .name = name, .rd = *out, .port = port };
	return 0;
}

void vmm_devs_fini(struct vmm *vmm)
{
	while (vmm->nr_devs)
		vmdev_regdev_free(vmm->devs[--vmm->nr_devs].rd);
}

#define NOSEL		.sel_reg = VMDEV_SEL_NONE

/* ---- i8042 keyboard controller ---------------------------------------- */

enum { KBD_DATA_IN, KBD_DATA_OUT, KBD_STATUS, KBD_CMD, KBD_NR_REGS };

#define KBD_PORT	0x60	/* data; status and command at 0x64 */
#define KBD_WINDOW	5
#define KBD_FIFO	16
#define KBD_OBF		0x01	/* output buffer full */
#define KBD_SYS		0x04	/* self test passed */
#define KBD_UNLOCKED	0x10

#define KBD_CMD_READ_CTR	0x20
#define KBD_CMD_WRITE_CTR	0x60
#define KBD_CMD_TEST_AUX	0xa9
#define KBD_CMD_SELF_TEST	0xaa
#define KBD_CMD_TEST_KBD	0xab
#define KBD_CMD_WRITE_OUTPUT	0xd1
#define KBD_CMD_RESET		0xfe	/* pulse the CPU reset line */
#define KBD_OUTPUT_RESET	0x01	/* output port bit 0: not in reset */

static const struct vmdev_reg kbd_regs[KBD_NR_REGS] = {
	/* Bytes for the guest: command answers, pushed by the VMM. */
	[KBD_DATA_IN] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_FIFO_OUT,
		.flags = VMDEV_REG_F_NOWRITE, NOSEL,
		.arg.fifo.depth = KBD_FIFO,
	},
	/* Command parameters and keyboard commands: to the VMM. */
	[KBD_DATA_OUT] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_TRAP,
		.flags = VMDEV_REG_F_NOREAD, NOSEL,
	},
	[KBD_STATUS] = {
		.offset = 4, .width = 1, .type = VMDEV_REG_RO,
		.flags = VMDEV_REG_F_NOWRITE, NOSEL,
		.reset = KBD_SYS | KBD_UNLOCKED,
	},
	[KBD_CMD] = {
		.offset = 4, .width = 1, .type = VMDEV_REG_TRAP,
		.flags = VMDEV_REG_F_NOREAD, NOSEL,
	},
};

static const struct vmdev_link kbd_links[] = {
	{ .src = KBD_DATA_IN, .dst = KBD_STATUS,
	  .cond = VMDEV_LINK_NONEMPTY, .mask = KBD_OBF },
};

struct kbd {
	struct vmm *vmm;
	struct vmdev_regdev *rd;
	pthread_mutex_t lock;
	uint8_t ctr;		/* controller configuration byte */
	uint8_t pending;	/* the command whose parameter comes next */
};

static struct kbd kbd = { .lock = PTHREAD_MUTEX_INITIALIZER, .ctr = 0x45 };

static void kbd_reply(struct kbd *k, uint8_t b)
{
	vmdev_regdev_fifo_fill(k->rd, KBD_DATA_IN, &b, 1);
}

static void kbd_command(struct kbd *k, uint8_t cmd)
{
	switch (cmd) {
	case KBD_CMD_READ_CTR:
		kbd_reply(k, k->ctr);
		break;
	case KBD_CMD_WRITE_CTR:
	case KBD_CMD_WRITE_OUTPUT:
		k->pending = cmd;
		break;
	case KBD_CMD_SELF_TEST:
		kbd_reply(k, 0x55);
		break;
	case KBD_CMD_TEST_AUX:
	case KBD_CMD_TEST_KBD:
		kbd_reply(k, 0x00);
		break;
	case KBD_CMD_RESET:
		vmm_request_stop(k->vmm, VMM_STOP_RESET);
		break;
	default:
		break;	/* enable/disable ports and the like: no state */
	}
}

static void kbd_data(struct kbd *k, uint8_t val)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	if (cmd == KBD_CMD_WRITE_CTR)
		k->ctr = val;
	else if (cmd == KBD_CMD_WRITE_OUTPUT && !(val & KBD_OUTPUT_RESET))
		vmm_request_stop(k->vmm, VMM_STOP_RESET);
	/* A byte for the keyboard: there is none, nothing answers. */
}

static int kbd_write(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, const void *data, size_t len)
{
	struct kbd *k = opaque;
	uint8_t val = *(const uint8_t *)data;

	(void)space;
	vmm_stats_trap(k->vmm, base + offset, true);
	if (len != 1)
		return 0;
	pthread_mutex_lock(&k->lock);
	if (offset == 4)
		kbd_command(k, val);
	else
		kbd_data(k, val);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

static int kbd_init(struct vmm *vmm)
{
	VMDEV_OPTS(vmdev_regdev_opts, o, .dev_size = KBD_WINDOW,
		   .nr_regs = KBD_NR_REGS, .regs = kbd_regs,
		   .nr_links = 1, .links = kbd_links,
		   .slow_write = kbd_write, .opaque = &kbd);

	kbd.vmm = vmm;
	return vmm_add_regdev(vmm, "i8042", KBD_PORT, KBD_WINDOW, &o, &kbd.rd);
}

/* ---- CMOS and RTC ------------------------------------------------------ */

#define CMOS_PORT	0x70
#define CMOS_WINDOW	2
#define CMOS_INDEX_MASK	0x7f	/* bit 7 of the index masks NMIs */

enum {
	CMOS_INDEX, CMOS_SEC, CMOS_SEC_ALARM, CMOS_MIN, CMOS_MIN_ALARM,
	CMOS_HOUR, CMOS_HOUR_ALARM, CMOS_WDAY, CMOS_MDAY, CMOS_MONTH,
	CMOS_YEAR, CMOS_REG_A, CMOS_REG_B, CMOS_REG_C, CMOS_REG_D,
	CMOS_CENTURY, CMOS_NR_REGS
};

/* The CMOS address of each register behind the index. */
static const uint8_t cmos_addr[CMOS_NR_REGS] = {
	[CMOS_SEC] = 0x00, [CMOS_SEC_ALARM] = 0x01, [CMOS_MIN] = 0x02,
	[CMOS_MIN_ALARM] = 0x03, [CMOS_HOUR] = 0x04,
	[CMOS_HOUR_ALARM] = 0x05, [CMOS_WDAY] = 0x06, [CMOS_MDAY] = 0x07,
	[CMOS_MONTH] = 0x08, [CMOS_YEAR] = 0x09, [CMOS_REG_A] = 0x0a,
	[CMOS_REG_B] = 0x0b, [CMOS_REG_C] = 0x0c, [CMOS_REG_D] = 0x0d,
	[CMOS_CENTURY] = 0x32,
};

#define CMOS_A_DIVIDER	0x26	/* 32.768 kHz, 1024 Hz; UIP never set */
#define CMOS_B_24H	0x02	/* 24-hour, BCD, no interrupts */
#define CMOS_D_VRT	0x80	/* valid RAM and time */

static uint8_t bcd(int v)
{
	return (v / 10) << 4 | v % 10;
}

/*
 * The clock reads the VMM's start time (UTC) and does not tick: Linux
 * reads it once at boot for the wall clock and keeps time itself. The
 * guest may set it (hwclock) and reads back what it wrote.
 */
static void cmos_fill(struct vmdev_reg *regs)
{
	time_t now = time(NULL);
	struct tm tm;
	unsigned int i;

	gmtime_r(&now, &tm);
	regs[CMOS_INDEX] = (struct vmdev_reg){
		.offset = 0, .width = 1, .type = VMDEV_REG_RW, .wmask = 0xff,
		NOSEL,
	};
	for (i = 1; i < CMOS_NR_REGS; i++)
		regs[i] = (struct vmdev_reg){
			.offset = 1, .width = 1, .type = VMDEV_REG_RW,
			.wmask = 0xff, .sel_reg = CMOS_INDEX,
			.sel_mask = CMOS_INDEX_MASK, .sel_val = cmos_addr[i],
		};
	regs[CMOS_SEC].reset = bcd(tm.tm_sec);
	regs[CMOS_MIN].reset = bcd(tm.tm_min);
	regs[CMOS_HOUR].reset = bcd(tm.tm_hour);
	regs[CMOS_WDAY].reset = bcd(tm.tm_wday + 1);
	regs[CMOS_MDAY].reset = bcd(tm.tm_mday);
	regs[CMOS_MONTH].reset = bcd(tm.tm_mon + 1);
	regs[CMOS_YEAR].reset = bcd(tm.tm_year % 100);
	regs[CMOS_CENTURY].reset = bcd(19 + tm.tm_year / 100);
	regs[CMOS_REG_A].reset = CMOS_A_DIVIDER;
	regs[CMOS_REG_A].wmask = 0x7f;
	regs[CMOS_REG_B].reset = CMOS_B_24H;
	/* No RTC interrupt is ever pending; the RAM is always valid. */
	regs[CMOS_REG_C].type = VMDEV_REG_CONST;
	regs[CMOS_REG_C].wmask = 0;
	regs[CMOS_REG_D].type = VMDEV_REG_CONST;
	regs[CMOS_REG_D].wmask = 0;
	regs[CMOS_REG_D].reset = CMOS_D_VRT;
}

static int cmos_init(struct vmm *vmm)
{
	struct vmdev_reg regs[CMOS_NR_REGS];
	struct vmdev_regdev *rd;

	cmos_fill(regs);
	VMDEV_OPTS(vmdev_regdev_opts, o, .dev_size = CMOS_WINDOW,
		   .nr_regs = CMOS_NR_REGS, .regs = regs);
	return vmm_add_regdev(vmm, "cmos", CMOS_PORT, CMOS_WINDOW, &o, &rd);
}

/* ---- Ports that answer all ones ---------------------------------------- */

/*
 * No register at all and VMDEV_DEV_F_HOLE_ONES: every read is all ones,
 * every write is dropped, in the kernel. For PCI that means "no
 * configuration mechanism": Linux's type 1 check reads 0xcf8 back and
 * its type 2 check reads 0xcf8 and 0xcfa as zero, both fail, and it
 * gives up on PCI after a dozen accesses. A register that echoed 0xcf8
 * would pass the checks and invite a scan of every bus (16,000 accesses
 * on a microvm), each an exit in user mode.
 */
static int ones_init(struct vmm *vmm, const char *name, uint16_t port,
		     uint16_t len)
{
	VMDEV_OPTS(vmdev_regdev_opts, o, .flags = VMDEV_DEV_F_HOLE_ONES,
		   .dev_size = len);
	struct vmdev_regdev *rd;

	return vmm_add_regdev(vmm, name, port, len, &o, &rd);
}

static int port80_init(struct vmm *vmm)
{
	const struct vmdev_rdev_desc *d = &vmdev_port80_map;
	VMDEV_OPTS(vmdev_regdev_opts, o, .flags = d->flags,
		   .dev_size = d->dev_size, .nr_regs = d->nr_regs,
		   .regs = d->regs);
	struct vmdev_regdev *rd;

	return vmm_add_regdev(vmm, "port80", 0x80, VMDEV_PORT80_WINDOW, &o,
			      &rd);
}

int vmm_legacy_init(struct vmm *vmm)
{
	int ret = port80_init(vmm);

	if (!ret)
		ret = kbd_init(vmm);
	if (!ret)
		ret = cmos_init(vmm);
	if (!ret)
		ret = ones_init(vmm, "pci-conf", 0xcf8, 8);
	if (!ret)
		ret = ones_init(vmm, "ttyS1-absent", 0x2f8, 8);
	if (!ret)
		ret = ones_init(vmm, "ttyS2-absent", 0x3e8, 8);
	if (!ret)
		ret = ones_init(vmm, "ttyS3-absent", 0x2e8, 8);
	return ret;
}
