// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * vmdev-vmm: boot a Linux bzImage on KVM with libvmdev's register
 * devices, in vmdev.ko (kernel mode) or in this process (user mode).
 * main() is the whole story in order: the VM with KVM's interrupt
 * controllers and PIT, guest memory, the kernel and its boot_params, the
 * libvmdev context, the devices, the vCPUs; then run until the guest
 * resets or powers off, and report.
 *
 *   vmdev-vmm -k bzImage -i initramfs.cpio -m 256M --mode kernel --stats
 *   vmdev-vmm -k bzImage -i initramfs.cpio --disk disk.img --rng
 *   vmdev-vmm -k bzImage ... --snapshot guest.snap   (then SIGUSR2)
 *   vmdev-vmm --restore guest.snap --mode user
 *
 * A restore (snapshot.c) makes the same machine from the snapshot's
 * configuration, skips what only a boot needs (the MP table, the command
 * line, the kernel), and puts the saved state back before the vCPUs run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <vmdev/interrupt.h>
#include <vmdev/vcpu.h>
#include <vmdev/vm.h>

#include "devmgr.h"
#include "vmm.h"

/*
 * The console on COM1; a reset (the i8042's, which reboot=k selects)
 * ends the VMM; a panic resets at once instead of hanging. PCI is not
 * there (legacy.c), nor ACPI: the MP table describes the machine.
 */
#define DEFAULT_CMDLINE	"console=ttyS0 reboot=k panic=-1"

/* KVM's real-mode TSS and identity page (VMX only), out of RAM's way. */
#define KVM_TSS_ADDR		0xfffbd000UL
#define KVM_IDENTITY_ADDR	0xfffbc000ULL

double vmm_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

void vmm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("vmdev-vmm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int kvm_fail(const char *what)
{
	int ret = -errno;

	vmm_err("%s: %s", what, strerror(errno));
	return ret;
}

/* The VM, with KVM's PIC, IOAPIC, local APICs and PIT in the kernel. */
static int create_vm(struct vmm *vmm)
{
	/*
	 * KVM's PIT with its port 0x61 (speaker gate, channel 2 output),
	 * which Linux reads in loops to calibrate the TSC against the PIT.
	 */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct kvm_reinject_control reinject = { .pit_reinject = 0 };
	uint64_t ident = KVM_IDENTITY_ADDR;

	vmm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vmm->kvm_fd < 0)
		return kvm_fail("/dev/kvm");
	if (ioctl(vmm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		vmm_err("/dev/kvm: unsupported KVM API version");
		return -ENOTSUP;
	}
	vmm->vm_fd = ioctl(vmm->kvm_fd, KVM_CREATE_VM, 0);
	if (vmm->vm_fd < 0)
		return kvm_fail("KVM_CREATE_VM");
	if (ioctl(vmm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) ||
	    ioctl(vmm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident))
		return kvm_fail("KVM_SET_TSS_ADDR");
	if (ioctl(vmm->vm_fd, KVM_CREATE_IRQCHIP))
		return kvm_fail("KVM_CREATE_IRQCHIP");
	if (ioctl(vmm->vm_fd, KVM_CREATE_PIT2, &pit))
		return kvm_fail("KVM_CREATE_PIT2");
	/*
	 * Ticks the guest missed are dropped, not delivered late: a guest
	 * slower than the PIT (a nested one) would otherwise spend all its
	 * time catching up on timer interrupts.
	 */
	if (ioctl(vmm->vm_fd, KVM_REINJECT_CONTROL, &reinject))
		return kvm_fail("KVM_REINJECT_CONTROL");
	return 0;
}

/* The libvmdev context: kernel, user, or whichever is there. */
static int create_context(struct vmm *vmm)
{
	int ret = vmdev_irq_manager_new_kvm(vmm->vm_fd, NULL, &vmm->irqs);

	if (ret) {
		vmm_err("interrupt manager: %s", strerror(-ret));
		return ret;
	}
	VMDEV_OPTS(vmdev_vm_opts, o, .mode = vmm->args.mode,
		   .irqs = vmm->irqs, .kvm_bus = vmm->args.kvm_bus);
	ret = vmdev_vm_new(vmm->vm_fd, &o, &vmm->ctx);
	if (ret && vmm->args.mode == VMDEV_VM_KERNEL)
		vmm_err("kernel mode: %s%s", strerror(-ret),
			ret == -ENOENT ? " (/dev/vmdev: is vmdev.ko loaded?)"
				       : "");
	else if (ret)
		vmm_err("vmdev context: %s", strerror(-ret));
	return ret;
}

static int create_vcpus(struct vmm *vmm)
{
	int mmap_size = ioctl(vmm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	unsigned int i;
	int ret;

	if (mmap_size < 0)
		return kvm_fail("KVM_GET_VCPU_MMAP_SIZE");
	for (i = 0; i < vmm->args.vcpus; i++) {
		struct vmm_vcpu *v = &vmm->vcpus[i];
		void *run;

		v->vmm = vmm;
		v->index = i;
		v->fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0)
			return kvm_fail("KVM_CREATE_VCPU");
		run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED, v->fd, 0);
		if (run == MAP_FAILED)
			return kvm_fail("kvm_run mapping");
		v->run = run;
		v->run_size = mmap_size;
		ret = vmm_vcpu_setup(vmm, v);
		if (!ret)
			ret = vmdev_vcpu_new(vmm->ctx, v->fd, v->run,
					     v->run_size, NULL, &v->vcpu);
		if (ret)
			return ret;
	}
	/* KVM's counters at the guest's marks (none: no line, no error). */
	if (vmm->args.stats)
		vmm->kvmstats = vmm_kvmstats_open(vmm->vcpus[0].fd);
	return 0;
}

