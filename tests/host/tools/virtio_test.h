/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host tests of the reference VMM's virtio devices (virtio_*.c): its
 * sources, compiled into each test (they are not a library), and a fake
 * guest: a block of "guest RAM" the test owns and a minimal virtio 1.x
 * driver that lays out split rings in it and drives the transport's
 * registers through accessors, either the transport's slow path
 * directly or guest accesses on a VM's I/O manager.
 */
#ifndef VMDEV_TESTS_VIRTIO_TEST_H
#define VMDEV_TESTS_VIRTIO_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "../../../tools/vmdev-vmm/virtq.c"
#include "../../../tools/vmdev-vmm/virtio_mmio.c"
#include "../../../tools/vmdev-vmm/virtio_mmio_io.c"
#include "../../../tools/vmdev-vmm/virtio_mmio_snapshot.c"
#include "../../../tools/vmdev-vmm/blk.c"
#include "../../../tools/vmdev-vmm/rng.c"
#include "../../../tools/vmdev-vmm/devmgr.c"
#include "../../../tools/vmdev-vmm/devmgr_acpi.c"

/* Guest physical layout of the fake guest. */
#define VT_RAM_SIZE	0x100000ULL	/* 1 MiB */
#define VT_DESC		0x1000ULL
#define VT_AVAIL	0x2000ULL
#define VT_USED		0x3000ULL
#define VT_INDIRECT	0x4000ULL
#define VT_HDR		0x8000ULL	/* blk request header */
#define VT_STATUS	0x8100ULL	/* blk status byte */
#define VT_DATA		0x10000ULL	/* data buffers */
#define VT_QSIZE	16

#define VT_F(bit)	(1ULL << (bit))
#define VT_STATUS_LIVE	(uint32_t)(VIRTIO_CONFIG_S_ACKNOWLEDGE |\
			 VIRTIO_CONFIG_S_DRIVER |\
			 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

struct vt_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;		/* device-writable */
};

struct vt_drv {
	/* Register accessors of the device under test. */
	void *ctx;
	uint32_t (*rd)(void *ctx, uint64_t off);
	void (*wr)(void *ctx, uint64_t off, uint32_t v);
	struct virtio_mem mem;
	uint8_t *ram;
	uint16_t num;
	uint16_t avail_idx;
	uint16_t next_desc;
	uint16_t used_seen;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};

/* The transport's slow path as the accessors (no register device). */
static inline uint32_t vt_slow_rd(void *ctx, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	virtio_mmio_slow_read(ctx, VMDEV_MMIO, 0, off, &v, 4);
	return v;
}

static inline void vt_slow_wr(void *ctx, uint64_t off, uint32_t v)
{
	virtio_mmio_slow_write(ctx, VMDEV_MMIO, 0, off, &v, 4);
}

static inline int vt_mem_init(struct vt_drv *d)
{
	memset(d, 0, sizeof(*d));
	d->ram = mmap(NULL, VT_RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->ram == MAP_FAILED)
		return -errno;
	d->mem = (struct virtio_mem){ .host = d->ram, .size = VT_RAM_SIZE };
	d->desc = (void *)(d->ram + VT_DESC);
	d->avail = (void *)(d->ram + VT_AVAIL);
	d->used = (void *)(d->ram + VT_USED);
	return 0;
}

static inline void vt_mem_fini(struct vt_drv *d)
{
	if (d->ram && d->ram != MAP_FAILED)
		munmap(d->ram, VT_RAM_SIZE);
}

