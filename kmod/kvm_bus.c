// SPDX-License-Identifier: GPL-2.0
/*
 * Reaching kvm_io_bus_register_dev() and kvm_io_bus_unregister_dev(),
 * which kvm.ko does not export, without ever calling a wrong address.
 *
 * - Where: kmod/kvm-bus-offsets.sh reads, at build time, the distance
 *   from kvm_io_bus_write (exported) to each function in the kvm.ko of
 *   the very kernel the module is built for, after checking that this
 *   kvm.ko is the one the headers describe (the CRC of kvm_io_bus_write).
 *   Without such a kvm.ko level 3 is compiled out, with the reason.
 * - How: a direct jump to kvm_io_bus_write + distance. The relocation is
 *   against an exported symbol, and no indirect branch is taken: 6.12's
 *   IBT seals both functions (their ENDBR is poisoned at boot), so an
 *   indirect call to them would fault where IBT is enforced.
 * - Checked at load: the running kernel is the build the headers come
 *   from (uname -v), and each computed address is, per kallsyms, the
 *   start of the expected function, of the size found at build time, in
 *   module kvm. Modversions already pins the layout of struct kvm, which
 *   the CRCs of kvm_get_kvm and kvm_io_bus_write cover. Anything else:
 *   level 3 is off, and dmesg says why.
 *
 * Both functions swap KVM's bus array under kvm->slots_lock and wait
 * for KVM's SRCU: when unregister returns no vCPU is inside the device.
 * 6.12's unregister calls the device's destructor and 6.1's does not;
 * vmdev's devices have none and the module frees them itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <generated/utsversion.h>
#include <linux/kallsyms.h>
#include <linux/kvm_host.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/utsname.h>
#include <linux/vmdev.h>

#include "kvm_bus.h"
#include "objects.h"
#include "vmdev_kvm_bus.h"

static char *level3 = "auto";
module_param(level3, charp, 0444);
MODULE_PARM_DESC(level3,
		 "Fast path level 3, devices on KVM's I/O bus: auto (default: where the kernel is verified), on (refuse to load otherwise), off");

static u32 l3_state = VMDEV_L3_NOT_BUILT;

#if VMDEV_L3_BUILT
#define VMDEV_JMP(name, delta)						\
	".pushsection .text, \"ax\"\n"					\
	".globl " #name "\n"						\
	".type " #name ", @function\n"					\
	#name ":\n"							\
	"	jmp kvm_io_bus_write + " __stringify(delta) "\n"	\
	"	int3\n"							\
	".size " #name ", . - " #name "\n"				\
	".popsection\n"

asm(VMDEV_JMP(vmdev_kvm_bus_register_jmp, VMDEV_L3_REGISTER_DELTA));
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

/* kvm_io_bus_register_dev(), under the lock KVM requires. */
int vmdev_kvm_bus_register(struct kvm *kvm, enum kvm_bus idx, gpa_t addr,
			   int len, struct kvm_io_device *dev)
{
	int ret = -EOPNOTSUPP;

#if VMDEV_L3_BUILT
	if (l3_state == VMDEV_L3_READY) {
		mutex_lock(&kvm->slots_lock);
		ret = vmdev_kvm_bus_register_jmp(kvm, idx, addr, len, dev);
		mutex_unlock(&kvm->slots_lock);
		if (!ret)
			vmdev_obj_inc(VMDEV_OBJ_KVM_BUS_UPDATES);
	}
#endif
	return ret;
}

/*
 * kvm_io_bus_unregister_dev(). Whatever it returns, dev is then off the
 * bus (a failed shrink drops the whole bus) and no vCPU is inside it.
 */
void vmdev_kvm_bus_unregister(struct kvm *kvm, enum kvm_bus idx,
			      struct kvm_io_device *dev)
{
#if VMDEV_L3_BUILT
	mutex_lock(&kvm->slots_lock);
	vmdev_kvm_bus_unregister_jmp(kvm, idx, dev);
	mutex_unlock(&kvm->slots_lock);
	vmdev_obj_inc(VMDEV_OBJ_KVM_BUS_UPDATES);
#endif
}
