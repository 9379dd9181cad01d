/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the snapshot front end (snapshot*.c) shares. */
#ifndef VMDEV_SNAPSHOT_INTERNAL_H
#define VMDEV_SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <vmdev/allocator.h>
#include <vmdev/snapshot.h>

#include "io/io_layout.h"
#include "resource/res_snapshot.h"

struct vmdev_regdev;

/* opts: -EINVAL unless valid; resources: whether .resources may be set. */
int vmdev_snap_check_opts(const struct vmdev_snapshot_opts *opts,
			  bool resources);
/* One device in its vm's mode: bytes saved (buf NULL: the bound). */
int vmdev_snap_save_one(struct vmdev_regdev *rd, void *buf, size_t len);
/* One device in its vm's mode; check: validate only. */
int vmdev_snap_restore_one(struct vmdev_regdev *rd, const void *blob,
			   size_t len, bool check);

/* ---- The vm's layout and userspace devices (snapshot_layout.c) -------- */

/* Owners of a range in the LAYOUT section. */
#define SNAP_OWNER_REGDEV	1	/* owner: the creation number */
#define SNAP_OWNER_USERDEV	2	/* owner: index of its first range */

/* Bytes of the LAYOUT payload's head and of one record. */
#define SNAP_LAYOUT_HEAD	8
#define SNAP_LAYOUT_REC		24

/*
 * One vm's device side at one instant, under vm->lock: the I/O
 * manager's ranges, each with its owner, and the resource manager's
 * image when one was asked for.
 */
struct vm_snap {
	struct vmdev_vm *vm;
	struct vmdev_io_layout *io;
	uint8_t *kind;			/* per range: SNAP_OWNER_* */
	uint32_t *owner;		/* per range */
	bool has_user;			/* a userspace device's range */
	uint32_t nr_stateful;		/* userspace devices with callbacks */
	struct vmdev_resource_manager *res;
	struct vmdev_res_image *img;
};

/* 0 or -ENOMEM; vm_snap_close() in both cases. */
int vm_snap_open(struct vm_snap *s, struct vmdev_vm *vm);
void vm_snap_close(struct vm_snap *s);

/* The LAYOUT payload: its length (0: no section), and its bytes. */
size_t vm_snap_layout_len(const struct vm_snap *s);
void vm_snap_layout_put(const struct vm_snap *s, uint8_t *p);
/* The saved payload against this vm's: 0, -EBADMSG or -EMEDIUMTYPE. */
int vm_snap_layout_check(const struct vm_snap *s, const void *p,
			 size_t len);

/*
 * Userspace devices with state, by the index of their first range: the
 * bound of their USERDEV sections, their sections written at pos (the
 * next pos, or -errno), and a restore of every one (check: validate
 * only; -EMEDIUMTYPE for a section of no such device, or a device
 * without one).
 */
long vm_snap_user_bound(const struct vm_snap *s);
long vm_snap_user_save(const struct vm_snap *s, uint8_t *buf, size_t len,
		       size_t pos, uint32_t *nr_sec);
int vm_snap_user_restore(const struct vm_snap *s, const void *blob,
			 size_t len, bool check);

/* ---- Resource allocations (snapshot_res.c) ---------------------------- */

/* The RESOURCES payload of s->img: its length, and its bytes. */
size_t vm_snap_res_len(const struct vmdev_res_image *img);
void vm_snap_res_put(const struct vmdev_res_image *img, uint8_t *p);
/* Decode a payload: 0 and *out, -EBADMSG, -ENOMEM. */
int vm_snap_res_decode(const void *p, size_t len,
		       struct vmdev_res_image **out);

/* ---- The vm blob's sections (snapshot_blob.c) ------------------------- */

struct vm_blob {
	uint32_t nr_devs;		/* DEVICE sections */
	uint32_t nr_user;		/* USERDEV sections */
	const void *layout;		/* LAYOUT payload, or NULL */
	size_t layout_len;
	const void *res;		/* RESOURCES payload, or NULL */
	size_t res_len;
};

/*
 * Header, checksum and the sections' order: DEVICE sections by
 * ascending creation number, LAYOUT, USERDEV sections by ascending key,
 * RESOURCES; unknown ones skipped if OPTIONAL. 0, -EBADMSG or
 * -EPROTONOSUPPORT.
 */
int vm_blob_parse(const void *blob, size_t len, struct vm_blob *b);

#endif /* VMDEV_SNAPSHOT_INTERNAL_H */
