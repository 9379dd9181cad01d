// SPDX-License-Identifier: GPL-2.0
/*
 * The reference VMM (tools/vmdev-vmm) boots a stock Debian kernel as an
 * L2 guest on the test VM's nested KVM, once in kernel mode (vmdev.ko
 * loaded) and once in user mode: Linux reaches its /init
 * (tools/vmdev-vmm/l2/init), which prints a known banner and resets the
 * machine; the VMM exits 0; both consoles are the same, byte for byte.
 * The guest has a virtio-blk disk (--disk, a fresh 4 MiB image whose
 * sector 0 holds a known pattern) and a virtio-rng (--rng): /init reads
 * the pattern back from /dev/vda, writes another to sector 3, which is
 * found in the image file after the VMM exits, and reads /dev/hwrng.
 * Each boot is bounded (the VMM's --timeout). The time to the banner and
 * the exits that reached the VMM are reported for each mode.
 *
 * The test VM has two CPUs. There qemu's TCG now and then delivers an
 * injected interrupt to the L2 guest twice, and Linux deadlocks in the
 * second delivery's handler (Documentation/guests.rst, "Interrupts
 * delivered twice"): the guest stalls. A boot that shows no /init within
 * STALL_SECS, or says nothing for that long after it, is a stall: it is
 * logged with its console and tried again, up to BOOT_TRIES times; when
 * all of them stall, make check-linux boots the test VM again, whose
 * stall rate may differ (tests/vm/vm.mk). (A
 * test VM of one CPU, free of that fault, hung for good now and then:
 * Documentation/linux-guest.rst, "On the nested test bed".) make check
 * runs it on every kernel of the matrix, each booting itself as the L2
 * guest (check-linux); make vm-linux on one.
 *
 * The test VM's initramfs carries the VMM as /bin/vmdev-vmm, the L2
 * kernel as /boot/vmlinuz-l2 and the L2 initramfs as
 * /boot/l2-initramfs.cpio (tests/vm/vm.mk); without them the tests skip.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmm_run.h"

#define L2_INITRD	"/boot/l2-initramfs.cpio"
#define BANNER		"vmdev-l2: init reached, Linux "
#define LAST_LINE	"vmdev-l2: resetting"
/* The guest's vCPUs (vmm_boot_smp.c: 2), as --cpus takes them. */
#ifndef VMM_BOOT_VCPUS
#define VMM_BOOT_VCPUS	"1"
#endif
#define CPUS_ONE	"vmdev-l2: cpus online: 0\r\n"
#define CPUS_TWO	"vmdev-l2: cpus online: 0-1\r\n"
/*
 * The VMM's own bound of one boot (a boot takes 12 to 30 s in the test
 * VM), the stall watch (mark 1: /init started), the tries per mode, and
 * the test's bound above them all (below run-vm.sh's -t in vmm.mk).
 */
#define BOOT_SECS	"100"
#define STALL_SIGN	"vmdev-vmm: mark 1 at "
#define STALL_SECS	60
#define BOOT_TRIES	4
#define VMM_TIMEOUT	3	/* the VMM's exit status for --timeout */
#define TEST_SECS	1000
/* The disk: its size and the patterns of both sides (l2/init). */
#define DISK_BYTES	(4 << 20)
#define DISK_SECTOR	512
#define HOST_PATTERN	"VMDEV-HOST-PATTERN-0123456789ABC"
#define GUEST_PATTERN	"VMDEV-GUEST-PATTERN-0123456789AB"
#define GUEST_SECTOR	3
/*
 * A quiet kernel: the console carries /init's lines and the kernel's
 * emergency messages alone ("reboot: Restarting system"), without
 * timestamps, which differ from boot to boot.
 */
#define QUIET		"quiet loglevel=1 printk.time=0"

/* The number after "label" in the VMM's messages, or -1. */
static long long stat_of(const struct vmm_run *r, const char *label)
{
	const char *p = strstr(r->err, label);

	return p ? atoll(p + strlen(label)) : -1;
}

/* A fresh disk image at path: zeros, HOST_PATTERN at offset 0. */
static int make_disk(const char *path)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, DISK_BYTES) ||
	    pwrite(fd, HOST_PATTERN, strlen(HOST_PATTERN), 0) !=
	    (ssize_t)strlen(HOST_PATTERN))
		ret = -errno;
	close(fd);
	return ret;
}

/* Sector n of the image at path into buf (DISK_SECTOR bytes). */
static int read_sector(const char *path, unsigned int n, char *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return -errno;
	got = pread(fd, buf, DISK_SECTOR, (off_t)n * DISK_SECTOR);
	close(fd);
	return got == DISK_SECTOR ? 0 : -EIO;
}

