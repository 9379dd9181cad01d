/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the snapshot front end (snapshot.c, snapshot_vm.c) shares. */
#ifndef VMDEV_SNAPSHOT_INTERNAL_H
#define VMDEV_SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <vmdev/snapshot.h>

int vmdev_snap_check_opts(const struct vmdev_snapshot_opts *opts);
/* One device in its vm's mode: bytes saved (buf NULL: the bound). */
int vmdev_snap_save_one(struct vmdev_regdev *rd, void *buf, size_t len);
/* One device in its vm's mode; check: validate only. */
int vmdev_snap_restore_one(struct vmdev_regdev *rd, const void *blob,
			   size_t len, bool check);

#endif /* VMDEV_SNAPSHOT_INTERNAL_H */
