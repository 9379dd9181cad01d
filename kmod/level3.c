// SPDX-License-Identifier: GPL-2.0
/*
 * Level 3: once a context is attached to its KVM VM (VMDEV_KVM_ATTACH),
 * its register devices sit on the VM's own PIO and MMIO buses, so KVM
 * completes their accesses inside its exit handling: no return from
 * KVM_RUN, not even to the run loop.
 *
 * KVM's bus holds at most 1000 devices, ioeventfds included, and copies
 * its array and waits for SRCU on every change. So the context does not
 * put a KVM device per range: it covers its ranges with a few windows,
 * each one KVM device spanning neighbouring ranges of one space, and
 * dispatches inside with its own lookup (vmdev_dispatch_kvm(): the same
 * bus and register core as levels 0 to 2). A window stops short of any
 * other KVM device in between, and a range that overlaps one stays at
 * level 1: KVM's bus search assumes its devices do not nest. A device
 * added inside a window costs no KVM bus change at all, and whatever a
 * device's creation or destruction moves (windows added, widened,
 * split, dropped) is one update of KVM's buses (kvm_bus.c).
 *
 * What a window cannot complete (nothing mapped there, a TRAP register,
 * a hole that traps, an access straddling a range) returns -EOPNOTSUPP:
 * KVM then tries the next device that covers the address and, with no
 * taker, makes the ordinary exit with the access's data, which level 1
 * or the VMM handles exactly as without level 3.
 *
 * Windows change under the context's lock, after the context's own bus
 * is published: accesses see a new device as soon as KVM sees its
 * window, and a removed device is unpublished before its window leaves.
 * Each window reads the bus under RCU through its own copy of the bus
 * pointer, which every publish updates (vmdev_l3_publish()). A change
 * of windows replaces old ones by new ones at once, so a range that
 * stays is never without one; it waits for KVM's SRCU, after which no
 * vCPU is inside a window taken off, and the window is freed by the
 * module (never from a destructor: 6.12 calls it on unregister, 6.1
 * does not). An update that KVM has no room for (its bus full) leaves
 * the windows as they were, the new ranges at level 1.
 * A batch (VMDEV_BATCH) holds the windows while several devices come and
 * go, and moves them once at its end.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm_host.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmdev.h>

#include <kvm/iodev.h>

#include "context.h"
#include "dispatch.h"
#include "ioctl.h"
#include "kvm_bus.h"
#include "objects.h"
#include "uarg.h"
#include "vcpu.h"

/* KVM's ranges are ints; no window spans more than this. */
#define VMDEV_L3_MAX_LEN	SZ_1G

struct vmdev_l3_window {
	struct kvm_io_device iodev;
	struct vmdev_ctx *ctx;
	struct vmdev_bus bus;	/* a copy of ctx->bus: vmdev_l3_publish() */
	u32 space;
	u64 base;
	u64 end;
};

/* A window that vmdev_l3_sync() wants. */
struct vmdev_l3_span {
	u32 space;
	u64 base;
	u64 end;
};

static const struct kvm_io_device_ops window_ops;

static enum kvm_bus kvm_bus_of(u32 space)
{
	return space == VMDEV_SPACE_PIO ? KVM_PIO_BUS : KVM_MMIO_BUS;
}

static struct vmdev_l3_window *to_window(struct kvm_io_device *iodev)
{
	return container_of(iodev, struct vmdev_l3_window, iodev);
}

/* Guest data is little-endian on x86, as the core's low bytes. */
static VMDEV_HOT int window_read(struct kvm_vcpu *vcpu,
				 struct kvm_io_device *iodev, gpa_t addr,
				 int len, void *val)
{
	struct vmdev_l3_window *w = to_window(iodev);
	u64 data = 0;

	if (len <= 0 || len > sizeof(data) ||
	    !vmdev_dispatch_kvm(w->ctx, &w->bus, w->space, addr, len, false,
				&data))
		return -EOPNOTSUPP;
	memcpy(val, &data, len);
	return 0;
}

/*
 * Is there an ioeventfd at [addr, addr + len) on vcpu's bus? One added
 * inside a window after it (a doorbell, level 2) sorts after the window
 * when it starts past the window's base, and KVM offers the write to
 * the window first: the window lets it go on, so that the ioeventfd
 * sees every write it would see without level 3. In KVM's SRCU read
 * section, where KVM calls the window.
 */
