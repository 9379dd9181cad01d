// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The i8042 keyboard controller, as much of it as a guest without a
 * keyboard needs: the status register that drivers poll, the controller
 * commands Linux's i8042 driver sends while it probes (configuration
 * byte, self tests), and the CPU reset line (command 0xfe, or output
 * port bit 0 cleared), which ends the VM: reboot=k sends Linux's reboot
 * there. Keyboard commands get no answer: there is no keyboard.
 *
 * Two register devices, because KVM's PIT owns port 0x61 between them:
 *
 *   0x64  status: a register, read in the kernel in kernel mode (the
 *         driver polls it thousands of times); command writes trapped
 *   0x60  data: trapped both ways (a byte written is a command's
 *         parameter; a byte read is a command's answer, a few in a boot)
 *
 * The answers wait in a small queue of the VMM's; the status register's
 * "output buffer full" bit says whether it holds any.
 */
#include <errno.h>
#include <string.h>

#include <vmdev/regdev.h>

#include "vmm.h"

#define DATA_PORT	0x60
#define CTL_PORT	0x64

enum { CTL_STATUS, CTL_CMD, CTL_NR_REGS };

#define ST_OBF		0x01	/* output buffer full: a byte to read */
#define ST_SYS		0x04	/* system flag: self test passed */
#define ST_UNLOCKED	0x10	/* keyboard not inhibited */
#define ST_IDLE		(ST_SYS | ST_UNLOCKED)

#define CMD_READ_CTR		0x20
#define CMD_WRITE_CTR		0x60
#define CMD_TEST_AUX		0xa9
#define CMD_SELF_TEST		0xaa
#define CMD_TEST_KBD		0xab
#define CMD_WRITE_OUTPUT	0xd1
#define CMD_RESET		0xfe	/* pulse the CPU reset line */
#define OUTPUT_NOT_RESET	0x01	/* output port bit 0 */
#define SELF_TEST_OK		0x55
#define CTR_DEFAULT		0x45	/* kbd interrupt, sys flag, translate */
#define QUEUE_LEN		16

static const struct vmdev_reg ctl_regs[CTL_NR_REGS] = {
	[CTL_STATUS] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_RO,
		.flags = VMDEV_REG_F_NOWRITE, .sel_reg = VMDEV_SEL_NONE,
		.reset = ST_IDLE,
	},
	[CTL_CMD] = {
		.offset = 0, .width = 1, .type = VMDEV_REG_TRAP,
		.flags = VMDEV_REG_F_NOREAD, .sel_reg = VMDEV_SEL_NONE,
	},
};

struct i8042 {
	struct vmm *vmm;
	struct vmdev_regdev *ctl, *data;
	pthread_mutex_t lock;
	uint8_t ctr;		/* controller configuration byte */
	uint8_t pending;	/* the command whose parameter comes next */
	uint8_t queue[QUEUE_LEN];	/* answers for the guest */
	unsigned int head, count;
};

static struct i8042 kbd = {
	.lock = PTHREAD_MUTEX_INITIALIZER, .ctr = CTR_DEFAULT,
};

/* Called with the lock held: OBF follows the queue. */
static void sync_status(struct i8042 *k)
{
	vmdev_regdev_reg_write(k->ctl, CTL_STATUS,
			       ST_IDLE | (k->count ? ST_OBF : 0));
}

static void reply(struct i8042 *k, uint8_t b)
{
	if (k->count == QUEUE_LEN)
		return;
	k->queue[(k->head + k->count++) % QUEUE_LEN] = b;
	sync_status(k);
}

static void command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CTR:
		reply(k, k->ctr);
		break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTPUT:
		k->pending = cmd;
		break;
	case CMD_SELF_TEST:
		reply(k, SELF_TEST_OK);
		break;
	case CMD_TEST_AUX:
	case CMD_TEST_KBD:
		reply(k, 0x00);		/* interface test passed */
		break;
	case CMD_RESET:
		vmm_request_stop(k->vmm, VMM_STOP_RESET);
		break;
	default:
		break;	/* enable/disable ports and the like: no state */
	}
}

