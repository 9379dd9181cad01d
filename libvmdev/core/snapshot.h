/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Snapshot blobs of register devices: one device's whole state, or a
 * context's devices, as a versioned, self-describing byte string that
 * is the same whichever mode (module or library) wrote it.
 * Documentation/snapshot.rst is the reference for the format.
 *
 * Nothing here sleeps or allocates: save writes into the caller's
 * buffer under the device lock, restore validates the whole blob into the
 * caller's scratch buffer before it takes the lock and applies it.
 */
#ifndef VMDEV_CORE_SNAPSHOT_H
#define VMDEV_CORE_SNAPSHOT_H

#include "regdev.h"

#define VMDEV_SNAP_MAGIC	0x53444d56U	/* "VMDS" in little endian */
#define VMDEV_SNAP_VERSION	1
#define VMDEV_SNAP_HDR_SIZE	32
#define VMDEV_SNAP_SEC_SIZE	16

/* Header field kind: what the blob holds. */
#define VMDEV_SNAP_KIND_DEVICE	1
#define VMDEV_SNAP_KIND_CONTEXT	2

/* Section tags. */
#define VMDEV_SNAP_TAG_MAP	1	/* device: the register map's digest */
#define VMDEV_SNAP_TAG_REGS	2	/* device: every register's state */
#define VMDEV_SNAP_TAG_IRQ	3	/* device: interrupt line levels */
#define VMDEV_SNAP_TAG_DEVICE	16	/* context: one device blob */
/* Sections of a library vm blob only (libvmdev/vm/snapshot_vm.c). */
#define VMDEV_SNAP_TAG_LAYOUT	17	/* vm: the I/O manager's ranges */
#define VMDEV_SNAP_TAG_USERDEV	18	/* vm: a userspace device's bytes */
#define VMDEV_SNAP_TAG_RESOURCES 19	/* vm: a resource manager */

/* Section flags: a reader may skip an unknown tag carrying it. */
#define VMDEV_SNAP_SEC_F_OPTIONAL	0x1U

/*
 * Bytes the blob of this device can take at most (every FIFO full);
 * save writes that many or fewer.
 */
size_t vmdev_rdev_save_size(const struct vmdev_rdev *dev);

/*
 * Write the device's state to buf, atomically with respect to every other
 * operation on it (under its lock). Returns the blob's size, or -ENOSPC
 * when len is under vmdev_rdev_save_size() (nothing is read then).
 */
long vmdev_rdev_save(struct vmdev_rdev *dev, void *buf, size_t len);

/*
 * Bytes of scratch memory vmdev_rdev_restore() needs for this device, and
 * for any device (VMDEV_MAX_REGS registers).
 */
size_t vmdev_rdev_restore_scratch_size(const struct vmdev_rdev *dev);
size_t vmdev_rdev_restore_scratch_max(void);

/*
 * Validate blob (len bytes) against the device without changing it:
 * 0, -EBADMSG (malformed: truncated, oversized, bad checksum, sizes,
 * padding or values out of range, inconsistent state), -EPROTONOSUPPORT
 * (another format version, an unknown mandatory section or flag) or
 * -EMEDIUMTYPE (the blob is of a device with another register map).
 */
int vmdev_rdev_restore_check(const struct vmdev_rdev *dev, const void *blob,
			     size_t len, void *scratch);

/*
 * Validate, then replace the device's state with the blob's under its
 * lock. On error the device is unchanged. ev reports the lines that
 * changed, as for any other operation.
 */
int vmdev_rdev_restore(struct vmdev_rdev *dev, const void *blob, size_t len,
		       void *scratch, struct vmdev_rdev_events *ev);

/* Recompute the checksum of a blob of len bytes (tools, tests, fuzzers). */
void vmdev_snap_seal(void *blob, size_t len);

/*
 * Context blobs: a header, then one DEVICE section per device, by
 * ascending id. Build one with ctx_add() from pos = VMDEV_SNAP_HDR_SIZE
 * (returns the next pos or -ENOSPC) and ctx_finish(); the bound of one
 * device's section is VMDEV_SNAP_SEC_SIZE + vmdev_rdev_save_size().
 */
long vmdev_snap_ctx_add(void *buf, size_t len, size_t pos, u32 id,
			struct vmdev_rdev *dev);
/*
 * The DEVICE section header at p of a device blob of dev_len bytes that
 * follows it (saved elsewhere: the library's kernel mode).
 */
void vmdev_snap_ctx_sec(void *p, u32 id, u32 dev_len);
void vmdev_snap_ctx_finish(void *buf, size_t pos, u32 nr);

/*
 * Check a context blob's header, checksum and sections (not the devices'
 * contents): 0 and *nr, or the errors above. Then ctx_next() walks the
 * sections from *pos = VMDEV_SNAP_HDR_SIZE: 1 and the device's id and
 * blob, 0 at the end.
 */
int vmdev_snap_ctx_check(const void *blob, size_t len, u32 *nr);
int vmdev_snap_ctx_next(const void *blob, size_t len, size_t *pos, u32 *id,
			const void **dev_blob, size_t *dev_len);

/*
 * The format's pieces for the library's vm blobs, which add sections of
 * their own to a context blob: little-endian fields, section headers
 * (put: the 16 bytes; the caller zero-pads the payload to 8), the header
 * and checksum check of a context blob (0 and its section count, or the
 * errors above) and a walk of its sections from *pos =
 * VMDEV_SNAP_HDR_SIZE (1, 0 at the end, or -EBADMSG / -EPROTONOSUPPORT).
 */
struct vmdev_snap_sec {
	u32 tag;
	u32 flags;
	u32 len;
	u32 id;
	const void *data;
};

static inline u64 vmdev_snap_get(const void *p, u32 bytes)
{
	const u8 *b = p;
	u64 v = 0;

	while (bytes--)
		v = (v << 8) | b[bytes];
	return v;
}

static inline void vmdev_snap_put(void *p, u32 bytes, u64 v)
{
	u8 *b = p;
	u32 i;

	for (i = 0; i < bytes; i++, v >>= 8)
		b[i] = (u8)v;
}

void vmdev_snap_sec_put(void *p, u32 tag, u32 len, u32 id);
int vmdev_snap_ctx_hdr(const void *blob, size_t len, u32 *nr_sec);
int vmdev_snap_sec_next(const void *blob, size_t len, size_t *pos,
			struct vmdev_snap_sec *sec);

#endif /* VMDEV_CORE_SNAPSHOT_H */
