// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Snapshot and restore of the whole guest (Documentation/linux-guest.rst,
 * "Snapshot and restore"). --snapshot FILE: when the guest writes mark
 * VMM_MARK_SNAPSHOT, or the VMM gets SIGUSR2, the vCPUs pause (run.c),
 * the console's last bytes go out, the virtio I/O threads stop between
 * two requests, and everything is written to FILE; then the VMM exits 0.
 * --restore FILE: a new VMM, in either mode, makes the same machine
 * (the snapshot's RAM size, vCPUs, devices in the same order, the same
 * RTC), puts the state back and runs on from the same instruction.
 *
 * What the file holds (snapfile.h): the configuration; KVM's state of
 * the VM and of each vCPU (kvm_state.c); every register device's state
 * and the device manager's allocations in one libvmdev blob
 * (vmdev_vm_save(), the same bytes in kernel and user mode); the i8042's and each virtio transport's own state; guest
 * RAM. Virtqueue requests the guest made available before the pause and
 * no I/O thread took are in RAM and in the queues' saved places: the
 * restored transports take them at once. A request an I/O thread had
 * taken was completed before it stopped: its used entry is in RAM, its
 * interrupt in the device's state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <vmdev/snapshot.h>

#include "devmgr.h"
#include "kvm_state.h"
#include "snapfile.h"
#include "vmm.h"

#define CFG_DISK	(1U << 0)
#define CFG_DISK_RO	(1U << 1)
#define CFG_RNG		(1U << 2)
#define CFG_KNOWN	(CFG_DISK | CFG_DISK_RO | CFG_RNG)
#define CFG_PATH_MAX	4096

/* The machine a restore must make before it puts the state back. */
struct snap_config {
	uint64_t mem_size;
	int64_t rtc_time;
	uint32_t vcpus;
	uint32_t flags;
	uint32_t nr_virtio;
	uint32_t zero;
	char disk[CFG_PATH_MAX];
};

/* A virtio-mmio device: where the device manager put it, its state. */
struct snap_virtio {
	uint64_t base;
	uint32_t irq;
	uint32_t zero;
	struct virtio_mmio_state state;
};

static size_t nr_virtio(const struct vmm *vmm)
{
	return vmm->devmgr ? devmgr_count(vmm->devmgr) : 0;
}

/* Virtqueue requests in guest RAM that no I/O thread has taken yet. */
static uint32_t virtio_pending(const struct vmm *vmm)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < nr_virtio(vmm); i++) {
		struct devmgr_dev *d = devmgr_get(vmm->devmgr, i);

		n += virtio_mmio_pending(devmgr_dev_transport(d));
	}
	return n;
}

static int save_config(struct vmm *vmm, struct snap_writer *w)
{
	struct snap_config *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->mem_size = vmm->mem_size;
	c->rtc_time = vmm->rtc_time;
	c->vcpus = vmm->args.vcpus;
	c->nr_virtio = nr_virtio(vmm);
	c->flags = (vmm->args.disk ? CFG_DISK : 0) |
		   (vmm->args.disk_ro ? CFG_DISK_RO : 0) |
		   (vmm->args.rng ? CFG_RNG : 0);
	if (vmm->args.disk)
		snprintf(c->disk, sizeof(c->disk), "%s", vmm->args.disk);
	snap_write(w, SNAP_CONFIG, 0, c, sizeof(*c));
	free(c);
	return 0;
}

/*
 * libvmdev's blob: every register device's state, and the device
 * manager's allocations (its windows and lines), which a restore finds
 * held again by the same devices made in the same order.
 */
static int save_vmdev(struct vmm *vmm, struct snap_writer *w)
{
	VMDEV_OPTS(vmdev_snapshot_opts, o,
		   .resources = devmgr_resources(vmm->devmgr));
	int size = vmdev_vm_save(vmm->ctx, NULL, 0, &o);
	void *blob;

	if (size < 0) {
		vmm_err("snapshot: devices: %s", strerror(-size));
		return size;
	}
	blob = malloc(size);
	if (!blob)
		return -ENOMEM;
	size = vmdev_vm_save(vmm->ctx, blob, size, &o);
	if (size < 0)
		vmm_err("snapshot: devices: %s", strerror(-size));
	else
		snap_write(w, SNAP_VMDEV, 0, blob, size);
	free(blob);
	return size < 0 ? size : 0;
}

/*
 * The virtio I/O threads stop (each finishes the request it is on), so
 * that the state saved is their last; vmm_snapshot_resume() starts them
 * again if the save fails.
 */
static void quiesce_virtio(struct vmm *vmm)
{
	size_t i;

	for (i = 0; i < nr_virtio(vmm); i++) {
		struct devmgr_dev *d = devmgr_get(vmm->devmgr, i);

		virtio_mmio_stop(devmgr_dev_transport(d));
	}
}

