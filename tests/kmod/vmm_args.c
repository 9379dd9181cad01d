// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to the reference VMM (tools/vmdev-vmm): a missing kernel, a
 * file that is no kernel, an image too large for the guest's memory, an
 * initrd that does not fit, bad options, a disk image (--disk) that is
 * missing or not a file, images the VMM may not read, --disk-ro without
 * --disk, --kvm-bus in user mode or with an argument, --restore of a
 * file that is missing, no snapshot or a damaged one, or with options
 * that describe another machine. Each ends the VMM
 * with status 2
 * and a message that names the problem, before any guest runs. (The
 * boots themselves: tests/vmm/vmm_boot.c, make vm-linux.)
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
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../vmm/vmm_run.h"

/* ---- bad input ------------------------------------------------------- */

/* The VMM fails with status 2 and says what. */
static void refused(struct __test_metadata *_metadata,
		    const char *const *args, const char *why)
{
	struct vmm_run *r = malloc(sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, vmm_run(r, args, NULL, false));
	EXPECT_EQ(2, r->status);
	EXPECT_NE(NULL, strstr(r->err, why)) {
		TH_LOG("expected \"%s\" in:\n%s", why, r->err);
	}
	EXPECT_EQ(0U, r->out_len);
	free(r);
}

FIXTURE(bad_input) {
	char dir[32];
	char sparse[64];
};

FIXTURE_SETUP(bad_input)
{
	int fd;

	if (access(VMM, X_OK))
		SKIP(return, "no %s in this initramfs", VMM);
	strcpy(self->dir, "/tmp/vmm-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	/* 200 MiB of nothing: larger than a 128 MiB guest. */
	snprintf(self->sparse, sizeof(self->sparse), "%s/big", self->dir);
	fd = open(self->sparse, O_CREAT | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 200 << 20));
	close(fd);
}

FIXTURE_TEARDOWN(bad_input)
{
	unlink(self->sparse);
	rmdir(self->dir);
}

TEST_F(bad_input, no_kernel_option)
{
	const char *args[] = { VMM, "-m", "128M", NULL };

	refused(_metadata, args, "no kernel given");
}

TEST_F(bad_input, missing_kernel)
{
	const char *args[] = { VMM, "-k", "/nonexistent/bzImage", NULL };

	refused(_metadata, args,
		"kernel /nonexistent/bzImage: No such file or directory");
}

TEST_F(bad_input, kernel_is_a_directory)
{
	const char *args[] = { VMM, "-k", self->dir, NULL };

	refused(_metadata, args, "not a regular file");
}

TEST_F(bad_input, kernel_is_no_bzimage)
{
	const char *args[] = { VMM, "-k", VMM, NULL };

	refused(_metadata, args, "not a bzImage");
}

TEST_F(bad_input, kernel_file_larger_than_memory)
{
	const char *args[] = { VMM, "-k", self->sparse, "-m", "128M", NULL };

	refused(_metadata, args, "too large for 128 MiB of guest memory");
}

/* The kernel decompresses in place: it needs init_size past 16 MiB. */
TEST_F(bad_input, kernel_needs_more_memory)
{
	const char *args[] = { VMM, "-k", L2_KERNEL, "-m", "64M", NULL };

	if (access(L2_KERNEL, R_OK))
		SKIP(return, "no %s", L2_KERNEL);
	refused(_metadata, args, "more than the guest's 64 MiB of memory");
}

TEST_F(bad_input, initrd_does_not_fit)
{
	const char *args[] = {
		VMM, "-k", L2_KERNEL, "-i", self->sparse, "-m", "256M", NULL,
	};

	if (access(L2_KERNEL, R_OK))
		SKIP(return, "no %s", L2_KERNEL);
	refused(_metadata, args, "do not fit in guest memory");
}

TEST_F(bad_input, missing_initrd)
{
	const char *args[] = {
		VMM, "-k", L2_KERNEL, "-i", "/nonexistent/initrd", NULL,
	};

	if (access(L2_KERNEL, R_OK))
		SKIP(return, "no %s", L2_KERNEL);
	refused(_metadata, args,
		"initrd /nonexistent/initrd: No such file or directory");
}

