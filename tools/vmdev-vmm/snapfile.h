/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The file a VMM snapshot lives in (Documentation/linux-guest.rst,
 * "Snapshot and restore"): a header, then tagged sections, each with its
 * length and an FNV-1a checksum of its data. Guest RAM is one section,
 * page-aligned in the file and written sparsely (a page of zeroes is a
 * hole), not checksummed: it is most of the file and the guest's own.
 * Every other section is a fixed-size KVM structure, libvmdev's device
 * blob (which checks itself) or a record of the VMM's.
 *
 * Writing goes front to back; reading maps the file and finds sections
 * by tag and id, every length checked against the file's.
 */
#ifndef VMDEV_VMM_SNAPFILE_H
#define VMDEV_VMM_SNAPFILE_H

#include <stddef.h>
#include <stdint.h>

#define SNAPFILE_VERSION	1

enum snap_tag {
	SNAP_CONFIG = 1,	/* struct snap_config */
	SNAP_MEMORY,		/* guest RAM, from guest-physical 0 */
	SNAP_CLOCK,		/* struct kvm_clock_data */
	SNAP_IRQCHIP,		/* struct kvm_irqchip; id: the chip */
	SNAP_PIT,		/* struct kvm_pit_state2 */
	SNAP_REGS,		/* the rest: one per vCPU, id its index */
	SNAP_SREGS,
	SNAP_XSAVE,
	SNAP_XCRS,
	SNAP_LAPIC,
	SNAP_MSRS,
	SNAP_MP_STATE,
	SNAP_EVENTS,
	SNAP_DEBUGREGS,
	SNAP_VMDEV,		/* vmdev_vm_save()'s blob */
	SNAP_I8042,		/* the keyboard controller's own state */
	SNAP_VIRTIO,		/* a virtio-mmio device; id: its index */
};

struct snap_writer {
	int fd;
	uint64_t off;
	uint32_t nr_sections;
	int error;		/* the first -errno; later writes do nothing */
};

int snap_write_begin(struct snap_writer *w, const char *path);
void snap_write(struct snap_writer *w, uint32_t tag, uint32_t id,
		const void *data, uint64_t len);
/* Guest RAM: page-aligned, zero pages left as holes. */
void snap_write_memory(struct snap_writer *w, const void *mem, uint64_t len);
/* Header written, file closed: its size, or the first error. */
int64_t snap_write_end(struct snap_writer *w);

struct snap_reader {
	const uint8_t *map;
	uint64_t size;
	uint32_t nr_sections;
};

/*
 * Map and check path: magic, version, header, every section inside the
 * file and its checksum right. -ENOENT/-EACCES..., -EBADMSG (not a
 * snapshot, or damaged: *why says how), -EPROTONOSUPPORT (another
 * version).
 */
int snap_read_open(struct snap_reader *r, const char *path, const char **why);
void snap_read_close(struct snap_reader *r);
/* Section tag/id: its data and length, or NULL. */
const void *snap_find(const struct snap_reader *r, uint32_t tag, uint32_t id,
		      uint64_t *len);
/* Exactly len bytes of section tag/id into dst: 0, or -EBADMSG. */
int snap_get(const struct snap_reader *r, uint32_t tag, uint32_t id,
	     void *dst, uint64_t len);

#endif /* VMDEV_VMM_SNAPFILE_H */
