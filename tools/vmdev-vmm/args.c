// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The command line. Every mistake is named, with the option it concerns,
 * and ends the VMM with VMM_EXIT_USAGE before anything is created.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#define MIB			(1ULL << 20)
#define DEFAULT_MEM		(256 * MIB)
/* Enough for a decompressing distribution kernel and a small initrd. */
#define MIN_MEM			(64 * MIB)
/* RAM stays below the 32-bit PCI/APIC hole: one e820 entry above 1 MiB. */
#define MAX_MEM			(3072 * MIB)

static const char usage[] =
"usage: vmdev-vmm -k BZIMAGE [options]\n"
"       vmdev-vmm --restore FILE [--mode, --kvm-bus, --timeout, --stats,\n"
"                 --snapshot]\n"
"  -k, --kernel FILE     the Linux bzImage to boot (required)\n"
"  -i, --initrd FILE     an initramfs\n"
"  -m, --mem SIZE        guest RAM, e.g. 256M or 1G (default 256M,\n"
"                        64M to 3G)\n"
"  -a, --append TEXT     added to the kernel command line\n"
"      --no-default-cmdline  only --append's text on the command line\n"
"  -M, --mode MODE       kernel (vmdev.ko), user, or auto (default)\n"
"      --kvm-bus         level 3: the devices on KVM's own I/O bus (kernel\n"
"                        mode; levels 1 and 2 where the module cannot)\n"
"  -c, --cpus N          vCPUs, 1 or 2 (default 1)\n"
"  -t, --timeout SECS    stop the guest after SECS seconds (exit 3)\n"
"  -s, --stats           at exit, print the exits that reached the VMM\n"
"  -d, --disk FILE       a virtio-blk disk on the raw image FILE\n"
"      --disk-ro         open the disk read-only\n"
"  -r, --rng             a virtio-rng\n"
"      --snapshot FILE   when the guest writes mark 6 or the VMM gets\n"
"                        SIGUSR2: pause, save the guest to FILE, exit 0\n"
"      --restore FILE    run the guest saved in FILE on (in any --mode);\n"
"                        its RAM, vCPUs and devices come from FILE\n"
"  -h, --help            this text\n"
"Exit status: 0 the guest reset or powered off, 1 error, 2 bad usage,\n"
"3 timeout.\n";

enum {
	OPT_NO_DEFAULT_CMDLINE = 256, OPT_DISK_RO, OPT_KVM_BUS, OPT_SNAPSHOT,
	OPT_RESTORE,
};

static const struct option options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "mem", required_argument, NULL, 'm' },
	{ "append", required_argument, NULL, 'a' },
	{ "no-default-cmdline", no_argument, NULL, OPT_NO_DEFAULT_CMDLINE },
	{ "mode", required_argument, NULL, 'M' },
	{ "kvm-bus", no_argument, NULL, OPT_KVM_BUS },
	{ "cpus", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "stats", no_argument, NULL, 's' },
	{ "disk", required_argument, NULL, 'd' },
	{ "disk-ro", no_argument, NULL, OPT_DISK_RO },
	{ "rng", no_argument, NULL, 'r' },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "restore", required_argument, NULL, OPT_RESTORE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A decimal count, all of the string, within [min, max]. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "256M", "1G", "65536K", or bytes; a multiple of 1 MiB. */
static int parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "kKmMgG";
	unsigned long long v, shift = 0;
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		const char *p = strchr(suffixes, *end);

		if (!p)
			return -EINVAL;
		shift = 10 * ((p - suffixes) / 2 + 1);	/* kK mM gG */
		end++;
	}
	if (*end || v > (~0ULL >> shift))
		return -EINVAL;
	v <<= shift;
	if (v % MIB)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_mode(const char *s, enum vmdev_vm_mode *mode)
{
	if (!strcmp(s, "kernel"))
		*mode = VMDEV_VM_KERNEL;
	else if (!strcmp(s, "user"))
		*mode = VMDEV_VM_USER;
	else if (!strcmp(s, "auto"))
		*mode = VMDEV_VM_AUTO;
	else
		return -EINVAL;
	return 0;
}

/*
 * The disk image opens as the device will open it (read-write unless
 * --disk-ro): a missing or unreadable image is a usage error, named
 * here before any VM exists, not a device that fails later.
 */
