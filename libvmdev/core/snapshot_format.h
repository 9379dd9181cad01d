/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The snapshot format's building blocks, shared by the save and the
 * restore side: little-endian fields read and written byte by byte (the
 * blob is the same on any host), the header, sections, the checksum and
 * the register map's digest. Only libvmdev/core/snapshot*.c include it.
 */
#ifndef VMDEV_CORE_SNAPSHOT_FORMAT_H
#define VMDEV_CORE_SNAPSHOT_FORMAT_H

#include "snapshot.h"
#include "regdev_internal.h"

/* Payload sizes of the fixed sections and of a register record. */
#define SNAP_MAP_LEN	32
#define SNAP_IRQ_LEN	8
#define SNAP_REC_LEN	24

/* Header field offsets. */
#define SNAP_H_MAGIC	0
#define SNAP_H_VERSION	4
#define SNAP_H_HDR_SIZE	6
#define SNAP_H_SIZE	8
#define SNAP_H_FLAGS	12
#define SNAP_H_KIND	16
#define SNAP_H_PAD	18
#define SNAP_H_NR_SEC	20
#define SNAP_H_CSUM	24

static inline size_t snap_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static inline u64 snap_get(const u8 *p, u32 bytes)
{
	return vmdev_snap_get(p, bytes);
}

static inline void snap_put(u8 *p, u32 bytes, u64 v)
{
	vmdev_snap_put(p, bytes, v);
}

/* A section as read from a blob; data points into it. */
struct snap_sec {
	u32 tag;
	u32 flags;
	u32 len;
	u32 id;
	const u8 *data;
};

/* FNV-1a 64 of the blob, its checksum field taken as zero. */
u64 vmdev_snap_csum(const u8 *blob, size_t len);

/* Digest of a register map: every field of every entry, little endian. */
u64 vmdev_snap_map_digest(const struct vmdev_rdev *dev);

/* Write a header / a section header at p. */
void vmdev_snap_put_hdr(u8 *p, u32 size, u32 kind, u32 nr_sec);
void vmdev_snap_put_sec(u8 *p, u32 tag, u32 len, u32 id);

/*
 * Check a blob's header (of kind) and its checksum: 0 and *nr_sec, or
 * -EBADMSG / -EPROTONOSUPPORT.
 */
int vmdev_snap_check_hdr(const u8 *blob, size_t len, u32 kind, u32 *nr_sec);

/*
 * The section at *pos, which then moves past it: 1, 0 at the end of the
 * blob, or -EBADMSG (truncated, non-zero padding) / -EPROTONOSUPPORT
 * (unknown section flags).
 */
int vmdev_snap_next_sec(const u8 *blob, size_t len, size_t *pos,
			struct snap_sec *sec);

#endif /* VMDEV_CORE_SNAPSHOT_FORMAT_H */