/*
 * The lines /init prints with a disk and an rng (tools/vmdev-vmm/l2),
 * without their end: the console ends lines with \r\n.
 */
static const char *const virtio_markers[] = {
	"vmdev-l2: virtio: devices: virtio0 virtio1",
	"vmdev-l2: disk: 8192 sectors",
	"vmdev-l2: disk read: " HOST_PATTERN,
	"vmdev-l2: disk write: done",
	"vmdev-l2: hwrng: virtio_rng.0",
	"vmdev-l2: hwrng read: 16 bytes",
};

static void expect_marker(struct __test_metadata *_metadata,
			  const struct vmm_run *r, const char *marker)
{
	EXPECT_NE(NULL, strstr(r->out, marker)) {
		TH_LOG("no \"%s\" on the console:\n%s", marker, r->out);
	}
}

/*
 * After the VMM exited: the guest's pattern at the start of sector
 * GUEST_SECTOR, zeros after it (dd conv=sync), sector 0 unchanged.
 */
static void check_disk(struct __test_metadata *_metadata, const char *path)
{
	char sec[DISK_SECTOR], zero[DISK_SECTOR] = { 0 };
	size_t n = strlen(GUEST_PATTERN);
	struct stat st;

	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(DISK_BYTES, st.st_size);
	ASSERT_EQ(0, read_sector(path, GUEST_SECTOR, sec));
	EXPECT_EQ(0, memcmp(sec, GUEST_PATTERN, n)) {
		TH_LOG("sector %d starts with \"%.32s\"", GUEST_SECTOR, sec);
	}
	EXPECT_EQ(0, memcmp(sec + n, zero, sizeof(sec) - n));
	ASSERT_EQ(0, read_sector(path, 0, sec));
	EXPECT_EQ(0, memcmp(sec, HOST_PATTERN, strlen(HOST_PATTERN)));
}

/*
 * /init's first mark (port 0x500, tools/vmdev-vmm/mark.c): one line, and
 * --stats' table at init, whose total is at most the whole run's and at
 * least the i8042's commands (both modes trap them).
 */
static void check_mark(struct __test_metadata *_metadata,
		       const struct vmm_run *r)
{
	const char *m = strstr(r->err, "vmdev-vmm: mark 1 at ");
	long long by_init = stat_of(r, "exits to the VMM by init: ");
	double t = -1;

	ASSERT_NE(NULL, m) {
		TH_LOG("no mark 1 in:\n%s", r->err);
	}
	EXPECT_EQ(1, sscanf(m, "vmdev-vmm: mark 1 at %lf s", &t));
	EXPECT_LT(0, t);
	EXPECT_GT(r->secs, t);
	EXPECT_EQ(NULL, strstr(m + 1, "vmdev-vmm: mark 1 at "));
	EXPECT_LT(100, by_init);
	EXPECT_GE(stat_of(r, "exits to the VMM: "), by_init);
	EXPECT_NE(NULL, strstr(r->err, "guest mark")) {
		TH_LOG("no mark in the stats:\n%s", r->err);
	}
}

static bool have_files(void)
{
	return !access(VMM, X_OK) && !access(L2_KERNEL, R_OK) &&
	       !access(L2_INITRD, R_OK);
}

/*
 * One bounded boot in a mode. A boot that ran out of time is a stall
 * (returns false: the caller may try again); any other ending is
 * judged here: status 0 after a reset, the banner and the last line on
 * the console.
 */
