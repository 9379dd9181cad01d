// SPDX-License-Identifier: GPL-2.0
/*
 * Object counters and their debugfs file, /sys/kernel/debug/vmdev/objects:
 * one "kind count" line per kind. Debugfs, not sysfs: the counts are for
 * tests and for whoever hunts a leak, not an ABI. Without debugfs the
 * module works the same, uncounted by anyone.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "kvm_bus.h"
#include "lookup_bench.h"
#include "objects.h"

static atomic_long_t vmdev_objs[VMDEV_OBJ_COUNT];

static const char *const vmdev_obj_names[VMDEV_OBJ_COUNT] = {
	[VMDEV_OBJ_CONTEXTS] = "contexts",
	[VMDEV_OBJ_DEVICES] = "devices",
	[VMDEV_OBJ_SINKS] = "sinks",
	[VMDEV_OBJ_SOURCES] = "sources",
	[VMDEV_OBJ_VMS] = "vms",
	[VMDEV_OBJ_KVM_BUS] = "kvm_bus_devices",
};

static struct dentry *vmdev_debugfs;

void vmdev_obj_inc(enum vmdev_obj kind)
{
	atomic_long_inc(&vmdev_objs[kind]);
}

void vmdev_obj_dec(enum vmdev_obj kind)
{
	atomic_long_dec(&vmdev_objs[kind]);
}

static int objects_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	for (i = 0; i < VMDEV_OBJ_COUNT; i++)
		seq_printf(m, "%s %ld\n", vmdev_obj_names[i],
			   atomic_long_read(&vmdev_objs[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objects);

/* Failures leave the module without the file, never without itself. */
void vmdev_objects_init(void)
{
	vmdev_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("objects", 0400, vmdev_debugfs, NULL,
			    &objects_fops);
	vmdev_lookup_bench_init(vmdev_debugfs);
	vmdev_kvm_bus_debugfs(vmdev_debugfs);
}

void vmdev_objects_uninit(void)
{
	debugfs_remove(vmdev_debugfs);
}
