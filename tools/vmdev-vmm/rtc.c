// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The CMOS RAM and real-time clock at ports 0x70 (index) and 0x71
 * (data), declared whole: the index is a register, and every CMOS
 * register Linux reads is a register of the map at offset 1 selected by
 * the index (VMDEV_REG sel_reg), so in kernel mode neither port ever
 * reaches the VMM. CMOS addresses without a register read 0.
 */
#include <time.h>

#include <vmdev/regdev.h>

#include "vmm.h"

#define NOSEL		.sel_reg = VMDEV_SEL_NONE

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
 * The clock reads the VMM's start time (UTC; a restored VMM's is the
 * snapshot's, so that the map is the same) and does not tick: Linux
 * reads it once at boot for the wall clock and keeps time itself. The
 * guest may set it (hwclock) and reads back what it wrote.
 */
static void cmos_fill(struct vmdev_reg *regs, time_t now)
{
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

int vmm_rtc_init(struct vmm *vmm)
{
	struct vmdev_reg regs[CMOS_NR_REGS];
	struct vmdev_regdev *rd;

	cmos_fill(regs, vmm->rtc_time);
	VMDEV_OPTS(vmdev_regdev_opts, o, .dev_size = CMOS_WINDOW,
		   .nr_regs = CMOS_NR_REGS, .regs = regs);
	return vmm_add_regdev(vmm, "cmos", CMOS_PORT, CMOS_WINDOW, &o, &rd);
}
