/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/vmdev: the misc device through which VMMs reach the module. */
#ifndef VMDEV_CHARDEV_H
#define VMDEV_CHARDEV_H

int vmdev_chardev_init(void);
void vmdev_chardev_uninit(void);

#endif /* VMDEV_CHARDEV_H */
