/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmdev's generic netlink family: what vmdev.ko holds, seen from outside
 * the VMMs that hold it (contexts, their devices and counters), and the
 * events that keep a mirror of it up to date. The VMM's own interface
 * stays /dev/vmdev (linux/vmdev.h); this family only observes.
 *
 * Family name VMDEV_GENL_NAME, version VMDEV_GENL_VERSION, multicast
 * group VMDEV_GENL_MCGRP_EVENTS. Only the initial network namespace.
 *
 * Commands (every request and reply is a genl message of this family):
 *
 * VMDEV_CMD_GET_CTX
 *   doit:   VMDEV_A_CTX_ID (required)          -> one context
 *   dumpit: VMDEV_A_CTX_ID (optional)          -> every visible context,
 *                                                 or that one
 * VMDEV_CMD_GET_DEV
 *   doit:   VMDEV_A_CTX_ID, VMDEV_A_DEV_ID     -> one device
 *   dumpit: VMDEV_A_CTX_ID (optional: all contexts' devices otherwise)
 * VMDEV_CMD_GET_STATS
 *   doit:   VMDEV_A_CTX_ID, VMDEV_A_DEV_ID     -> one device's counters
 *   dumpit: VMDEV_A_CTX_ID (optional)          -> every device's counters
 *
 * A context message carries:
 *   VMDEV_A_CTX_ID: u32, the context's id (1.., not reused until wrap)
 *   VMDEV_A_CTX_PID: u32, thread group id of the opener (init pid ns)
 *   VMDEV_A_CTX_UID: u32, effective uid of the opener (init user ns)
 *   VMDEV_A_CTX_VM_BOUND: u8, 1 once a KVM VM is bound
 *   VMDEV_A_CTX_VM_ID: string, once bound: KVM's name of the VM, as in its
 *                      binary stats ("kvm-" and the creator's pid)
 *   VMDEV_A_CTX_LEVEL: u32, VMDEV_LEVEL_MODULE, or VMDEV_LEVEL_KVM_BUS once
 *                      attached to KVM's bus (linux/vmdev.h)
 *   VMDEV_A_CTX_L3_WINDOWS: u32, devices on KVM's I/O bus
 *   VMDEV_A_CTX_NR_DEVICES: u32
 *   VMDEV_A_CTX_NR_RANGES: u32
 *   VMDEV_A_CTX_UNCLAIMED: u64, accesses that hit no device
 *   VMDEV_A_CTX_STATS: nest, the sum of its devices' counters
 *       (VMDEV_STATS_A_*, below)
 *   VMDEV_A_CTX_GENERATION: u32, changes with every device add or remove
 *
 * A device message carries VMDEV_A_CTX_ID, VMDEV_A_DEV_ID (u32) and:
 *   VMDEV_A_DEV_NAME: string, as given at create (may be empty)
 *   VMDEV_A_DEV_NR_REGS: u32, registers of its map
 *   VMDEV_A_DEV_LEVEL: u32, VMDEV_LEVEL_KVM_BUS once its context is
 *                      attached to KVM's bus (a range KVM refused still
 *                      runs at level 1: VMDEV_GET_LEVEL is exact per
 *                      address), VMDEV_LEVEL_MODULE before, and
 *                      VMDEV_LEVEL_NONE for a device without ranges
 *   VMDEV_A_DEV_RANGES: nest
 *       VMDEV_A_RANGE: nest, one per range, in bus order
 *           VMDEV_RANGE_A_SPACE: u32, VMDEV_SPACE_*
 *           VMDEV_RANGE_A_BASE: u64
 *           VMDEV_RANGE_A_LEN: u64
 *
 * A counters message carries VMDEV_A_CTX_ID, VMDEV_A_DEV_ID and
 *   VMDEV_A_DEV_STATS: nest
 *       VMDEV_STATS_A_READS: u64, guest reads completed in the kernel
 *       VMDEV_STATS_A_WRITES: u64, guest writes completed in the kernel
 *       VMDEV_STATS_A_KVM_BUS: u64, of those, completed on KVM's bus
 *       VMDEV_STATS_A_SLOW: u64, accesses the device left to the VMM
 *       VMDEV_STATS_A_DOORBELLS: u64, doorbell rings
 *       VMDEV_STATS_A_IOEVENTFDS: u64, writes applied from ioeventfds
 *       VMDEV_STATS_A_IRQS_RAISED: u64, interrupt line assertions
 *       VMDEV_STATS_A_IRQS_LOWERED: u64, interrupt line deassertions
 *       VMDEV_STATS_A_IRQS_RESAMPLED: u64, re-fired after an EOI
 *
 * Events, multicast on "events" (VMDEV_A_CTX_ID in each):
 *   VMDEV_CMD_CTX_NEW, VMDEV_CMD_CTX_DEL: a context message (DEL: its
 *       devices are gone with it, no VMDEV_CMD_DEV_DEL follows)
 *   VMDEV_CMD_DEV_NEW: a device message; VMDEV_CMD_DEV_DEL,
 *       VMDEV_CMD_DEV_RESET: VMDEV_A_DEV_ID
 *   VMDEV_CMD_RANGE_NEW, VMDEV_CMD_RANGE_DEL: VMDEV_A_DEV_ID and one
 *       VMDEV_A_RANGE; each range of a device follows its DEV_NEW and
 *       precedes its DEV_DEL
 *   VMDEV_CMD_LEVEL: a context's level changed; a context message
 *
 * Permissions: anyone may query, but a caller without CAP_NET_ADMIN sees
 * only contexts opened with its own effective uid (a GET of another's
 * context fails with EPERM, dumps skip them). The events group needs
 * CAP_NET_ADMIN to join.
 *
 * Dumps are resumable: they continue after the last (context, device)
 * sent. A message whose header carries NLM_F_DUMP_INTR was built after
 * a context or device came or went during the dump: the dump is
 * complete for what stayed, and should be repeated for an exact copy.
 *
 * Attributes are validated strictly: a wrong type or length, or an
 * unknown attribute, fails the request with an extack message.
 */
#ifndef _UAPI_LINUX_VMDEV_NETLINK_H
#define _UAPI_LINUX_VMDEV_NETLINK_H

#define VMDEV_GENL_NAME		"vmdev"
#define VMDEV_GENL_VERSION	1
#define VMDEV_GENL_MCGRP_EVENTS	"events"

enum vmdev_cmd {
	VMDEV_CMD_UNSPEC,
	VMDEV_CMD_GET_CTX,
	VMDEV_CMD_GET_DEV,
	VMDEV_CMD_GET_STATS,
	VMDEV_CMD_CTX_NEW,
	VMDEV_CMD_CTX_DEL,
	VMDEV_CMD_DEV_NEW,
	VMDEV_CMD_DEV_DEL,
	VMDEV_CMD_DEV_RESET,
	VMDEV_CMD_RANGE_NEW,
	VMDEV_CMD_RANGE_DEL,
	VMDEV_CMD_LEVEL,
	__VMDEV_CMD_MAX
};

#define VMDEV_CMD_MAX (__VMDEV_CMD_MAX - 1)

enum vmdev_attr {
	VMDEV_A_UNSPEC,
	VMDEV_A_PAD,
	VMDEV_A_CTX_ID,
	VMDEV_A_CTX_PID,
	VMDEV_A_CTX_UID,
	VMDEV_A_CTX_VM_BOUND,
	VMDEV_A_CTX_LEVEL,
	VMDEV_A_CTX_L3_WINDOWS,
	VMDEV_A_CTX_NR_DEVICES,
	VMDEV_A_CTX_NR_RANGES,
	VMDEV_A_CTX_UNCLAIMED,
	VMDEV_A_CTX_STATS,
	VMDEV_A_CTX_GENERATION,
	VMDEV_A_DEV_ID,
	VMDEV_A_DEV_NAME,
	VMDEV_A_DEV_NR_REGS,
	VMDEV_A_DEV_LEVEL,
	VMDEV_A_DEV_RANGES,
	VMDEV_A_DEV_STATS,
	VMDEV_A_RANGE,
	VMDEV_A_CTX_VM_ID,
	__VMDEV_A_MAX
};

#define VMDEV_A_MAX (__VMDEV_A_MAX - 1)

enum vmdev_range_attr {
	VMDEV_RANGE_A_UNSPEC,
	VMDEV_RANGE_A_PAD,
	VMDEV_RANGE_A_SPACE,
	VMDEV_RANGE_A_BASE,
	VMDEV_RANGE_A_LEN,
	__VMDEV_RANGE_A_MAX
};

#define VMDEV_RANGE_A_MAX (__VMDEV_RANGE_A_MAX - 1)

enum vmdev_stats_attr {
	VMDEV_STATS_A_UNSPEC,
	VMDEV_STATS_A_PAD,
	VMDEV_STATS_A_READS,
	VMDEV_STATS_A_WRITES,
	VMDEV_STATS_A_KVM_BUS,
	VMDEV_STATS_A_SLOW,
	VMDEV_STATS_A_DOORBELLS,
	VMDEV_STATS_A_IOEVENTFDS,
	VMDEV_STATS_A_IRQS_RAISED,
	VMDEV_STATS_A_IRQS_LOWERED,
	VMDEV_STATS_A_IRQS_RESAMPLED,
	__VMDEV_STATS_A_MAX
};

#define VMDEV_STATS_A_MAX (__VMDEV_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_VMDEV_NETLINK_H */