static void save_virtio(struct vmm *vmm, struct snap_writer *w)
{
	struct snap_virtio rec;
	size_t i;

	for (i = 0; i < nr_virtio(vmm); i++) {
		struct devmgr_dev *d = devmgr_get(vmm->devmgr, i);

		memset(&rec, 0, sizeof(rec));
		rec.base = devmgr_dev_base(d);
		rec.irq = devmgr_dev_irq(d);
		virtio_mmio_save(devmgr_dev_transport(d), &rec.state);
		snap_write(w, SNAP_VIRTIO, i, &rec, sizeof(rec));
	}
}

static int save_state(struct vmm *vmm, struct snap_writer *w)
{
	struct vmm_i8042_record kbd;
	unsigned int i;
	int ret;

	save_virtio(vmm, w);
	ret = save_config(vmm, w);
	if (!ret)
		ret = kvm_state_save_vm(vmm, w);
	for (i = 0; !ret && i < vmm->args.vcpus; i++)
		ret = kvm_state_save_vcpu(vmm, &vmm->vcpus[i], w);
	if (!ret)
		ret = save_vmdev(vmm, w);
	if (ret)
		return ret;
	vmm_i8042_save(&kbd);
	snap_write(w, SNAP_I8042, 0, &kbd, sizeof(kbd));
	snap_write_memory(w, vmm->mem, vmm->mem_size);
	return 0;
}

/*
 * The file is written under a temporary name and renamed when complete:
 * a failed save (a full disk, say) leaves no partial file and an earlier
 * snapshot of the same name as it was; the guest then goes on
 * (vmm_snapshot_resume()).
 */
int vmm_snapshot_save(struct vmm *vmm)
{
	const char *path = vmm->args.snapshot;
	double t0 = vmm_now();
	struct snap_writer w;
	char tmp[CFG_PATH_MAX + 8];
	struct stat st;
	int64_t size;
	unsigned int i;
	int ret;

	quiesce_virtio(vmm);
	for (i = 0; i < vmm->args.vcpus; i++)
		if (!vmm->vcpus[i].paused) {
			vmm_err("snapshot: vCPU %u did not pause", i);
			return -EIO;
		}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		vmm_err("snapshot %s: path too long", path);
		return -ENAMETOOLONG;
	}
	ret = snap_write_begin(&w, tmp);
	if (ret) {
		vmm_err("snapshot %s: %s", tmp, strerror(-ret));
		return ret;
	}
	ret = save_state(vmm, &w);
	size = snap_write_end(&w);
	if (!ret && size < 0)
		ret = size;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		vmm_err("snapshot %s: %s", path, strerror(-ret));
		unlink(tmp);
		return ret;
	}
	if (stat(path, &st))
		st.st_blocks = 0;
	fprintf(stderr, "vmdev-vmm: snapshot saved to %s: %lld bytes (%lld "
		"KiB on disk), %u vCPU(s), %llu MiB, %zu virtio device(s) "
		"with %u request(s) not yet taken, in %.3f s\n", path,
		(long long)size, (long long)st.st_blocks / 2, vmm->args.vcpus,
		(unsigned long long)(vmm->mem_size >> 20), nr_virtio(vmm),
		virtio_pending(vmm), vmm_now() - t0);
	return 0;
}

int vmm_snapshot_resume(struct vmm *vmm)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < nr_virtio(vmm); i++) {
		struct devmgr_dev *d = devmgr_get(vmm->devmgr, i);

		ret = virtio_mmio_start(devmgr_dev_transport(d),
					devmgr_dev_regdev(d));
		/* Doorbells rung while the thread was away: take them now. */
		if (!ret)
			virtio_mmio_notify(devmgr_dev_transport(d));
	}
	if (!ret)
		ret = vmm_serial_start(vmm);
	if (ret)
		vmm_err("resume after the snapshot: %s", strerror(-ret));
	return ret;
}

static int bad_file(const char *path, const char *why)
{
	vmm_err("restore %s: %s", path, why);
	return -EBADMSG;
}