static void data_written(struct i8042 *k, uint8_t val)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	if (cmd == CMD_WRITE_CTR)
		k->ctr = val;
	else if (cmd == CMD_WRITE_OUTPUT && !(val & OUTPUT_NOT_RESET))
		vmm_request_stop(k->vmm, VMM_STOP_RESET);
	/* Otherwise a byte for the keyboard: there is none to answer. */
}

static int ctl_write(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, const void *data, size_t len)
{
	struct i8042 *k = opaque;

	(void)space;
	vmm_stats_trap(k->vmm, base + offset, true);
	if (len != 1)
		return 0;
	pthread_mutex_lock(&k->lock);
	command(k, *(const uint8_t *)data);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

static int data_write(void *opaque, enum vmdev_space space, uint64_t base,
		      uint64_t offset, const void *data, size_t len)
{
	struct i8042 *k = opaque;

	(void)space;
	vmm_stats_trap(k->vmm, base + offset, true);
	if (len != 1)
		return 0;
	pthread_mutex_lock(&k->lock);
	data_written(k, *(const uint8_t *)data);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

/* The oldest answer; an empty buffer reads as the last byte did: 0. */
static int data_read(void *opaque, enum vmdev_space space, uint64_t base,
		     uint64_t offset, void *data, size_t len)
{
	struct i8042 *k = opaque;
	uint8_t b = 0;

	(void)space;
	vmm_stats_trap(k->vmm, base + offset, false);
	pthread_mutex_lock(&k->lock);
	if (k->count) {
		b = k->queue[k->head];
		k->head = (k->head + 1) % QUEUE_LEN;
		k->count--;
		sync_status(k);
	}
	pthread_mutex_unlock(&k->lock);
	memset(data, 0, len);
	*(uint8_t *)data = b;
	return 0;
}

int vmm_i8042_init(struct vmm *vmm)
{
	VMDEV_OPTS(vmdev_regdev_opts, c, .dev_size = 1,
		   .nr_regs = CTL_NR_REGS, .regs = ctl_regs,
		   .slow_write = ctl_write, .opaque = &kbd);
	/* No register: every access is a hole, and holes trap. */
	VMDEV_OPTS(vmdev_regdev_opts, d, .flags = VMDEV_DEV_F_HOLE_TRAP,
		   .dev_size = 1, .slow_read = data_read,
		   .slow_write = data_write, .opaque = &kbd);
	int ret;

	kbd.vmm = vmm;
	ret = vmm_add_regdev(vmm, "i8042-status", CTL_PORT, 1, &c, &kbd.ctl);
	if (!ret)
		ret = vmm_add_regdev(vmm, "i8042-data", DATA_PORT, 1, &d,
				     &kbd.data);
	return ret;
}

/*
 * The controller's own state in a snapshot (snapshot.c): the status
 * register is the register device's, saved with it; the rest is here.
 */
struct i8042_state {
	uint8_t ctr, pending, head, count;
	uint8_t queue[QUEUE_LEN];
};

void vmm_i8042_save(struct vmm_i8042_record *rec)
{
	struct i8042_state *s = (struct i8042_state *)rec->bytes;

	_Static_assert(sizeof(*s) <= sizeof(rec->bytes), "i8042 record");
	memset(rec, 0, sizeof(*rec));
	pthread_mutex_lock(&kbd.lock);
	s->ctr = kbd.ctr;
	s->pending = kbd.pending;
	s->head = kbd.head;
	s->count = kbd.count;
	memcpy(s->queue, kbd.queue, QUEUE_LEN);
	pthread_mutex_unlock(&kbd.lock);
}

int vmm_i8042_restore(const struct vmm_i8042_record *rec)
{
	const struct i8042_state *s = (const void *)rec->bytes;

	if (s->head >= QUEUE_LEN || s->count > QUEUE_LEN)
		return -EINVAL;
	pthread_mutex_lock(&kbd.lock);
	kbd.ctr = s->ctr;
	kbd.pending = s->pending;
	kbd.head = s->head;
	kbd.count = s->count;
	memcpy(kbd.queue, s->queue, QUEUE_LEN);
	pthread_mutex_unlock(&kbd.lock);
	return 0;
}