TEST_F(bad_input, bad_options)
{
	const char *unknown[] = { VMM, "-k", L2_KERNEL, "--bogus", NULL };
	const char *mem[] = { VMM, "-k", L2_KERNEL, "-m", "12X", NULL };
	const char *small[] = { VMM, "-k", L2_KERNEL, "-m", "1M", NULL };
	const char *mode[] = { VMM, "-k", L2_KERNEL, "--mode", "fast", NULL };
	const char *cpus[] = { VMM, "-k", L2_KERNEL, "-c", "3", NULL };
	const char *extra[] = { VMM, "-k", L2_KERNEL, "stray", NULL };
	const char *noarg[] = { VMM, "-k", NULL };

	refused(_metadata, unknown, "unknown option: '--bogus'");
	refused(_metadata, mem, "--mem: not a size in whole MiB: '12X'");
	refused(_metadata, small, "--mem: must be 64M to 3G: '1M'");
	refused(_metadata, mode, "--mode: not kernel, user or auto: 'fast'");
	refused(_metadata, cpus, "--cpus: must be 1 or 2: '3'");
	refused(_metadata, extra, "unexpected argument: 'stray'");
	refused(_metadata, noarg, "option needs an argument: '-k'");
}

/* --disk: the image is checked before any VM exists. */
TEST_F(bad_input, missing_disk)
{
	const char *args[] = {
		VMM, "-k", L2_KERNEL, "--disk", "/nonexistent/disk.img", NULL,
	};

	refused(_metadata, args,
		"disk /nonexistent/disk.img: No such file or directory");
}

TEST_F(bad_input, disk_is_a_directory)
{
	const char *rw[] = { VMM, "-k", L2_KERNEL, "--disk", self->dir, NULL };
	const char *ro[] = {
		VMM, "-k", L2_KERNEL, "--disk", self->dir, "--disk-ro", NULL,
	};
	char msg[128];

	/* Read-write: open() refuses; read-only: the type check does. */
	snprintf(msg, sizeof(msg), "disk %s: Is a directory", self->dir);
	refused(_metadata, rw, msg);
	snprintf(msg, sizeof(msg),
		 "disk %s: not a regular file or block device", self->dir);
	refused(_metadata, ro, msg);
}

TEST_F(bad_input, disk_options)
{
	const char *ro_alone[] = { VMM, "-k", L2_KERNEL, "--disk-ro", NULL };
	const char *noarg[] = { VMM, "-k", L2_KERNEL, "--disk", NULL };
	const char *rng_arg[] = { VMM, "-k", L2_KERNEL, "--rng=1", NULL };

	refused(_metadata, ro_alone, "--disk-ro without --disk");
	refused(_metadata, noarg, "option needs an argument: '--disk'");
	refused(_metadata, rng_arg, "--rng=1");
}

/*
 * Images the VMM may not read: mode 000 files, with the VMM run as root
 * without the capabilities that override file permissions (dropped from
 * this test's bounding set, which the harness's fork of the test alone
 * has), as a VMM run by an unprivileged user would be.
 */
static void unreadable(struct __test_metadata *_metadata, const char *path)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 1 << 20));
	close(fd);
	ASSERT_EQ(0, chmod(path, 0));
}

TEST_F(bad_input, unreadable_images)
{
	char img[64], msg[160];
	const char *kernel[] = { VMM, "-k", img, NULL };
	const char *initrd[] = { VMM, "-k", L2_KERNEL, "-i", img, NULL };
	const char *disk[] = { VMM, "-k", L2_KERNEL, "--disk", img, NULL };
	const char *disk_ro[] = {
		VMM, "-k", L2_KERNEL, "--disk", img, "--disk-ro", NULL,
	};

	snprintf(img, sizeof(img), "%s/unreadable", self->dir);
	unreadable(_metadata, img);
	ASSERT_EQ(0, prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0));
	ASSERT_EQ(0, prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0));
	snprintf(msg, sizeof(msg), "kernel %s: Permission denied", img);
	refused(_metadata, kernel, msg);
	snprintf(msg, sizeof(msg), "initrd %s: Permission denied", img);
	refused(_metadata, initrd, msg);
	snprintf(msg, sizeof(msg), "disk %s: Permission denied", img);
	refused(_metadata, disk, msg);
	refused(_metadata, disk_ro, msg);
	unlink(img);
}

/* Level 3 (--kvm-bus) is kernel mode's: no user mode, no argument. */
TEST_F(bad_input, kvm_bus_options)
{
	const char *user[] = { VMM, "-k", L2_KERNEL, "--kvm-bus", "--mode",
			       "user", NULL };
	const char *user_first[] = { VMM, "-k", L2_KERNEL, "-M", "user",
				     "--kvm-bus", NULL };
	const char *arg[] = { VMM, "-k", L2_KERNEL, "--kvm-bus=1", NULL };

	refused(_metadata, user, "--kvm-bus: level 3 is kernel mode's");
	refused(_metadata, user_first, "--kvm-bus: level 3 is kernel mode's");
	refused(_metadata, arg, "--kvm-bus=1");
}