/* The configuration into args, checked as the command line would be. */
static int load_config(struct vmm *vmm, const struct snap_config *c)
{
	const char *path = vmm->args.restore;

	if (c->zero || (c->flags & ~CFG_KNOWN) ||
	    !memchr(c->disk, 0, sizeof(c->disk)))
		return bad_file(path, "a damaged configuration");
	if (c->vcpus < 1 || c->vcpus > VMM_MAX_VCPUS)
		return bad_file(path, "a vCPU count this VMM does not have");
	if (!(c->flags & CFG_DISK) != !c->disk[0] ||
	    c->nr_virtio != (uint32_t)(!!(c->flags & CFG_DISK) +
				       !!(c->flags & CFG_RNG)))
		return bad_file(path, "a device list this VMM does not make");
	vmm->args.mem_size = c->mem_size;
	vmm->args.vcpus = c->vcpus;
	/* A copy: the file's mapping goes once the state is back. */
	vmm->args.disk = c->disk[0] ? strdup(c->disk) : NULL;
	if (c->disk[0] && !vmm->args.disk)
		return -ENOMEM;
	vmm->args.disk_ro = c->flags & CFG_DISK_RO;
	vmm->args.rng = c->flags & CFG_RNG;
	vmm->rtc_time = c->rtc_time;
	return vmm_check_disk(&vmm->args);
}

int vmm_snapshot_open(struct vmm *vmm)
{
	const char *path = vmm->args.restore;
	const char *why;
	uint64_t len;
	const struct snap_config *c;
	int ret = snap_read_open(&vmm->snap, path, &why);

	if (ret) {
		vmm_err("restore %s: %s", path, why ? why : strerror(-ret));
		return ret;
	}
	c = snap_find(&vmm->snap, SNAP_CONFIG, 0, &len);
	if (!c || len != sizeof(*c))
		ret = bad_file(path, "no configuration");
	if (!ret)
		ret = load_config(vmm, c);
	if (!ret && (!snap_find(&vmm->snap, SNAP_MEMORY, 0, &len) ||
		     len != vmm->args.mem_size))
		ret = bad_file(path, "no guest RAM of the configuration's size");
	if (ret)
		snap_read_close(&vmm->snap);
	return ret;
}

static int restore_vmdev(struct vmm *vmm)
{
	VMDEV_OPTS(vmdev_snapshot_opts, o,
		   .resources = devmgr_resources(vmm->devmgr));
	uint64_t len;
	const void *blob = snap_find(&vmm->snap, SNAP_VMDEV, 0, &len);
	int ret;

	if (!blob)
		return bad_file(vmm->args.restore, "no device state");
	ret = vmdev_vm_restore(vmm->ctx, blob, len, &o);
	if (ret)
		vmm_err("restore %s: devices: %s", vmm->args.restore,
			strerror(-ret));
	return ret;
}

static int restore_virtio(struct vmm *vmm)
{
	struct snap_virtio rec;
	size_t i;
	int ret;

	for (i = 0; i < nr_virtio(vmm); i++) {
		struct devmgr_dev *d = devmgr_get(vmm->devmgr, i);

		if (snap_get(&vmm->snap, SNAP_VIRTIO, i, &rec, sizeof(rec)) ||
		    rec.zero)
			return bad_file(vmm->args.restore,
					"a virtio device's state is missing");
		if (rec.base != devmgr_dev_base(d) ||
		    rec.irq != devmgr_dev_irq(d))
			return bad_file(vmm->args.restore,
					"a virtio device elsewhere");
		ret = virtio_mmio_restore(devmgr_dev_transport(d), &rec.state);
		if (ret) {
			vmm_err("restore %s: virtio device %zu: %s",
				vmm->args.restore, i, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int restore_state(struct vmm *vmm)
{
	struct vmm_i8042_record kbd;
	uint64_t len;
	const void *ram = snap_find(&vmm->snap, SNAP_MEMORY, 0, &len);
	unsigned int i;
	int ret;

	memcpy(vmm->mem, ram, vmm->mem_size);
	ret = kvm_state_restore_vm(vmm, &vmm->snap);
	for (i = 0; !ret && i < vmm->args.vcpus; i++)
		ret = kvm_state_restore_vcpu(vmm, &vmm->snap, &vmm->vcpus[i]);
	if (!ret)
		ret = restore_vmdev(vmm);
	if (!ret && (snap_get(&vmm->snap, SNAP_I8042, 0, &kbd, sizeof(kbd)) ||
		     vmm_i8042_restore(&kbd)))
		ret = bad_file(vmm->args.restore, "a damaged i8042 state");
	if (!ret)
		ret = restore_virtio(vmm);
	return ret;
}

int vmm_snapshot_restore(struct vmm *vmm)
{
	double t0 = vmm_now();
	size_t i;
	int ret = restore_state(vmm);

	snap_read_close(&vmm->snap);
	if (ret)
		return ret;
	fprintf(stderr, "vmdev-vmm: state of %s restored in %.3f s, %u "
		"virtio request(s) to take\n", vmm->args.restore,
		vmm_now() - t0, virtio_pending(vmm));
	/* Requests made available before the pause: taken now. */
	for (i = 0; i < nr_virtio(vmm); i++)
		virtio_mmio_notify(devmgr_dev_transport(devmgr_get(vmm->devmgr,
								   i)));
	return 0;
}
