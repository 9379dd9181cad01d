/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmdev's tracepoints (events/vmdev/ in tracefs), the out-of-tree way:
 * this header is read again by define_trace.h from kmod/ (Kbuild puts
 * kmod/ on the include path), in trace.c only, with CREATE_TRACE_POINTS.
 * Disabled, each costs a static branch that is not taken.
 *
 * Contexts are named by their netlink id (VMDEV_A_CTX_ID), devices by
 * their id in the context; levels and spaces are the UAPI's values.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmdev

#if !defined(VMDEV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMDEV_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"

/* vmdev_slow.reason: why an access was left to the VMM. */
#define VMDEV_SLOW_UNCLAIMED	0	/* no device there */
#define VMDEV_SLOW_DEVICE	1	/* the device leaves it to the VMM */
#define VMDEV_SLOW_INVALID	2	/* straddles a range, or bad size */

#define vmdev_show_space(s)	__print_symbolic(s, { 0, "pio" }, { 1, "mmio" })

/* An access a register device completed in the kernel. */
TRACE_EVENT(vmdev_access,
	TP_PROTO(u32 ctx, u32 dev, u32 space, u64 addr, u32 len, bool write,
		 u64 value, u32 level),
	TP_ARGS(ctx, dev, space, addr, len, write, value, level),
	TP_STRUCT__entry(
		__field(u32, ctx)
		__field(u32, dev)
		__field(u32, space)
		__field(u32, len)
		__field(u64, addr)
		__field(u64, value)
		__field(bool, write)
		__field(u32, level)
	),
	TP_fast_assign(
		__entry->ctx = ctx;
		__entry->dev = dev;
		__entry->space = space;
		__entry->len = len;
		__entry->addr = addr;
		__entry->value = value;
		__entry->write = write;
		__entry->level = level;
	),
	TP_printk("ctx=%u dev=%u space=%s addr=%#llx len=%u dir=%s value=%#llx level=%u",
		  __entry->ctx, __entry->dev, vmdev_show_space(__entry->space),
		  __entry->addr, __entry->len,
		  __entry->write ? "write" : "read", __entry->value,
		  __entry->level)
);

/* An access left to the VMM (dev 0: none there). */
TRACE_EVENT(vmdev_slow,
	TP_PROTO(u32 ctx, u32 dev, u32 space, u64 addr, u32 len, bool write,
		 u32 reason),
	TP_ARGS(ctx, dev, space, addr, len, write, reason),
	TP_STRUCT__entry(
		__field(u32, ctx)
		__field(u32, dev)
		__field(u32, space)
		__field(u32, len)
		__field(u64, addr)
		__field(bool, write)
		__field(u32, reason)
	),
	TP_fast_assign(
		__entry->ctx = ctx;
		__entry->dev = dev;
		__entry->space = space;
		__entry->len = len;
		__entry->addr = addr;
		__entry->write = write;
		__entry->reason = reason;
	),
	TP_printk("ctx=%u dev=%u space=%s addr=%#llx len=%u dir=%s reason=%s",
		  __entry->ctx, __entry->dev, vmdev_show_space(__entry->space),
		  __entry->addr, __entry->len,
		  __entry->write ? "write" : "read",
		  __print_symbolic(__entry->reason,
				   { VMDEV_SLOW_UNCLAIMED, "unclaimed" },
				   { VMDEV_SLOW_DEVICE, "device" },
				   { VMDEV_SLOW_INVALID, "invalid" }))
);

/* VMDEV_RUN returns an exit to the VMM (exit_reason: KVM_EXIT_*). */
TRACE_EVENT(vmdev_exit_user,
	TP_PROTO(u32 ctx, u32 exit_reason, u64 exits),
	TP_ARGS(ctx, exit_reason, exits),
	TP_STRUCT__entry(
		__field(u32, ctx)
		__field(u32, exit_reason)
		__field(u64, exits)
	),
	TP_fast_assign(
		__entry->ctx = ctx;
		__entry->exit_reason = exit_reason;
		__entry->exits = exits;
	),
	TP_printk("ctx=%u exit_reason=%u completed_before=%llu",
		  __entry->ctx, __entry->exit_reason, __entry->exits)
);

/* An interrupt line of a device rose (raised) or fell. */
TRACE_EVENT(vmdev_irq,
	TP_PROTO(u32 ctx, u32 dev, u32 line, bool raised),
	TP_ARGS(ctx, dev, line, raised),
	TP_STRUCT__entry(
		__field(u32, ctx)
		__field(u32, dev)
		__field(u32, line)
		__field(bool, raised)
	),
	TP_fast_assign(
		__entry->ctx = ctx;
		__entry->dev = dev;
		__entry->line = line;
		__entry->raised = raised;
	),
	TP_printk("ctx=%u dev=%u line=%u %s", __entry->ctx, __entry->dev,
		  __entry->line, __entry->raised ? "raised" : "lowered")
);

/* An EOI came back on a level line's resample eventfd. */
TRACE_EVENT(vmdev_irq_resample,
	TP_PROTO(u32 ctx, u32 dev, u32 line, bool asserted),
	TP_ARGS(ctx, dev, line, asserted),
	TP_STRUCT__entry(
		__field(u32, ctx)
		__field(u32, dev)
		__field(u32, line)
		__field(bool, asserted)
	),
	TP_fast_assign(
		__entry->ctx = ctx;
		__entry->dev = dev;
		__entry->line = line;
		__entry->asserted = asserted;
	),
	TP_printk("ctx=%u dev=%u line=%u %s", __entry->ctx, __entry->dev,
		  __entry->line, __entry->asserted ? "refired" : "idle")
);

/* A doorbell register rang (slot: its doorbell slot). */
TRACE_EVENT(vmdev_doorbell,
	TP_PROTO(u32 ctx, u32 dev, u32 slot),
	TP_ARGS(ctx, dev, slot),
	TP_STRUCT__entry(
		__field(u32, ctx)
		__field(u32, dev)
		__field(u32, slot)
	),
	TP_fast_assign(
		__entry->ctx = ctx;
		__entry->dev = dev;
		__entry->slot = slot;
	),
	TP_printk("ctx=%u dev=%u slot=%u", __entry->ctx, __entry->dev,
		  __entry->slot)
);

DECLARE_EVENT_CLASS(vmdev_device_class,
	TP_PROTO(u32 ctx, u32 dev, const char *name, u32 nr_ranges),
	TP_ARGS(ctx, dev, name, nr_ranges),
	TP_STRUCT__entry(
		__field(u32, ctx)
		__field(u32, dev)
		__string(name, name)
		__field(u32, nr_ranges)
	),
	TP_fast_assign(
		__entry->ctx = ctx;
		__entry->dev = dev;
		vmdev_trace_assign_str(name, name);
		__entry->nr_ranges = nr_ranges;
	),
	TP_printk("ctx=%u dev=%u name=%s ranges=%u", __entry->ctx,
		  __entry->dev, __get_str(name), __entry->nr_ranges)
);

DEFINE_EVENT(vmdev_device_class, vmdev_device_create,
	TP_PROTO(u32 ctx, u32 dev, const char *name, u32 nr_ranges),
	TP_ARGS(ctx, dev, name, nr_ranges)
);

DEFINE_EVENT(vmdev_device_class, vmdev_device_destroy,
	TP_PROTO(u32 ctx, u32 dev, const char *name, u32 nr_ranges),
	TP_ARGS(ctx, dev, name, nr_ranges)
);

#endif /* VMDEV_TRACE_H */

/* define_trace.h reads this file again, by this name, from kmod/. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