/* ---- --restore ------------------------------------------------------ */

/*
 * A snapshot file's layout (tools/vmdev-vmm/snapfile.c): a 32-byte
 * header, then sections of a 24-byte header and their data.
 */
struct snap_hdr {
	char magic[8];
	uint32_t version, hdr_size;
	uint64_t size;
	uint32_t nr_sections, zero;
};

struct snap_sec {
	uint32_t tag, id;
	uint64_t len, sum;
};

/* A file of hdr and, with sec, one section of 8 data bytes. */
static void write_snap(struct __test_metadata *_metadata, const char *path,
		       const struct snap_hdr *hdr, const struct snap_sec *sec)
{
	uint64_t data = 0x1122334455667788ULL;
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(*hdr), write(fd, hdr, sizeof(*hdr)));
	if (sec) {
		ASSERT_EQ((ssize_t)sizeof(*sec), write(fd, sec, sizeof(*sec)));
		ASSERT_EQ(8, write(fd, &data, 8));
	}
	close(fd);
}

TEST_F(bad_input, restore_files)
{
	char path[64], msg[160];
	const char *args[] = { VMM, "--restore", path, NULL };
	const char *missing[] = {
		VMM, "--restore", "/nonexistent/guest.snap", NULL,
	};
	const char *kernel[] = { VMM, "--restore", L2_KERNEL, NULL };
	struct snap_hdr hdr = {
		.magic = "VMDEVVMM", .version = 1, .hdr_size = sizeof(hdr),
		.size = sizeof(hdr) + sizeof(struct snap_sec) + 8,
		.nr_sections = 1,
	};
	/* A configuration section of the wrong size, its sum wrong too. */
	struct snap_sec sec = { .tag = 1, .len = 8, .sum = 1 };

	refused(_metadata, missing,
		"restore /nonexistent/guest.snap: No such file or directory");
	snprintf(msg, sizeof(msg), "restore %s: not a vmdev-vmm snapshot",
		 L2_KERNEL);
	refused(_metadata, kernel, msg);
	snprintf(path, sizeof(path), "%s/guest.snap", self->dir);
	write_snap(_metadata, path, &hdr, &sec);
	snprintf(msg, sizeof(msg), "restore %s: a section's checksum is wrong",
		 path);
	refused(_metadata, args, msg);
	hdr.size += 4096;
	write_snap(_metadata, path, &hdr, &sec);
	snprintf(msg, sizeof(msg),
		 "restore %s: the file is truncated or extended", path);
	refused(_metadata, args, msg);
	hdr.size -= 4096;
	hdr.version = 2;
	write_snap(_metadata, path, &hdr, &sec);
	snprintf(msg, sizeof(msg),
		 "restore %s: a snapshot of another format version", path);
	refused(_metadata, args, msg);
	hdr.version = 1;
	sec.len = 64;		/* past the end of the file */
	write_snap(_metadata, path, &hdr, &sec);
	snprintf(msg, sizeof(msg),
		 "restore %s: a section past the end of the file", path);
	refused(_metadata, args, msg);
	sec = (struct snap_sec){ .tag = 1, .len = 8,
				 .sum = 0 };	/* no section matches */
	hdr.nr_sections = 0;
	hdr.size = sizeof(hdr);
	write_snap(_metadata, path, &hdr, NULL);
	snprintf(msg, sizeof(msg), "restore %s: no configuration", path);
	refused(_metadata, args, msg);
	unlink(path);
}

/* A restore makes the snapshot's machine: no options that say another. */
TEST_F(bad_input, restore_options)
{
	const char *with_kernel[] = {
		VMM, "--restore", L2_KERNEL, "-k", L2_KERNEL, NULL,
	};
	const char *with_mem[] = {
		VMM, "--mem=256M", "--restore", L2_KERNEL, NULL,
	};
	const char *with_disk[] = {
		VMM, "--restore", L2_KERNEL, "--disk", L2_KERNEL, NULL,
	};
	const char *noarg[] = { VMM, "-k", L2_KERNEL, "--snapshot", NULL };

	refused(_metadata, with_kernel,
		"--restore: '-k' is not for a restore");
	refused(_metadata, with_mem,
		"--restore: '--mem=256M' is not for a restore");
	refused(_metadata, with_disk,
		"--restore: '--disk' is not for a restore");
	refused(_metadata, noarg, "option needs an argument: '--snapshot'");
}

TEST_HARNESS_MAIN
