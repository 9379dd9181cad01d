// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The guest's marks: a byte the guest writes to port VMM_MARK_PORT says
 * where it is (l2/init: 1 when /init starts, 2 and 3 around a console
 * workload, 4 and 5 around a disk read). No device claims the port, so
 * the write is an exit that reaches the VMM in every mode (kernel, user,
 * level 3) at the moment the guest makes it: the VMM's clock, not the
 * guest's, times the phases between marks, and the counters of the exits
 * are taken at each mark (stats.c), the first one's kept as the boot's.
 * Each mark is one line on stderr:
 *
 *   vmdev-vmm: mark 1 at 10.734251 s: console 52 bytes out,
 *   233 exits to the VMM, 233 in userspace, 43888 in the kernel
 *
 * (one line in the output): the time since the first vCPU started, the
 * bytes the console had sent to stdout, the exits counted by --stats'
 * rules, and the vCPUs' own counts of PIO/MMIO exits completed in
 * userspace and in the kernel (vmdev.ko's run loop), all before this
 * mark's own exit. With --stats a second line follows, KVM's own counters
 * of vCPU 0 (kvmstats.c).
 */
#include <stdio.h>

#include "vmm.h"

void vmm_mark(struct vmm *vmm, uint8_t value)
{
	double t = vmm_now() - vmm->t_start;
	uint64_t to_vmm, user_exits, kernel_exits;

	vmm_stats_at_mark(vmm, value, &to_vmm, &user_exits, &kernel_exits);
	vmm_stats_mark(vmm, VMM_MARK_PORT);
	fprintf(stderr, "vmdev-vmm: mark %u at %.6f s: console %llu bytes "
		"out, %llu exits to the VMM, %llu in userspace, %llu in the "
		"kernel\n", value, t,
		(unsigned long long)vmm_serial_out_bytes(vmm),
		(unsigned long long)to_vmm, (unsigned long long)user_exits,
		(unsigned long long)kernel_exits);
	vmm_kvmstats_print(vmm->kvmstats, value);
}
