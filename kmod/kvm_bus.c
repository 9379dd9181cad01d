// SPDX-License-Identifier: GPL-2.0
/*
 * Changing KVM's own I/O buses (level 3), on kernels where that is
 * known to be safe, or not at all.
 *
 * KVM's kvm_io_bus_register_dev() and kvm_io_bus_unregister_dev() each
 * copy a bus's array, publish the copy and wait for KVM's SRCU: one
 * device, one update. vmdev changes its windows in batches (every
 * window of a context that a device's creation or destruction moves,
 * or all of them at once on close), so it makes the same change as
 * those functions do, once for the whole batch: under kvm->slots_lock,
 * a new array for each bus the batch touches, in KVM's order, with
 * KVM's limit; both published, then one synchronize_srcu_expedited(),
 * after which no vCPU is inside a device taken off; the old arrays
 * freed. KVM frees the arrays it finds with kfree(), as it frees its
 * own.
 *
 * That relies on struct kvm_io_bus and its rules being what the headers
 * and 6.1's and 6.12's kvm_main.c say, so level 3 is only ever used on a
 * kernel verified to be the very build vmdev.ko was made for:
 *
 * - At build time kmod/kvm-bus-offsets.sh reads, in the kvm.ko of that
 *   kernel, the distance from kvm_io_bus_write (exported) to
 *   kvm_io_bus_register_dev and kvm_io_bus_unregister_dev and their
 *   sizes, after checking that this kvm.ko is the one the headers
 *   describe (the CRC of kvm_io_bus_write). Without such a kvm.ko level
 *   3 is compiled out, with the reason.
 * - At load, the running kernel must be the build the headers come from
 *   (uname -v), and each function must be, per kallsyms, exactly where
 *   and as large as found at build time, in module kvm. Modversions
 *   already pins the layout of struct kvm and struct kvm_io_bus, which
 *   the CRCs of kvm_get_kvm and kvm_io_bus_write cover. Anything else:
 *   level 3 is off, and dmesg says why.
 *
 * The one exception: when a context closes and memory is too short for
 * the smaller arrays, its windows come off one by one through KVM's own
 * kvm_io_bus_unregister_dev() (reached below without an indirect call),
 * which deals with that shortage its own way (it drops the whole bus).
 *
 * vmdev's devices have no destructor (6.12's unregister calls it, 6.1's
 * does not; KVM calls it on the devices left at the VM's end) and the
 * module frees them itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <generated/utsversion.h>
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/kvm_host.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/utsname.h>
#include <linux/vmdev.h>

#include "kvm_bus.h"
#include "vmdev_kvm_bus.h"

static char *level3 = "auto";
module_param(level3, charp, 0444);
MODULE_PARM_DESC(level3,
		 "Fast path level 3, devices on KVM's I/O bus: auto (default: where the kernel is verified), on (refuse to load otherwise), off");

static u32 l3_state = VMDEV_L3_NOT_BUILT;

/*
 * Updates made to KVM's buses, each a copy of a bus array and an SRCU
 * wait: debugfs vmdev/kvm_bus_updates, for the tests of level 3's cost.
 */
static atomic_t bus_updates = ATOMIC_INIT(0);

void vmdev_kvm_bus_debugfs(struct dentry *dir)
{
	debugfs_create_atomic_t("kvm_bus_updates", 0400, dir, &bus_updates);
}

#if VMDEV_L3_BUILT
/*
 * kvm_io_bus_unregister_dev(), for the one case vmdev cannot make its
 * own update: closing a context when memory is too short for the
 * smaller array. A direct jump: the relocation is against an exported
 * symbol and no indirect branch is taken, which matters because 6.12's
 * IBT seals the function (its ENDBR is poisoned at boot).
 */
#define VMDEV_JMP(name, delta)						\
	".pushsection .text, \"ax\"\n"					\
	".globl " #name "\n"						\
	".type " #name ", @function\n"					\
	#name ":\n"							\
	"	jmp kvm_io_bus_write + " __stringify(delta) "\n"	\
	"	int3\n"							\
	".size " #name ", . - " #name "\n"				\
	".popsection\n"

asm(VMDEV_JMP(vmdev_kvm_bus_unregister_jmp, VMDEV_L3_UNREGISTER_DELTA));

