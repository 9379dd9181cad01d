// SPDX-License-Identifier: GPL-2.0
/*
 * Completing a KVM exit on the context's bus, from the vCPU's kvm_run
 * page, the way a VMM completes it from userspace: a PIO exit's elements
 * are in KVM's PIO data page at data_offset (count elements of size
 * bytes, all at one port: string I/O has count > 1), an MMIO exit's
 * bytes in run->mmio.data. Reads are answered into the page, writes are
 * applied; KVM takes the answers from there when the guest is resumed.
 *
 * The page is user memory (the VMM can write it at any time), so every
 * field is checked like an ioctl argument, and an exit that does not
 * make sense is simply left to the VMM.
 */
#include <linux/kvm.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmdev.h>

#include "dispatch.h"
#include "kvm_exit.h"
#include "vcpu.h"

/* String PIO bytes moved per user copy: bounds the stack buffer. */
#define VMDEV_PIO_CHUNK	64

/*
 * Exit data holds the bytes as guest memory would: little-endian, as x86
 * (the one architecture with PIO exits) is. The core takes and returns
 * values in the low bytes of a u64.
 */
static u64 load_le(const u8 *p, u32 len)
{
	__le64 v = 0;

	memcpy(&v, p, len);
	return le64_to_cpu(v);
}

static void store_le(u8 *p, u64 val, u32 len)
{
	__le64 v = cpu_to_le64(val);

	memcpy(p, &v, len);
}

/*
 * Dispatch n elements of size bytes at port, held in buf (reads fill
 * it), in order. Returns how many were completed: all of them, or up to
 * the first one that no device completed (slow path, nothing mapped
 * there, or an access straddling a range: all for the VMM to handle).
 */
static u32 pio_elements(struct vmdev_ctx *ctx, u16 port, u32 size,
			bool write, u8 *buf, u32 n)
{
	u64 val;
	u32 i;

	for (i = 0; i < n; i++, buf += size) {
		val = write ? load_le(buf, size) : 0;
		if (vmdev_dispatch(ctx, VMDEV_SPACE_PIO, port, size, write,
				   &val) != VMDEV_RESULT_DONE)
			break;
		if (!write)
			store_le(buf, val, size);
	}
	return i;
}

/*
 * The elements of a PIO exit, through a small bounce buffer (user memory
 * is never touched under RCU or a device's lock): the number completed,
 * or -EFAULT.
 */
static long pio_string(struct vmdev_ctx *ctx, u8 __user *data, u16 port,
		       u32 size, u32 count, bool write)
{
	u8 buf[VMDEV_PIO_CHUNK];
	u32 done = 0, n, k;

	while (done < count) {
		n = min(count - done, VMDEV_PIO_CHUNK / size);
		if (write && copy_from_user(buf, data, n * size))
			return -EFAULT;
		k = pio_elements(ctx, port, size, write, buf, n);
		if (!write && copy_to_user(data, buf, k * size))
			return -EFAULT;
		done += k;
		data += k * size;
		if (k < n)
			break;
	}
	return done;
}

/* What KVM produces: a known direction and size, data inside the map. */
static bool pio_exit_valid(u8 direction, u32 size, u32 count,
			   u64 data_offset, u64 map_len)
{
	return direction <= KVM_EXIT_IO_OUT &&
	       (size == 1 || size == 2 || size == 4) && count &&
	       data_offset <= map_len &&
	       (u64)count * size <= map_len - data_offset;
}

/*
 * Element `done` of the exit was not completed: leave it and the rest to
 * the VMM as a shorter exit, at the same port. KVM resumes a string PIO
 * from its own record of the exit and the whole PIO data page, not from
 * these fields, so what was completed here stays completed: the values
 * read are in the page already, the writes have been applied.
 */
static int pio_leave_rest(struct kvm_run __user *run, u32 count, u32 size,
			  u64 data_offset, u32 done)
{
	if (put_user(count - done, &run->io.count) ||
	    put_user(data_offset + (u64)done * size, &run->io.data_offset))
		return -EFAULT;
	return VMDEV_KVM_EXIT_USER;
}

static int complete_pio(struct vmdev_ctx *ctx, struct vmdev_vcpu *vcpu)
{
	typeof_member(struct kvm_run, io) io;
	struct kvm_run __user *run = vcpu->run;
	long done;

	if (copy_from_user(&io, &run->io, sizeof(io)))
		return -EFAULT;
	if (!pio_exit_valid(io.direction, io.size, io.count, io.data_offset,
			    vcpu->map_len))
		return VMDEV_KVM_EXIT_USER;
	done = pio_string(ctx, (u8 __user *)run + io.data_offset, io.port,
			  io.size, io.count, io.direction == KVM_EXIT_IO_OUT);
	if (done < 0)
		return done;
	if (done == io.count)
		return VMDEV_KVM_EXIT_DONE;
	if (!done)
		return VMDEV_KVM_EXIT_USER;	/* the exit as KVM left it */
	return pio_leave_rest(run, io.count, io.size, io.data_offset, done);
}

static int complete_mmio(struct vmdev_ctx *ctx, struct vmdev_vcpu *vcpu)
{
	typeof_member(struct kvm_run, mmio) mmio;
	struct kvm_run __user *run = vcpu->run;
	u64 val;

	if (copy_from_user(&mmio, &run->mmio, sizeof(mmio)))
		return -EFAULT;
	if (!mmio.len || mmio.len > sizeof(mmio.data))
		return VMDEV_KVM_EXIT_USER;
	val = mmio.is_write ? load_le(mmio.data, mmio.len) : 0;
	if (vmdev_dispatch(ctx, VMDEV_SPACE_MMIO, mmio.phys_addr, mmio.len,
			   mmio.is_write, &val) != VMDEV_RESULT_DONE)
		return VMDEV_KVM_EXIT_USER;
	if (mmio.is_write)
		return VMDEV_KVM_EXIT_DONE;
	store_le(mmio.data, val, mmio.len);
	if (copy_to_user(run->mmio.data, mmio.data, mmio.len))
		return -EFAULT;
	return VMDEV_KVM_EXIT_DONE;
}

/*
 * Complete the exit in the vCPU's kvm_run page if register devices of
 * ctx complete all of it: VMDEV_KVM_EXIT_DONE, VMDEV_KVM_EXIT_USER (any
 * other exit, or one that goes to the VMM: left as KVM wrote it, except
 * a string PIO completed in part, see pio_leave_rest()), or -EFAULT.
 */
int vmdev_kvm_exit_complete(struct vmdev_ctx *ctx, struct vmdev_vcpu *vcpu)
{
	u32 reason;

	if (get_user(reason, &vcpu->run->exit_reason))
		return -EFAULT;
	switch (reason) {
	case KVM_EXIT_IO:
		return complete_pio(ctx, vcpu);
	case KVM_EXIT_MMIO:
		return complete_mmio(ctx, vcpu);
	default:
		return VMDEV_KVM_EXIT_USER;
	}
}