static __always_inline bool ioeventfd_at(struct kvm_vcpu *vcpu,
					 struct vmdev_l3_window *w,
					 gpa_t addr, int len)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_io_bus *bus;
	gpa_t from = addr < 8 ? 0 : addr - 8;	/* ioeventfds: 8 bytes or less */
	int lo = 0, hi;

	bus = srcu_dereference(kvm->buses[kvm_bus_of(w->space)], &kvm->srcu);
	if (!bus || !bus->ioeventfd_count)
		return false;
	/* KVM's bus is sorted by address: the first entry from "from" on. */
	hi = bus->dev_count;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (bus->range[mid].addr < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < bus->dev_count && bus->range[lo].addr < addr + len; lo++) {
		const struct kvm_io_range *r = &bus->range[lo];

		if (r->dev->ops != &window_ops &&
		    r->addr + max(r->len, 1) > addr)
			return true;
	}
	return false;
}

static VMDEV_HOT int window_write(struct kvm_vcpu *vcpu,
				  struct kvm_io_device *iodev, gpa_t addr,
				  int len, const void *val)
{
	struct vmdev_l3_window *w = to_window(iodev);
	u64 data = 0;

	if (len <= 0 || len > sizeof(data) || ioeventfd_at(vcpu, w, addr, len))
		return -EOPNOTSUPP;
	memcpy(&data, val, len);
	if (!vmdev_dispatch_kvm(w->ctx, &w->bus, w->space, addr, len, true,
				&data))
		return -EOPNOTSUPP;
	return 0;
}

/* No destructor: the module frees its windows, on every kernel. */
static const struct kvm_io_device_ops window_ops = {
	.read = window_read,
	.write = window_write,
};

/*
 * The KVM devices of one bus that are not ctx's windows, walked beside
 * ctx's ranges of that space: both are sorted by address, so a sync costs
 * O(ranges + KVM devices), not their product (10,000 ranges against up
 * to 1000 KVM devices). Under kvm->slots_lock.
 */
struct foreign_walk {
	const struct vmdev_ctx *ctx;
	const struct kvm_io_bus *bus;	/* NULL: nothing there */
	int next;			/* first entry not taken yet */
	u64 max_end;			/* highest end of the entries taken */
};

static void walk_start(struct foreign_walk *w, struct vmdev_ctx *ctx,
		       struct kvm *kvm, u32 space)
{
	w->ctx = ctx;
	w->bus = kvm_get_bus(kvm, kvm_bus_of(space));
	w->next = 0;
	w->max_end = 0;
}

/*
 * Does a foreign KVM device intersect [from, to)? Successive calls must
 * not decrease to. Every entry starting before to is taken into max_end,
 * and an entry starting before to intersects iff it ends after from.
 */
static bool foreign(struct foreign_walk *w, u64 from, u64 to)
{
	while (w->bus && w->next < w->bus->dev_count &&
	       w->bus->range[w->next].addr < to) {
		const struct kvm_io_range *r = &w->bus->range[w->next++];

		if (r->dev->ops == &window_ops &&
		    to_window(r->dev)->ctx == w->ctx)
			continue;
		/* len 0 is an ioeventfd of any length at addr. */
		w->max_end = max_t(u64, w->max_end, r->addr + max(r->len, 1));
	}
	return from < to && w->max_end > from;
}

/*
 * The windows the bus wants: neighbouring ranges of a space merged while
 * no other KVM device lies between them; up to VMDEV_L3_MAX_WINDOWS, the
 * ranges past that at level 1. Returns the number of spans.
 */
static u32 wanted_spans(struct vmdev_ctx *ctx, struct kvm *kvm,
			const struct vmdev_bus_table *t,
			struct vmdev_l3_span *spans)
{
	struct vmdev_l3_span *last = NULL;
	struct foreign_walk w;
	u32 i, nr = 0;
	bool gap;

	mutex_lock(&kvm->slots_lock);
	for (i = 0; t && i < t->nr; i++) {
		const struct vmdev_bus_range *r = &t->ranges[i];
		u64 end = r->base + r->len;

		if (!i || r->space != t->ranges[i - 1].space)
			walk_start(&w, ctx, kvm, r->space);
		/* The gap first: the walk goes up in address. */
		gap = !last || last->space != r->space ||
		      foreign(&w, last->end, r->base);
		if (r->len > VMDEV_L3_MAX_LEN || foreign(&w, r->base, end))
			continue;
		if (!gap && end - last->base <= VMDEV_L3_MAX_LEN) {
			last->end = end;
			continue;
		}
		if (nr == VMDEV_L3_MAX_WINDOWS)
			break;
		last = &spans[nr++];
		last->space = r->space;
		last->base = r->base;
		last->end = end;
	}
	mutex_unlock(&kvm->slots_lock);
	return nr;
}