static bool boot(struct __test_metadata *_metadata, struct vmm_run *r,
		 const char *mode, const char *disk, const char *cpus)
{
	const char *args[] = {
		VMM, "-k", L2_KERNEL, "-i", L2_INITRD, "-m", "128M",
		"--mode", mode, "--timeout", BOOT_SECS, "--stats",
		"--cpus", cpus, "--disk", disk, "--rng", "--append", QUIET,
		NULL,
	};
	size_t i;

	ASSERT_EQ(0, make_disk(disk));
	EXPECT_EQ(0, vmm_run_watch(r, args, BANNER, true, STALL_SIGN,
				   STALL_SECS));
	TH_LOG("%s mode, %s vCPU(s): exit %d after %.1f s, banner after "
	       "%.1f s, %lld exits reached the VMM", mode, cpus, r->status,
	       r->secs, r->banner_secs, stat_of(r, "exits to the VMM: "));
	/* The VMM's report, for the log: mode, exits by port, stop. */
	TH_LOG("%s mode, the VMM said:\n%s", mode, r->err);
	if (r->killed || r->status == VMM_TIMEOUT) {
		/* How far the guest got: /init's lines, if any. */
		TH_LOG("%s mode, console of the stalled boot:\n%s", mode,
		       r->out);
		return false;
	}
	EXPECT_EQ(0, r->status) {
		TH_LOG("console:\n%s", r->out);
	}
	EXPECT_NE(NULL, strstr(r->err, mode[0] == 'k' ? "kernel mode" :
						       "user mode"));
	EXPECT_NE(NULL, strstr(r->err, "guest stopped (reset)"));
	EXPECT_NE(NULL, strstr(r->out, BANNER)) {
		TH_LOG("console:\n%s", r->out);
	}
	EXPECT_NE(NULL, strstr(r->out, LAST_LINE));
	check_mark(_metadata, r);
	/* An interrupt storm: Linux disables a line nobody handles. */
	EXPECT_EQ(NULL, strstr(r->out, "Disabling IRQ")) {
		TH_LOG("console:\n%s", r->out);
	}
	EXPECT_NE(NULL, strstr(r->out, cpus[0] == '1' ? CPUS_ONE : CPUS_TWO)) {
		TH_LOG("console:\n%s", r->out);
	}
	for (i = 0; i < sizeof(virtio_markers) / sizeof(*virtio_markers); i++)
		expect_marker(_metadata, r, virtio_markers[i]);
	check_disk(_metadata, disk);
	return true;
}

/* Up to BOOT_TRIES boots until one is not a stall. */
static void boot_mode(struct __test_metadata *_metadata, struct vmm_run *r,
		      const char *mode, const char *disk, const char *cpus)
{
	int i;

	for (i = 1; i <= BOOT_TRIES; i++) {
		if (boot(_metadata, r, mode, disk, cpus))
			return;
		TH_LOG("%s mode: boot %d of %d stalled (timeout)", mode, i,
		       BOOT_TRIES);
	}
	ASSERT_TRUE(false) {
		TH_LOG("%s mode: no boot reached init in %d tries", mode,
		       BOOT_TRIES);
	}
}

FIXTURE(linux_guest) {
	struct vmm_run *user, *kernel;
	char dir[32];
	char disk[64];
};

FIXTURE_SETUP(linux_guest)
{
	if (!have_files())
		SKIP(return, "no %s, %s or %s in this initramfs", VMM,
		     L2_KERNEL, L2_INITRD);
	self->user = calloc(1, sizeof(struct vmm_run));
	self->kernel = calloc(1, sizeof(struct vmm_run));
	ASSERT_NE(NULL, self->user);
	ASSERT_NE(NULL, self->kernel);
	strcpy(self->dir, "/tmp/vmm-boot-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->disk, sizeof(self->disk), "%s/disk.img", self->dir);
}

FIXTURE_TEARDOWN(linux_guest)
{
	free(self->user);
	free(self->kernel);
	if (self->dir[0]) {
		unlink(self->disk);
		rmdir(self->dir);
	}
}

/*
 * Both modes in one test, so that the consoles can be compared: the
 * same, byte for byte, and fewer exits with the module (the point of
 * it). In kernel mode the devices' accesses stay in vmdev.ko and only
 * the i8042's trapped commands and data reach the VMM; in user mode
 * every access does. VMM_BOOT_VCPUS vCPUs: 1 here; vmm_boot_smp.c
 * builds this file with 2 (an MP table; the L2 kernel brings its second
 * CPU up through the in-kernel local APICs).
 */
TEST_F_TIMEOUT(linux_guest, boots_in_both_modes, TEST_SECS)
{
	if (access("/dev/vmdev", R_OK | W_OK))
		SKIP(return, "/dev/vmdev: %s (vmdev.ko not loaded)",
		     strerror(errno));
	boot_mode(_metadata, self->user, "user", self->disk, VMM_BOOT_VCPUS);
	boot_mode(_metadata, self->kernel, "kernel", self->disk,
		  VMM_BOOT_VCPUS);
	EXPECT_EQ(self->user->out_len, self->kernel->out_len);
	EXPECT_EQ(0, strcmp(self->user->out, self->kernel->out)) {
		TH_LOG("user mode console:\n%s\nkernel mode console:\n%s",
		       self->user->out, self->kernel->out);
	}
	EXPECT_LT(stat_of(self->kernel, "exits to the VMM: "),
		  stat_of(self->user, "exits to the VMM: "));
}

TEST_HARNESS_MAIN
