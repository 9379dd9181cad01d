// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The vm's device side for its snapshots: every range of its I/O
 * manager with the device that owns it, a register device of the vm
 * (by creation number) or a userspace device, which is keyed by where
 * it sits: the index of its first range in the layout, that is the
 * space and base of its lowest range (PIO before MMIO). A layout is
 * written only when a userspace device holds a range, so that the blob
 * of a vm of register devices alone stays what libvmdev 0.2.0 wrote.
 */
#include <stdlib.h>

#include "base/internal.h"
#include "io/device.h"
#include "snapshot.h"
#include "snapshot_internal.h"
#include "vm_internal.h"

struct by_dev {
	const void *dev;
	size_t i;			/* a range's index */
	const struct vmdev_regdev *rd;	/* or the register device */
};

static int cmp_dev(const void *a, const void *b)
{
	const struct by_dev *x = a, *y = b;

	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

/* By device, then by index: the first of a device's ranges leads. */
static int cmp_dev_index(const void *a, const void *b)
{
	const struct by_dev *x = a, *y = b;
	int c = cmp_dev(a, b);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

/* Register devices of the vm, sorted by their I/O device; or NULL. */
static struct by_dev *regdevs_by_iodev(const struct vmdev_vm *vm, size_t *nr)
{
	const struct vmdev_regdev *rd;
	struct by_dev *v;
	size_t n = 0;

	for (rd = vm->snap_devs; rd; rd = rd->snap_next)
		n++;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (rd = vm->snap_devs; rd; rd = rd->snap_next, n++)
		v[n] = (struct by_dev){ .dev = rd->iodev, .rd = rd };
	qsort(v, n, sizeof(*v), cmp_dev);
	*nr = n;
	return v;
}

static int own_regdevs(struct vm_snap *s)
{
	struct by_dev key = { 0 }, *rds, *hit;
	size_t i, nr = 0;

	rds = regdevs_by_iodev(s->vm, &nr);
	if (!rds)
		return -ENOMEM;
	for (i = 0; i < s->io->nr; i++) {
		key.dev = s->io->r[i].dev;
		hit = bsearch(&key, rds, nr, sizeof(key), cmp_dev);
		s->kind[i] = hit ? SNAP_OWNER_REGDEV : SNAP_OWNER_USERDEV;
		s->owner[i] = hit ? hit->rd->snap_id : 0;
	}
	free(rds);
	return 0;
}

/* Each userspace device's ranges own the index of its first one. */
static int own_userdevs(struct vm_snap *s)
{
	struct by_dev *v;
	size_t i, n = 0, lead = 0;

	v = calloc(s->io->nr ? s->io->nr : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < s->io->nr; i++)
		if (s->kind[i] == SNAP_OWNER_USERDEV)
			v[n++] = (struct by_dev){ .dev = s->io->r[i].dev, .i = i };
	qsort(v, n, sizeof(*v), cmp_dev_index);
	for (i = 0; i < n; i++) {
		if (!i || v[i].dev != v[i - 1].dev) {
			lead = v[i].i;
			if (vmdev_device_has_state(s->io->r[lead].dev))
				s->nr_stateful++;
		}
		s->owner[v[i].i] = (uint32_t)lead;
	}
	s->has_user = n > 0;
	free(v);
	return 0;
}

int vm_snap_open(struct vm_snap *s, struct vmdev_vm *vm)
{
	int ret;

	s->vm = vm;
	ret = vmdev_io_layout_get(vm->io, &s->io);
	if (ret)
		return ret;
	s->kind = calloc(s->io->nr ? s->io->nr : 1, sizeof(*s->kind));
	s->owner = calloc(s->io->nr ? s->io->nr : 1, sizeof(*s->owner));
	if (!s->kind || !s->owner)
		return -ENOMEM;
	ret = own_regdevs(s);
	return ret ? ret : own_userdevs(s);
}

void vm_snap_close(struct vm_snap *s)
{
	vmdev_io_layout_put(s->io);
	free(s->kind);
	free(s->owner);
	vmdev_res_image_free(s->img);
}

size_t vm_snap_layout_len(const struct vm_snap *s)
{
	return s->has_user ? SNAP_LAYOUT_HEAD + s->io->nr * SNAP_LAYOUT_REC :
			     0;
}

/* Record: base (8), size (8), space (1), owner kind (1), 0 (2), owner. */
void vm_snap_layout_put(const struct vm_snap *s, uint8_t *p)
{
	const struct vmdev_io_layout_range *r;
	size_t i;

	memset(p, 0, vm_snap_layout_len(s));
	vmdev_snap_put(p, 4, s->io->nr);
	for (i = 0, p += SNAP_LAYOUT_HEAD; i < s->io->nr;
	     i++, p += SNAP_LAYOUT_REC) {
		r = &s->io->r[i];
		vmdev_snap_put(p, 8, r->base);
		vmdev_snap_put(p + 8, 8, r->size);
		vmdev_snap_put(p + 16, 1, r->space);
		vmdev_snap_put(p + 17, 1, s->kind[i]);
		vmdev_snap_put(p + 20, 4, s->owner[i]);
	}
}

/*
 * Well formed first (the count and the zero fields), then the same
 * bytes as this vm's own layout would be.
 */
int vm_snap_layout_check(const struct vm_snap *s, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t *mine;
	size_t i, nr;
	int ret;

	if (len < SNAP_LAYOUT_HEAD || vmdev_snap_get(b + 4, 4))
		return -EBADMSG;
	nr = vmdev_snap_get(b, 4);
	if ((len - SNAP_LAYOUT_HEAD) / SNAP_LAYOUT_REC != nr ||
	    (len - SNAP_LAYOUT_HEAD) % SNAP_LAYOUT_REC)
		return -EBADMSG;
	for (i = 0; i < nr; i++)
		if (vmdev_snap_get(b + SNAP_LAYOUT_HEAD +
				   i * SNAP_LAYOUT_REC + 18, 2))
			return -EBADMSG;
	if (len != vm_snap_layout_len(s))
		return -EMEDIUMTYPE;
	mine = malloc(len);
	if (!mine)
		return -ENOMEM;
	vm_snap_layout_put(s, mine);
	ret = memcmp(mine, b, len) ? -EMEDIUMTYPE : 0;
	free(mine);
	return ret;
}

/* Is range i the first of a userspace device with state? */
static bool stateful_lead(const struct vm_snap *s, size_t i)
{
	return s->kind[i] == SNAP_OWNER_USERDEV && s->owner[i] == i &&
	       vmdev_device_has_state(s->io->r[i].dev);
}

long vm_snap_user_bound(const struct vm_snap *s)
{
	size_t i, need = 0;
	ssize_t n;

	for (i = 0; i < s->io->nr; i++) {
		if (!stateful_lead(s, i))
			continue;
		n = vmdev_device_save(s->io->r[i].dev, NULL, 0);
		if (n < 0)
			return n;
		if ((size_t)n > VMDEV_SNAPSHOT_MAX)
			return -E2BIG;
		need += VMDEV_SNAP_SEC_SIZE + ((size_t)n + 7) / 8 * 8;
		if (need > VMDEV_SNAPSHOT_MAX)
			return -E2BIG;
	}
	return (long)need;
}

long vm_snap_user_save(const struct vm_snap *s, uint8_t *buf, size_t len,
		       size_t pos, uint32_t *nr_sec)
{
	size_t i, room, padded;
	uint8_t *p;
	ssize_t n;

	for (i = 0; i < s->io->nr; i++) {
		if (!stateful_lead(s, i))
			continue;
		if (len - pos < VMDEV_SNAP_SEC_SIZE)
			return -ENOSPC;
		p = buf + pos;
		room = len - pos - VMDEV_SNAP_SEC_SIZE;
		n = vmdev_device_save(s->io->r[i].dev, p + VMDEV_SNAP_SEC_SIZE,
				      room);
		if (n < 0)
			return n;
		padded = ((size_t)n + 7) / 8 * 8;
		if (padded > room)
			return -ENOSPC;
		memset(p + VMDEV_SNAP_SEC_SIZE + n, 0, padded - (size_t)n);
		vmdev_snap_sec_put(p, VMDEV_SNAP_TAG_USERDEV, (uint32_t)n,
				   (uint32_t)i);
		pos += VMDEV_SNAP_SEC_SIZE + padded;
		++*nr_sec;
	}
	return (long)pos;
}

/*
 * Sections come by ascending key and the layout is checked equal, so
 * one walk pairs each section with the next device that has state.
 */
int vm_snap_user_restore(const struct vm_snap *s, const void *blob,
			 size_t len, bool check)
{
	size_t pos = VMDEV_SNAP_HDR_SIZE, i = 0;
	struct vmdev_snap_sec sec;
	unsigned int flags = check ? VMDEV_DEVICE_RESTORE_CHECK : 0;
	int ret;

	while ((ret = vmdev_snap_sec_next(blob, len, &pos, &sec)) > 0) {
		if (sec.tag != VMDEV_SNAP_TAG_USERDEV)
			continue;
		while (i < s->io->nr && !stateful_lead(s, i))
			i++;
		if (i >= s->io->nr || i != sec.id)
			return -EMEDIUMTYPE;
		ret = vmdev_device_restore(s->io->r[i].dev, sec.data, sec.len,
					   flags);
		if (ret)
			return ret;
		i++;
	}
	if (ret)
		return ret;
	while (i < s->io->nr && !stateful_lead(s, i))
		i++;
	return i < s->io->nr ? -EMEDIUMTYPE : 0;
}