static bool same_span(const struct vmdev_l3_window *w,
		      const struct vmdev_l3_span *s)
{
	return w->space == s->space && w->base == s->base && w->end == s->end;
}

/* A new window for s, not on KVM's bus yet, or NULL. */
static struct vmdev_l3_window *window_new(struct vmdev_ctx *ctx,
					  const struct vmdev_l3_span *s)
{
	struct vmdev_l3_window *w;

	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return NULL;
	kvm_iodevice_init(&w->iodev, &window_ops);
	w->ctx = ctx;
	RCU_INIT_POINTER(w->bus.table,
			 rcu_dereference_protected(ctx->bus.table,
						   lockdep_is_held(&ctx->lock)));
	w->space = s->space;
	w->base = s->base;
	w->end = s->end;
	return w;
}

/* The window of win[0..nr) that is exactly s, or NULL. */
static struct vmdev_l3_window *find_kept(struct vmdev_l3_window **win, u32 nr,
					 const struct vmdev_l3_span *s)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (win[i] && same_span(win[i], s))
			return win[i];
	}
	return NULL;
}

static bool is_in(struct vmdev_l3_window **win, u32 nr,
		  const struct vmdev_l3_window *w)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (win[i] == w)
			return true;
	}
	return false;
}

/*
 * One change of a context's windows, made to KVM's buses in one update
 * (vmdev_kvm_bus_apply()): per space, the windows put on and taken off.
 */
struct l3_change {
	struct vmdev_l3_span spans[VMDEV_L3_MAX_WINDOWS];
	struct vmdev_l3_window *next[VMDEV_L3_MAX_WINDOWS];
	u32 nr_next;
	struct kvm_io_device *del[VMDEV_KVM_EDIT_BUSES][VMDEV_L3_MAX_WINDOWS];
	struct kvm_io_range add[VMDEV_KVM_EDIT_BUSES][VMDEV_L3_MAX_WINDOWS];
	struct vmdev_kvm_bus_edit edit[VMDEV_KVM_EDIT_BUSES];
};

static void change_init(struct l3_change *c)
{
	u32 s;

	/* Indexed by space: VMDEV_SPACE_PIO and VMDEV_SPACE_MMIO, 0 and 1. */
	for (s = 0; s < VMDEV_KVM_EDIT_BUSES; s++) {
		c->edit[s].idx = kvm_bus_of(s);
		c->edit[s].del = c->del[s];
		c->edit[s].add = c->add[s];
	}
}

static void change_del(struct l3_change *c, struct vmdev_l3_window *w)
{
	struct vmdev_kvm_bus_edit *e = &c->edit[w->space];

	c->del[w->space][e->nr_del++] = &w->iodev;
}

static void change_add(struct l3_change *c, struct vmdev_l3_window *w)
{
	struct vmdev_kvm_bus_edit *e = &c->edit[w->space];

	c->add[w->space][e->nr_add++] = (struct kvm_io_range){
		.addr = w->base, .len = w->end - w->base, .dev = &w->iodev,
	};
}

/*
 * The change from l3's windows to those of spans: windows that stay
 * are kept (never off KVM's bus meanwhile), the others replaced.
 */
static void change_plan(struct l3_change *c, struct vmdev_ctx *ctx, u32 nr)
{
	struct vmdev_l3 *l3 = &ctx->l3;
	struct vmdev_l3_window *w;
	u32 i;

	for (i = 0; i < nr; i++) {
		w = find_kept(l3->win, l3->nr, &c->spans[i]);
		if (!w) {
			w = window_new(ctx, &c->spans[i]);
			if (!w)
				continue;	/* its ranges stay at level 1 */
			change_add(c, w);
		}
		c->next[c->nr_next++] = w;
	}
	for (i = 0; i < l3->nr; i++) {
		if (!is_in(c->next, c->nr_next, l3->win[i]))
			change_del(c, l3->win[i]);
	}
}

/*
 * Make the windows cover the context's bus as it now is, in one update
 * of KVM's buses whatever moves (no update when nothing does). If KVM
 * refuses it (no room, no memory), the windows stay as they were:
 * still correct, with the ranges outside them at level 1. Under the
 * context's lock, after the bus was published.
 */
