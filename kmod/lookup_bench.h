/* SPDX-License-Identifier: GPL-2.0 */
/* The in-kernel lookup benchmark, a debugfs file (lookup_bench.c). */
#ifndef VMDEV_LOOKUP_BENCH_H
#define VMDEV_LOOKUP_BENCH_H

struct dentry;

void vmdev_lookup_bench_init(struct dentry *dir);

#endif /* VMDEV_LOOKUP_BENCH_H */