/* The virtio-mmio devices' virtio_mmio.device= entries, if any. */
static int add_devmgr_cmdline(struct vmm *vmm)
{
	char buf[VMM_MAX_CMDLINE];
	int n;

	if (!vmm->devmgr || !devmgr_count(vmm->devmgr))
		return 0;
	n = devmgr_cmdline(vmm->devmgr, buf, sizeof(buf));
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		vmm_err("device command line: %s", n < 0 ? strerror(-n) :
			"too long");
		return n < 0 ? n : -E2BIG;
	}
	return vmm_cmdline_add(vmm, buf);
}

/*
 * The default text, then the device manager's entries, then the user's
 * text (which can thus override either). Built once the devices exist,
 * before vmm_load_linux() copies it into guest memory.
 */
static int build_cmdline(struct vmm *vmm)
{
	int ret = 0;

	if (!vmm->args.no_default_cmdline)
		ret = vmm_cmdline_add(vmm, DEFAULT_CMDLINE);
	if (!ret)
		ret = add_devmgr_cmdline(vmm);
	if (!ret && vmm->args.append)
		ret = vmm_cmdline_add(vmm, vmm->args.append);
	return ret;
}

/*
 * The virtio-mmio devices: the MMIO device manager on the context and
 * its interrupt manager, in the default window (0xd0000000, GSIs 5-7),
 * one hotplug transaction per device.
 */
static int create_virtio(struct vmm *vmm)
{
	int ret;

	if (!vmm->args.disk && !vmm->args.rng)
		return 0;
	vmm->vmem = (struct virtio_mem){ vmm->mem, vmm->mem_size };
	ret = devmgr_create(vmm->ctx, &vmm->vmem, NULL, &vmm->devmgr);
	if (ret) {
		vmm_err("device manager: %s", strerror(-ret));
		return ret;
	}
	if (vmm->args.disk) {
		ret = devmgr_add_blk(vmm->devmgr, vmm->args.disk,
				     vmm->args.disk_ro, NULL);
		if (ret) {
			vmm_err("disk %s: %s", vmm->args.disk, strerror(-ret));
			return ret;
		}
	}
	if (vmm->args.rng) {
		ret = devmgr_add_rng(vmm->devmgr, NULL);
		if (ret)
			vmm_err("rng: %s", strerror(-ret));
	}
	return ret;
}

/*
 * Every device, before the command line is built and the first vCPU
 * runs; in one batch, so that at level 3 KVM's bus changes once for all.
 */
static int create_devices(struct vmm *vmm)
{
	int ret = vmdev_vm_batch_begin(vmm->ctx);
	int end;

	if (ret) {
		vmm_err("device batch: %s", strerror(-ret));
		return ret;
	}
	ret = vmm_serial_init(vmm);
	if (!ret)
		ret = vmm_legacy_init(vmm);
	if (!ret)
		ret = create_virtio(vmm);
	end = vmdev_vm_batch_end(vmm->ctx);
	if (end)
		vmm_err("device batch: %s", strerror(-end));
	return ret ? ret : end;
}

static void destroy(struct vmm *vmm)
{
	unsigned int i;

	vmm_serial_fini(vmm);
	vmm_kvmstats_close(vmm->kvmstats);
	/* The vCPUs have stopped; its I/O threads use ctx and guest RAM. */
	devmgr_destroy(vmm->devmgr);
	vmm_devs_fini(vmm);
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		struct vmm_vcpu *v = &vmm->vcpus[i];

		vmdev_vcpu_free(v->vcpu);
		if (v->run)
			munmap(v->run, v->run_size);
		if (v->fd > 0)
			close(v->fd);
	}
	vmdev_vm_free(vmm->ctx);
	vmdev_irq_manager_free(vmm->irqs);
	vmm_stats_fini(vmm);
	vmm_memory_fini(vmm);
	snap_read_close(&vmm->snap);	/* a restore that failed early */
	if (vmm->vm_fd > 0)
		close(vmm->vm_fd);
	if (vmm->kvm_fd > 0)
		close(vmm->kvm_fd);
}