/* Is addr, per kallsyms, the start of function name of kvm, of size? */
static bool is_function(unsigned long addr, const char *name,
			unsigned long size)
{
	char got[KSYM_SYMBOL_LEN], want[KSYM_SYMBOL_LEN];

	sprint_symbol(got, addr);
	snprintf(want, sizeof(want), "%s+%#lx/%#lx [kvm]", name, 0UL, size);
	if (!strcmp(got, want))
		return true;
	pr_warn("level 3: %s is \"%s\" in the running kernel, expected \"%s\"\n",
		name, got, want);
	return false;
}

/* NULL if the running kernel is the one verified at build, else why not. */
static const char *verify(void)
{
	unsigned long w = (unsigned long)kvm_io_bus_write;

	if (strcmp(init_utsname()->version, UTS_VERSION)) {
		pr_warn("level 3: running \"%s\", built for \"%s\"\n",
			init_utsname()->version, UTS_VERSION);
		return "the running kernel is not the build vmdev.ko was made for";
	}
	if (!is_function(w, "kvm_io_bus_write", VMDEV_L3_WRITE_SIZE) ||
	    !is_function(w + VMDEV_L3_REGISTER_DELTA, "kvm_io_bus_register_dev",
			 VMDEV_L3_REGISTER_SIZE) ||
	    !is_function(w + VMDEV_L3_UNREGISTER_DELTA,
			 "kvm_io_bus_unregister_dev", VMDEV_L3_UNREGISTER_SIZE))
		return "KVM's bus functions are not where the build found them";
	return NULL;
}
#else
static const char *verify(void)
{
	return VMDEV_L3_WHY;
}
#endif

/*
 * Decide, once at load, whether level 3 may be used: 0, or -EINVAL for a
 * bad parameter, or -ENOEXEC for level3=on on a kernel that fails.
 */
int vmdev_kvm_bus_init(void)
{
	const char *why;

	if (!strcmp(level3, "off")) {
		l3_state = VMDEV_L3_OFF;
		pr_info("level 3 (KVM's I/O bus): off (level3=off)\n");
		return 0;
	}
	if (strcmp(level3, "on") && strcmp(level3, "auto")) {
		pr_err("level3=%s: must be off, on or auto\n", level3);
		return -EINVAL;
	}
	why = verify();
	if (!why) {
		l3_state = VMDEV_L3_READY;
		pr_info("level 3 (KVM's I/O bus): available\n");
		return 0;
	}
	l3_state = VMDEV_L3_BUILT ? VMDEV_L3_UNVERIFIED : VMDEV_L3_NOT_BUILT;
	pr_info("level 3 (KVM's I/O bus): unavailable: %s; rebuild vmdev.ko against this kernel's headers and kvm.ko, or load with level3=off (Documentation/fast-path.rst)\n",
		why);
	return strcmp(level3, "on") ? 0 : -ENOEXEC;
}

/* VMDEV_L3_*: whether level 3 may be used. */
u32 vmdev_kvm_bus_state(void)
{
	return l3_state;
}

/*
 * KVM's order of a bus (kvm_io_bus_cmp() in virt/kvm/kvm_main.c, the
 * same on 6.1 and 6.12): by address; a range of length 0 (an ioeventfd
 * of any length) matches its address only.
 */
static int bus_cmp(const struct kvm_io_range *r1,
		   const struct kvm_io_range *r2)
{
	gpa_t addr1 = r1->addr, addr2 = r2->addr;

	if (addr1 < addr2)
		return -1;
	if (r2->len) {
		addr1 += r1->len;
		addr2 += r2->len;
	}
	return addr1 > addr2 ? 1 : 0;
}

static bool taken_off(const struct vmdev_kvm_bus_edit *e,
		      const struct kvm_io_device *dev)
{
	u32 i;

	for (i = 0; i < e->nr_del; i++) {
		if (e->del[i] == dev)
			return true;
	}
	return false;
}

/* Put r where kvm_io_bus_register_dev() would: before the first greater. */
static void bus_insert(struct kvm_io_bus *bus, const struct kvm_io_range *r)
{
	int i;

	for (i = 0; i < bus->dev_count; i++) {
		if (bus_cmp(&bus->range[i], r) > 0)
			break;
	}
	memmove(&bus->range[i + 1], &bus->range[i],
		(bus->dev_count - i) * sizeof(*r));
	bus->range[i] = *r;
	bus->dev_count++;
}