void vmdev_l3_sync(struct vmdev_ctx *ctx)
{
	struct vmdev_l3 *l3 = &ctx->l3;
	struct l3_change *c;
	u32 i, nr;
	int ret;

	lockdep_assert_held(&ctx->lock);
	if (!l3->attached)
		return;
	if (l3->held) {
		l3->stale = true;	/* VMDEV_BATCH_END syncs */
		return;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return;		/* the old windows stay: still correct */
	change_init(c);
	nr = wanted_spans(ctx, ctx->vm.kvm,
			  rcu_dereference_protected(ctx->bus.table,
						    lockdep_is_held(&ctx->lock)),
			  c->spans);
	change_plan(c, ctx, nr);
	ret = vmdev_kvm_bus_apply(ctx->vm.kvm, c->edit, VMDEV_KVM_EDIT_BUSES);
	for (i = 0; i < c->nr_next; i++) {
		struct vmdev_l3_window *w = c->next[i];

		if (is_in(l3->win, l3->nr, w))
			continue;
		if (ret)
			kfree(w);	/* never on KVM's bus */
		else
			vmdev_obj_inc(VMDEV_OBJ_KVM_BUS);
	}
	if (!ret) {
		/* Off KVM's bus, and no vCPU inside any more. */
		for (i = 0; i < l3->nr; i++) {
			if (is_in(c->next, c->nr_next, l3->win[i]))
				continue;
			kfree(l3->win[i]);
			vmdev_obj_dec(VMDEV_OBJ_KVM_BUS);
		}
		memcpy(l3->win, c->next, c->nr_next * sizeof(*c->next));
		l3->nr = c->nr_next;
	}
	kfree(c);
}

/*
 * The context's bus now holds table: so do its windows' copies. Called
 * by publish(), under the context's lock, before the old table's grace
 * period starts, so a window's access sees the old table or the new one
 * and either stays valid until the access ends. The copy saves each
 * access the first touch of the context's memory (fast-path.rst, "What
 * level 3 costs"). Windows being created copy the table themselves.
 */
void vmdev_l3_publish(struct vmdev_ctx *ctx, struct vmdev_bus_table *table)
{
	struct vmdev_l3 *l3 = &ctx->l3;
	u32 i;

	lockdep_assert_held(&ctx->lock);
	for (i = 0; i < l3->nr; i++)
		rcu_assign_pointer(l3->win[i]->bus.table, table);
}

/*
 * Take every window off KVM's bus: the context is going away. In one
 * update; if memory is too short for it, one by one through KVM's own
 * unregister, which cannot fail to take a device off.
 */
void vmdev_l3_detach(struct vmdev_ctx *ctx)
{
	struct kvm_io_device *del[VMDEV_KVM_EDIT_BUSES][VMDEV_L3_MAX_WINDOWS];
	struct vmdev_kvm_bus_edit e[VMDEV_KVM_EDIT_BUSES] = {};
	struct vmdev_l3 *l3 = &ctx->l3;
	struct vmdev_l3_window *w;
	u32 i, s;

	if (!l3->nr)
		goto out;
	for (s = 0; s < VMDEV_KVM_EDIT_BUSES; s++) {
		e[s].idx = kvm_bus_of(s);
		e[s].del = del[s];
	}
	for (i = 0; i < l3->nr; i++) {
		w = l3->win[i];
		del[w->space][e[w->space].nr_del++] = &w->iodev;
	}
	if (vmdev_kvm_bus_apply(ctx->vm.kvm, e, VMDEV_KVM_EDIT_BUSES)) {
		for (i = 0; i < l3->nr; i++)
			vmdev_kvm_bus_unregister(ctx->vm.kvm,
						 kvm_bus_of(l3->win[i]->space),
						 &l3->win[i]->iodev);
	}
	for (i = 0; i < l3->nr; i++) {
		kfree(l3->win[i]);
		vmdev_obj_dec(VMDEV_OBJ_KVM_BUS);
	}
	l3->nr = 0;
out:
	l3->attached = false;
}

/*
 * KVM creates a VM's file as an anonymous inode named "kvm-vm", with
 * file operations that have an ioctl and a release but nothing to read,
 * write or map (unlike a vCPU or /dev/kvm), owned by a KVM module or by
 * nobody. KVM does not export its file operations, so these checks, and
 * the VM's address space being the caller's, are what identifies it.
 */
static bool is_kvm_vm(struct file *file)
{
	const struct file_operations *fops = file->f_op;

	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strcmp(file_dentry(file)->d_name.name, "kvm-vm") &&
	       fops->unlocked_ioctl && fops->release && !fops->mmap &&
	       !fops->read && !fops->write && file->private_data &&
	       vmdev_kvm_owner(fops->owner);
}

static int attach(struct vmdev_ctx *ctx, struct file *file)
{
	struct kvm *kvm;
	int ret;

	if (!is_kvm_vm(file))
		return -EINVAL;
	kvm = file->private_data;
	if (kvm->mm != current->mm)
		return -EPERM;
	mutex_lock(&ctx->lock);
	ret = vmdev_vm_bind_locked(&ctx->vm, kvm, file->f_op->owner);
	if (!ret && !ctx->l3.attached) {
		ctx->l3.attached = true;
		vmdev_l3_sync(ctx);
		vmdev_nl_level(ctx);
	}
	mutex_unlock(&ctx->lock);
	return ret;
}

long vmdev_ioctl_kvm_attach(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_kvm_attach arg;
	struct file *file;
	int ret;

	ret = vmdev_uarg_get(&arg, offsetofend(struct vmdev_kvm_attach, pad),
			     uarg);
	if (ret)
		return ret;
	if (arg.flags || arg.pad)
		return -EINVAL;
	if (vmdev_kvm_bus_state() != VMDEV_L3_READY)
		return -EOPNOTSUPP;
	file = fget(arg.vm_fd);
	if (!file)
		return -EBADF;
	ret = attach(ctx, file);
	fput(file);
	return ret;
}

/* The level an access to addr runs at, under the context's lock. */
static u32 level_of(struct vmdev_ctx *ctx, u32 space, u64 addr)
{
	const struct vmdev_bus_range *r;
	u32 i, level = VMDEV_LEVEL_NONE;

	rcu_read_lock();
	r = vmdev_bus_find(&ctx->bus, space, addr, 1);
	if (!IS_ERR_OR_NULL(r))
		level = VMDEV_LEVEL_MODULE;
	rcu_read_unlock();
	for (i = 0; level && i < ctx->l3.nr; i++) {
		const struct vmdev_l3_window *w = ctx->l3.win[i];

		if (w->space == space && addr >= w->base && addr < w->end)
			level = VMDEV_LEVEL_KVM_BUS;
	}
	return level;
}

long vmdev_ioctl_get_level(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_level arg;
	int ret;

	ret = vmdev_uarg_get(&arg, offsetofend(struct vmdev_level, windows),
			     uarg);
	if (ret)
		return ret;
	if (arg.level || arg.l3_state || arg.attached || arg.windows ||
	    vmdev_bus_check_extent(arg.space, arg.addr, 1))
		return -EINVAL;
	mutex_lock(&ctx->lock);
	arg.level = level_of(ctx, arg.space, arg.addr);
	arg.attached = ctx->l3.attached;
	arg.windows = ctx->l3.nr;
	mutex_unlock(&ctx->lock);
	arg.l3_state = vmdev_kvm_bus_state();
	return vmdev_uarg_put(uarg, &arg);
}

/*
 * Several devices created or destroyed one by one would each move the
 * windows, one copy of KVM's bus array and one SRCU wait apiece: a
 * batch holds the windows while they come and go, and its end moves
 * them once. Holding is always safe: a window serves whatever the
 * context's bus says now, and an address it no longer finds falls
 * through to an ordinary exit.
 */
static int batch(struct vmdev_ctx *ctx, u32 op)
{
	struct vmdev_l3 *l3 = &ctx->l3;
	int ret = 0;

	mutex_lock(&ctx->lock);
	if (op == VMDEV_BATCH_BEGIN && l3->held) {
		ret = -EBUSY;
	} else if (op == VMDEV_BATCH_BEGIN) {
		l3->held = true;
	} else if (!l3->held) {
		ret = -EINVAL;		/* no batch to end */
	} else {
		l3->held = false;
		if (l3->stale) {
			l3->stale = false;
			vmdev_l3_sync(ctx);
		}
	}
	mutex_unlock(&ctx->lock);
	return ret;
}

long vmdev_ioctl_batch(struct vmdev_ctx *ctx, void __user *uarg)
{
	struct vmdev_batch arg;
	int ret;

	ret = vmdev_uarg_get(&arg, offsetofend(struct vmdev_batch, pad), uarg);
	if (ret)
		return ret;
	if (arg.flags || arg.pad ||
	    (arg.op != VMDEV_BATCH_BEGIN && arg.op != VMDEV_BATCH_END))
		return -EINVAL;
	return batch(ctx, arg.op);
}