int vmm_check_disk(const struct vmm_args *a)
{
	struct stat st;
	int fd;

	if (!a->disk) {
		if (a->disk_ro) {
			vmm_err("--disk-ro without --disk");
			return -EINVAL;
		}
		return 0;
	}
	fd = open(a->disk, (a->disk_ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		int ret = -errno;

		vmm_err("disk %s: %s", a->disk, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		close(fd);
		vmm_err("disk %s: not a regular file or block device",
			a->disk);
		return -EINVAL;
	}
	close(fd);
	return 0;
}

/* Options that say what machine to make: a restore's come from its file. */
static bool describes_machine(int c)
{
	return (c < 256 && strchr("kimacdr", c)) ||
	       c == OPT_NO_DEFAULT_CMDLINE || c == OPT_DISK_RO;
}

/* The option getopt_long() just returned, as the user wrote it. */
static const char *opt_name(char **argv)
{
	/* "-k FILE": optarg is the word after the option's own. */
	if (optarg && optind >= 2 && optarg == argv[optind - 1])
		return argv[optind - 2];
	return argv[optind - 1];
}

/*
 * --restore makes the machine the snapshot describes: an option that
 * would describe another one is a mistake, named.
 */
static int check_restore(const struct vmm_args *a)
{
	if (a->boot_opt) {
		vmm_err("--restore: '%s' is not for a restore (the snapshot "
			"has the guest's kernel, RAM, vCPUs and devices)",
			a->boot_opt);
		fputs(usage, stderr);
		return -EINVAL;
	}
	if (access(a->restore, R_OK)) {
		vmm_err("restore %s: %s", a->restore, strerror(errno));
		return -errno;
	}
	return 0;
}

static int bad(const char *what, const char *arg)
{
	vmm_err("%s: '%s'", what, arg);
	fputs(usage, stderr);
	return -EINVAL;
}

int vmm_parse_args(struct vmm_args *a, int argc, char **argv)
{
	unsigned long n;
	int c;

	*a = (struct vmm_args){ .mem_size = DEFAULT_MEM, .vcpus = 1,
				.mode = VMDEV_VM_AUTO };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:m:a:M:c:t:sd:rh", options,
				NULL)) != -1) {
		if (describes_machine(c))
			a->boot_opt = opt_name(argv);
		switch (c) {
		case 'k':
			a->kernel = optarg;
			break;
		case 'i':
			a->initrd = optarg;
			break;
		case 'm':
			if (parse_size(optarg, &a->mem_size))
				return bad("--mem: not a size in whole MiB",
					   optarg);
			if (a->mem_size < MIN_MEM || a->mem_size > MAX_MEM)
				return bad("--mem: must be 64M to 3G", optarg);
			break;
		case 'a':
			a->append = optarg;
			break;
		case OPT_NO_DEFAULT_CMDLINE:
			a->no_default_cmdline = true;
			break;
		case 'M':
			if (parse_mode(optarg, &a->mode))
				return bad("--mode: not kernel, user or auto",
					   optarg);
			break;
		case OPT_KVM_BUS:
			a->kvm_bus = true;
			break;
		case 'c':
			if (parse_uint(optarg, 1, VMM_MAX_VCPUS, &n))
				return bad("--cpus: must be 1 or 2", optarg);
			a->vcpus = n;
			break;
		case 't':
			if (parse_uint(optarg, 1, 86400, &n))
				return bad("--timeout: seconds, 1 to 86400",
					   optarg);
			a->timeout = n;
			break;
		case 's':
			a->stats = true;
			break;
		case 'd':
			a->disk = optarg;
			break;
		case OPT_DISK_RO:
			a->disk_ro = true;
			break;
		case 'r':
			a->rng = true;
			break;
		case OPT_SNAPSHOT:
			a->snapshot = optarg;
			break;
		case OPT_RESTORE:
			a->restore = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case ':':
			return bad("option needs an argument",
				   argv[optind - 1]);
		default:
			return bad("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad("unexpected argument", argv[optind]);
	if (a->kvm_bus && a->mode == VMDEV_VM_USER) {
		vmm_err("--kvm-bus: level 3 is kernel mode's (--mode user "
			"given)");
		fputs(usage, stderr);
		return -EINVAL;
	}
	if (a->restore)
		return check_restore(a);
	if (!a->kernel) {
		vmm_err("no kernel given (-k BZIMAGE)");
		fputs(usage, stderr);
		return -EINVAL;
	}
	return vmm_check_disk(a);
}