/*
 * The array that old becomes with e, or ERR_PTR(-ENOSPC) past KVM's
 * limit (ioeventfds are not counted, as in KVM), or ERR_PTR(-ENOMEM).
 */
static struct kvm_io_bus *bus_edited(const struct kvm_io_bus *old,
				     const struct vmdev_kvm_bus_edit *e)
{
	struct kvm_io_bus *bus;
	int i, count = old->dev_count + e->nr_add;
	u32 a;

	for (i = 0; i < old->dev_count; i++)
		count -= taken_off(e, old->range[i].dev);
	if (e->nr_add && count - old->ioeventfd_count > NR_IOBUS_DEVS)
		return ERR_PTR(-ENOSPC);
	bus = kmalloc(struct_size(bus, range, count), GFP_KERNEL_ACCOUNT);
	if (!bus)
		return ERR_PTR(-ENOMEM);
	bus->dev_count = 0;
	bus->ioeventfd_count = old->ioeventfd_count;
	for (i = 0; i < old->dev_count; i++) {
		if (!taken_off(e, old->range[i].dev))
			bus->range[bus->dev_count++] = old->range[i];
	}
	for (a = 0; a < e->nr_add; a++)
		bus_insert(bus, &e->add[a]);
	return bus;
}

/* Publish the new arrays, wait once for KVM's readers, free the old. */
static void bus_publish(struct kvm *kvm, const struct vmdev_kvm_bus_edit *e,
			u32 nr, struct kvm_io_bus **old, struct kvm_io_bus **new)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (new[i])
			rcu_assign_pointer(kvm->buses[e[i].idx], new[i]);
	}
	synchronize_srcu_expedited(&kvm->srcu);
	for (i = 0; i < nr; i++) {
		if (new[i])
			kfree(old[i]);
	}
	atomic_inc(&bus_updates);
}

/*
 * Make the changes e[0..nr) (one per bus, at most VMDEV_KVM_EDIT_BUSES)
 * to KVM's buses in one update, or none of them: 0, -ENOSPC (a bus
 * would pass KVM's limit), -ENOMEM (also when KVM dropped a bus that
 * devices are to be put on, after a failed shrink of its own), or
 * -EOPNOTSUPP (level 3 is not available). When it returns, no vCPU is
 * inside a device taken off.
 */
int vmdev_kvm_bus_apply(struct kvm *kvm, const struct vmdev_kvm_bus_edit *e,
			u32 nr)
{
	struct kvm_io_bus *old[VMDEV_KVM_EDIT_BUSES] = {};
	struct kvm_io_bus *new[VMDEV_KVM_EDIT_BUSES] = {};
	bool change = false;
	int ret = 0;
	u32 i;

	if (l3_state != VMDEV_L3_READY || nr > VMDEV_KVM_EDIT_BUSES)
		return -EOPNOTSUPP;
	mutex_lock(&kvm->slots_lock);
	for (i = 0; i < nr && !ret; i++) {
		if (!e[i].nr_add && !e[i].nr_del)
			continue;
		old[i] = kvm_get_bus(kvm, e[i].idx);
		if (!old[i]) {
			/* Gone: nothing of ours is on it any more. */
			ret = e[i].nr_add ? -ENOMEM : 0;
			continue;
		}
		new[i] = bus_edited(old[i], &e[i]);
		if (IS_ERR(new[i])) {
			ret = PTR_ERR(new[i]);
			new[i] = NULL;
		}
		change |= !!new[i];
	}
	if (!ret && change)
		bus_publish(kvm, e, nr, old, new);
	else
		for (i = 0; i < nr; i++)
			kfree(new[i]);
	mutex_unlock(&kvm->slots_lock);
	return ret;
}

/*
 * kvm_io_bus_unregister_dev(), for when vmdev_kvm_bus_apply() cannot
 * take devices off for want of memory. Whatever it returns, dev is then
 * off the bus (a failed shrink drops the whole bus) and no vCPU is
 * inside it.
 */
void vmdev_kvm_bus_unregister(struct kvm *kvm, enum kvm_bus idx,
			      struct kvm_io_device *dev)
{
#if VMDEV_L3_BUILT
	mutex_lock(&kvm->slots_lock);
	vmdev_kvm_bus_unregister_jmp(kvm, idx, dev);
	mutex_unlock(&kvm->slots_lock);
	atomic_inc(&bus_updates);
#endif
}
