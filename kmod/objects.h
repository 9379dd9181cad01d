/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live objects of the module, by kind: counted where they are made and
 * freed, shown in debugfs (vmdev/objects), so that leak tests compare
 * counts rather than guess from slab totals.
 */
#ifndef VMDEV_OBJECTS_H
#define VMDEV_OBJECTS_H

enum vmdev_obj {
	VMDEV_OBJ_CONTEXTS,
	VMDEV_OBJ_DEVICES,
	VMDEV_OBJ_SINKS,	/* eventfds held to signal */
	VMDEV_OBJ_SOURCES,	/* eventfds held to listen to */
	VMDEV_OBJ_VMS,		/* KVM VMs held by contexts */
	VMDEV_OBJ_KVM_BUS,	/* devices on KVM's I/O bus (level 3) */
	VMDEV_OBJ_COUNT
};

void vmdev_obj_inc(enum vmdev_obj kind);
void vmdev_obj_dec(enum vmdev_obj kind);

void vmdev_objects_init(void);
void vmdev_objects_uninit(void);

#endif /* VMDEV_OBJECTS_H */