/*
 * With --kvm-bus, whether the console's port got level 3 (the module may
 * not offer it: Documentation/fast-path.rst), after the mode's name.
 */
static const char *level_note(struct vmm *vmm)
{
	if (!vmm->args.kvm_bus || vmdev_vm_mode(vmm->ctx) != VMDEV_VM_KERNEL)
		return "";
	return vmdev_vm_level(vmm->ctx, VMDEV_PIO, 0x3f8) == 3 ?
	       ", level 3 (KVM's bus)" :
	       ", level 3 unavailable (levels 1 and 2)";
}

static int exit_status(struct vmm *vmm, double secs)
{
	static const char *const why[] = {
		[VMM_STOP_RESET] = "reset", [VMM_STOP_POWEROFF] = "power-off",
		[VMM_STOP_TIMEOUT] = "timeout", [VMM_STOP_ERROR] = "error",
		[VMM_STOP_SNAPSHOT] = "snapshot",
	};

	fprintf(stderr, "vmdev-vmm: guest stopped (%s) after %.3f s\n",
		why[vmm->stop], secs);
	switch (vmm->stop) {
	case VMM_STOP_RESET:
	case VMM_STOP_POWEROFF:
	case VMM_STOP_SNAPSHOT:		/* saved: main() checked */
		return VMM_EXIT_OK;
	case VMM_STOP_TIMEOUT:
		return VMM_EXIT_TIMEOUT;
	default:
		return VMM_EXIT_ERROR;
	}
}

/*
 * What a boot puts in guest memory: the MP table (after the devices: it
 * declares their lines level-triggered), the command line (the device
 * manager's entries go into it), then the kernel (boot.c copies the
 * command line). -errno; *status says whose mistake it was.
 */
static int prepare_boot(struct vmm *vmm, int *status)
{
	int ret = vmm_mptable_write(vmm);

	if (!ret) {
		ret = build_cmdline(vmm);
		if (ret)	/* --append too long */
			*status = VMM_EXIT_USAGE;
	}
	if (!ret) {
		ret = vmm_load_linux(vmm);
		if (ret)	/* the kernel or initrd given is unusable */
			*status = VMM_EXIT_USAGE;
	}
	return ret;
}

/* The machine, booting or restored: 0, or -errno with *status set. */
static int create_machine(struct vmm *vmm, int *status)
{
	int ret = 0;

	if (vmm->args.restore) {
		ret = vmm_snapshot_open(vmm);
		if (ret) {	/* not a snapshot, or not one of ours */
			*status = VMM_EXIT_USAGE;
			return ret;
		}
	} else {
		vmm->rtc_time = time(NULL);
	}
	ret = create_vm(vmm);
	if (!ret)
		ret = vmm_memory_init(vmm);
	if (!ret)
		ret = vmm_stats_init(vmm);
	if (!ret)
		ret = create_context(vmm);
	if (!ret)
		ret = create_devices(vmm);
	if (!ret && !vmm->args.restore)
		ret = prepare_boot(vmm, status);
	if (!ret)
		ret = create_vcpus(vmm);
	if (!ret && vmm->args.restore)
		ret = vmm_snapshot_restore(vmm);
	return ret;
}

/*
 * Run the guest until it stops; a pause for --snapshot saves it and
 * ends the VMM, or, when the save failed, lets the guest go on.
 */
static void run_and_save(struct vmm *vmm)
{
	for (;;) {
		vmm_run(vmm);
		vmm_serial_stop(vmm);	/* the console's last bytes first */
		if (vmm->stop != VMM_STOP_SNAPSHOT || !vmm_snapshot_save(vmm))
			return;
		vmm_err("snapshot failed: the guest goes on");
		if (vmm_snapshot_resume(vmm)) {
			vmm->stop = VMM_STOP_ERROR;
			return;
		}
	}
}

int main(int argc, char **argv)
{
	static struct vmm vmm = { .kvm_fd = -1, .vm_fd = -1 };
	int ret, status = VMM_EXIT_ERROR;

	ret = vmm_parse_args(&vmm.args, argc, argv);
	if (ret)
		return ret > 0 ? 0 : VMM_EXIT_USAGE;
	ret = create_machine(&vmm, &status);
	if (!ret) {
		fprintf(stderr, "vmdev-vmm: %s mode%s, %u vCPU(s), %llu MiB, "
			"%s%s\n",
			vmdev_vm_mode(vmm.ctx) == VMDEV_VM_KERNEL ?
			"kernel" : "user", level_note(&vmm), vmm.args.vcpus,
			(unsigned long long)(vmm.mem_size >> 20),
			vmm.args.restore ? "restored from " : "command line: ",
			vmm.args.restore ? vmm.args.restore : vmm.cmdline);
		vmm.t_start = vmm_now();
		run_and_save(&vmm);
		status = exit_status(&vmm, vmm_now() - vmm.t_start);
		if (vmm.args.stats)
			vmm_stats_print(&vmm);
	}
	destroy(&vmm);
	return status;
}
