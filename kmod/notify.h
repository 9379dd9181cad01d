/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device does after an operation, outside its lock: count and
 * deliver interrupt line changes and doorbell rings.
 */
#ifndef VMDEV_NOTIFY_H
#define VMDEV_NOTIFY_H

#include "regdev.h"

struct vmdev_device;

void vmdev_notify(struct vmdev_device *dev,
		  const struct vmdev_rdev_events *ev);

#endif /* VMDEV_NOTIFY_H */