static inline uint64_t vt_device_features(struct vt_drv *d)
{
	uint64_t f;

	d->wr(d->ctx, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)d->rd(d->ctx, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	d->wr(d->ctx, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | d->rd(d->ctx, VIRTIO_MMIO_DEVICE_FEATURES);
}

/* Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK: the status read. */
static inline uint32_t vt_negotiate(struct vt_drv *d, uint64_t features)
{
	d->wr(d->ctx, VIRTIO_MMIO_STATUS, 0);
	d->wr(d->ctx, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	d->wr(d->ctx, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
					  VIRTIO_CONFIG_S_DRIVER);
	d->wr(d->ctx, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	d->wr(d->ctx, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
	d->wr(d->ctx, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	d->wr(d->ctx, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	d->wr(d->ctx, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
		      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	return d->rd(d->ctx, VIRTIO_MMIO_STATUS);
}

static inline void vt_queue_regs(struct vt_drv *d, uint32_t q, uint32_t num,
				 uint64_t desc, uint64_t avail, uint64_t used)
{
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_SEL, q);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_NUM, num);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_DESC_HIGH, desc >> 32);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, avail >> 32);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_USED_HIGH, used >> 32);
	d->wr(d->ctx, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* The whole driver bring-up of queue 0: the status read at the end. */
static inline uint32_t vt_start(struct vt_drv *d, uint64_t features)
{
	uint32_t s = vt_negotiate(d, features);

	memset(d->ram + VT_DESC, 0, VT_INDIRECT - VT_DESC);
	d->num = VT_QSIZE;
	d->avail_idx = d->next_desc = d->used_seen = 0;
	vt_queue_regs(d, 0, VT_QSIZE, VT_DESC, VT_AVAIL, VT_USED);
	d->wr(d->ctx, VIRTIO_MMIO_STATUS, s | VIRTIO_CONFIG_S_DRIVER_OK);
	return d->rd(d->ctx, VIRTIO_MMIO_STATUS);
}

/* Write a chain into table (n descriptors from index first). */
static inline void vt_fill(struct vring_desc *table, uint16_t first,
			   uint16_t size, const struct vt_seg *s, uint32_t n)
{
	uint32_t i;
	uint16_t idx;

	for (i = 0; i < n; i++) {
		idx = (first + i) % size;
		table[idx] = (struct vring_desc){
			.addr = s[i].gpa, .len = s[i].len,
			.flags = (s[i].write ? VRING_DESC_F_WRITE : 0) |
				 (i + 1 < n ? VRING_DESC_F_NEXT : 0),
			.next = (first + i + 1) % size,
		};
	}
}

/* Make head available to the device. */
static inline void vt_publish(struct vt_drv *d, uint16_t head)
{
	d->avail->ring[d->avail_idx % d->num] = head;
	d->avail_idx++;
	__atomic_store_n(&d->avail->idx, d->avail_idx, __ATOMIC_RELEASE);
}

/* A chain of direct descriptors; returns its head. */
static inline uint16_t vt_add(struct vt_drv *d, const struct vt_seg *s,
			      uint32_t n)
{
	uint16_t head = d->next_desc;

	vt_fill(d->desc, head, d->num, s, n);
	d->next_desc = (head + n) % d->num;
	vt_publish(d, head);
	return head;
}

/* One INDIRECT descriptor pointing to a table of the chain at VT_INDIRECT. */
static inline uint16_t vt_add_indirect(struct vt_drv *d,
				       const struct vt_seg *s, uint32_t n)
{
	uint16_t head = d->next_desc;

	vt_fill((struct vring_desc *)(d->ram + VT_INDIRECT), 0, n, s, n);
	d->desc[head] = (struct vring_desc){
		.addr = VT_INDIRECT, .len = n * sizeof(struct vring_desc),
		.flags = VRING_DESC_F_INDIRECT,
	};
	d->next_desc = (head + 1) % d->num;
	vt_publish(d, head);
	return head;
}

/* The next used element, if any. */
static inline bool vt_used(struct vt_drv *d, uint32_t *id, uint32_t *len)
{
	struct vring_used_elem *e;

	if (__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE) == d->used_seen)
		return false;
	e = &d->used->ring[d->used_seen++ % d->num];
	*id = e->id;
	*len = e->len;
	return true;
}

/* A blk request: header, one data buffer (if len), status. */
static inline uint16_t vt_blk_req(struct vt_drv *d, uint32_t type,
				  uint64_t sector, uint32_t len)
{
	struct virtio_blk_outhdr h = { .type = type, .sector = sector };
	struct vt_seg s[3] = {
		{ VT_HDR, sizeof(h), false },
		{ VT_DATA, len, type != VIRTIO_BLK_T_OUT },
		{ VT_STATUS, 1, true },
	};

	memcpy(d->ram + VT_HDR, &h, sizeof(h));
	d->ram[VT_STATUS] = 0xff;
	if (!len) {
		s[1] = s[2];
		return vt_add(d, s, 2);
	}
	return vt_add(d, s, 3);
}

#endif /* VMDEV_TESTS_VIRTIO_TEST_H */
