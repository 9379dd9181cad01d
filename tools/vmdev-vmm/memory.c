// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Guest RAM: one anonymous mapping at guest-physical 0, one KVM memory
 * slot, and the e820 map the kernel learns it from. RAM stays below
 * 3 GiB (args.c), so the map is the PC's: low memory up to the EBDA,
 * the legacy hole (VGA, option ROMs, BIOS) reserved, then everything
 * from 1 MiB on.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <asm/bootparam.h>
#include <linux/kvm.h>

#include "vmm.h"
#include "layout.h"

int vmm_memory_init(struct vmm *vmm)
{
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = vmm->args.mem_size,
	};
	void *mem;

	/* Pages are only touched when the guest uses them. */
	mem = mmap(NULL, vmm->args.mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		vmm_err("cannot map %llu MiB of guest memory: %s",
			(unsigned long long)(vmm->args.mem_size >> 20),
			strerror(errno));
		return -errno;
	}
	slot.userspace_addr = (uintptr_t)mem;
	if (ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot)) {
		int ret = -errno;

		vmm_err("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		munmap(mem, vmm->args.mem_size);
		return ret;
	}
	vmm->mem = mem;
	vmm->mem_size = vmm->args.mem_size;
	return 0;
}

void vmm_memory_fini(struct vmm *vmm)
{
	if (vmm->mem)
		munmap(vmm->mem, vmm->mem_size);
	vmm->mem = NULL;
}

/* The host address of [gpa, gpa + len), or NULL if it is not all RAM. */
void *vmm_gpa(struct vmm *vmm, uint64_t gpa, uint64_t len)
{
	if (gpa > vmm->mem_size || len > vmm->mem_size - gpa)
		return NULL;
	return vmm->mem + gpa;
}

unsigned int vmm_e820(const struct vmm *vmm, struct boot_e820_entry *tab,
		      unsigned int max)
{
	const struct boot_e820_entry map[] = {
		{ .addr = 0, .size = LAYOUT_EBDA, .type = E820_TYPE_RAM },
		{ .addr = LAYOUT_EBDA, .size = LAYOUT_HIGH_MEM - LAYOUT_EBDA,
		  .type = E820_TYPE_RESERVED },
		{ .addr = LAYOUT_HIGH_MEM,
		  .size = vmm->mem_size - LAYOUT_HIGH_MEM,
		  .type = E820_TYPE_RAM },
	};
	unsigned int i, n = sizeof(map) / sizeof(map[0]);

	for (i = 0; i < n && i < max; i++)
		tab[i] = map[i];
	return i;
}
