// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The x86 64-bit boot protocol (Linux's Documentation/arch/x86/boot.rst,
 * "64-bit Boot Protocol"): no real-mode setup code runs. The VMM loads
 * the protected-mode part of the bzImage at 16 MiB, fills boot_params
 * (the "zero page": the image's setup header, the e820 map, the command
 * line and initrd pointers) and starts the vCPU in long mode at the
 * 64-bit entry, 0x200 past the load address, with %rsi pointing at
 * boot_params (cpu.c). The kernel decompresses itself from there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <asm/bootparam.h>

#include "vmm.h"
#include "layout.h"

#define SETUP_HDR_OFFSET	0x1f1
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define BOOT_FLAG		0xaa55
#define MIN_PROTOCOL		0x20c		/* 2.12: XLF_KERNEL_64 */
#define ENTRY_64_OFFSET		0x200
#define LOADER_UNDEFINED	0xff		/* type_of_loader */
#define PAGE_SIZE		4096ULL

/* A whole file into *buf; a message names the file and the problem. */
static int read_file(const char *what, const char *path, uint64_t limit,
		     void **buf, size_t *size)
{
	struct stat st;
	ssize_t n;
	size_t done = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vmm_err("%s %s: %s", what, path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		vmm_err("%s %s: not a regular file", what, path);
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > limit) {
		vmm_err("%s %s: %lld bytes, too large for %llu MiB of guest "
			"memory", what, path, (long long)st.st_size,
			(unsigned long long)(limit >> 20));
		close(fd);
		return -EFBIG;
	}
	*size = st.st_size;
	*buf = malloc(*size ? *size : 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (done < *size) {
		n = read(fd, (char *)*buf + done, *size - done);
		if (n <= 0) {
			vmm_err("%s %s: %s", what, path,
				n ? strerror(errno) : "file shrank");
			ret = n ? -errno : -EIO;
			break;
		}
		done += n;
	}
	close(fd);
	if (ret) {
		free(*buf);
		*buf = NULL;
	}
	return ret;
}

int vmm_cmdline_add(struct vmm *vmm, const char *text)
{
	size_t len = strlen(vmm->cmdline), add = strlen(text);

	if (!add)
		return 0;
	if (len + !!len + add >= sizeof(vmm->cmdline)) {
		vmm_err("kernel command line longer than %zu bytes",
			sizeof(vmm->cmdline) - 1);
		return -E2BIG;
	}
	if (len)
		vmm->cmdline[len++] = ' ';
	memcpy(vmm->cmdline + len, text, add + 1);
	return 0;
}

/* The setup header, checked to be one this loader can boot. */
static int check_header(const char *path, const uint8_t *img, size_t size,
			struct setup_header *hdr)
{
	if (size < SETUP_HDR_OFFSET + sizeof(*hdr)) {
		vmm_err("kernel %s: too small to be a bzImage", path);
		return -ENOEXEC;
	}
	memcpy(hdr, img + SETUP_HDR_OFFSET, sizeof(*hdr));
	if (hdr->header != HDRS_MAGIC || hdr->boot_flag != BOOT_FLAG) {
		vmm_err("kernel %s: not a bzImage (no \"HdrS\" setup header)",
			path);
		return -ENOEXEC;
	}
	if (hdr->version < MIN_PROTOCOL || !(hdr->xloadflags & XLF_KERNEL_64)) {
		vmm_err("kernel %s: boot protocol %u.%02u without a 64-bit "
			"entry point (2.12 and XLF_KERNEL_64 needed)", path,
			hdr->version >> 8, hdr->version & 0xff);
		return -ENOEXEC;
	}
	if (!hdr->relocatable_kernel &&
	    hdr->pref_address != LAYOUT_KERNEL) {
		vmm_err("kernel %s: not relocatable and not built for 16 MiB",
			path);
		return -ENOEXEC;
	}
	return 0;
}

/* The protected-mode kernel at LAYOUT_KERNEL, room for init_size. */
static int place_kernel(struct vmm *vmm, const uint8_t *img, size_t size,
			const struct setup_header *hdr, uint64_t *end)
{
	unsigned int sects = hdr->setup_sects ? hdr->setup_sects : 4;
	size_t off = (size_t)(sects + 1) * 512;
	uint64_t need;

	if (off >= size) {
		vmm_err("kernel %s: setup code (%zu bytes) fills the whole "
			"file", vmm->args.kernel, off);
		return -ENOEXEC;
	}
	/* The decompressor works in place: it needs init_size bytes. */
	need = hdr->init_size > size - off ? hdr->init_size : size - off;
	if (LAYOUT_KERNEL + need > vmm->mem_size) {
		vmm_err("kernel %s: needs %llu MiB from 16 MiB on, more than "
			"the guest's %llu MiB of memory", vmm->args.kernel,
			(unsigned long long)(need >> 20) + 1,
			(unsigned long long)(vmm->mem_size >> 20));
		return -EFBIG;
	}
	memcpy(vmm_gpa(vmm, LAYOUT_KERNEL, size - off), img + off, size - off);
	vmm->entry = LAYOUT_KERNEL + ENTRY_64_OFFSET;
	*end = LAYOUT_KERNEL + need;
	return 0;
}

/* The initrd at the top of RAM (below initrd_addr_max), past the kernel. */
static int place_initrd(struct vmm *vmm, const struct setup_header *hdr,
			uint64_t kernel_end, struct boot_params *bp)
{
	uint64_t top = vmm->mem_size, addr;
	size_t size;
	void *buf;
	int ret;

	if (!vmm->args.initrd)
		return 0;
	ret = read_file("initrd", vmm->args.initrd, vmm->mem_size, &buf,
			&size);
	if (ret)
		return ret;
	if (top > (uint64_t)hdr->initrd_addr_max + 1)
		top = (uint64_t)hdr->initrd_addr_max + 1;
	addr = (top - size) & ~(PAGE_SIZE - 1);
	if (size > top || addr < kernel_end) {
		vmm_err("initrd %s: %zu bytes do not fit in guest memory "
			"above the kernel (%llu MiB of RAM)", vmm->args.initrd,
			size, (unsigned long long)(vmm->mem_size >> 20));
		free(buf);
		return -EFBIG;
	}
	memcpy(vmm_gpa(vmm, addr, size), buf, size);
	free(buf);
	bp->hdr.ramdisk_image = addr;
	bp->hdr.ramdisk_size = size;
	return 0;
}

static int write_cmdline(struct vmm *vmm, const struct setup_header *hdr,
			 struct boot_params *bp)
{
	size_t len = strlen(vmm->cmdline);

	if (len >= hdr->cmdline_size) {
		vmm_err("kernel command line: %zu bytes, the kernel takes at "
			"most %u", len, hdr->cmdline_size - 1);
		return -E2BIG;
	}
	memcpy(vmm_gpa(vmm, LAYOUT_CMDLINE, len + 1), vmm->cmdline, len + 1);
	bp->hdr.cmd_line_ptr = LAYOUT_CMDLINE;
	return 0;
}

int vmm_load_linux(struct vmm *vmm)
{
	struct boot_params *bp = vmm_gpa(vmm, LAYOUT_ZERO_PAGE, sizeof(*bp));
	struct setup_header hdr;
	uint64_t kernel_end;
	size_t size;
	void *img;
	int ret;

	ret = read_file("kernel", vmm->args.kernel, vmm->mem_size, &img,
			&size);
	if (ret)
		return ret;
	ret = check_header(vmm->args.kernel, img, size, &hdr);
	if (!ret)
		ret = place_kernel(vmm, img, size, &hdr, &kernel_end);
	free(img);
	if (ret)
		return ret;

	memset(bp, 0, sizeof(*bp));
	bp->hdr = hdr;
	bp->hdr.type_of_loader = LOADER_UNDEFINED;
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.code32_start = LAYOUT_KERNEL;
	bp->e820_entries = vmm_e820(vmm, bp->e820_table,
				    E820_MAX_ENTRIES_ZEROPAGE);
	ret = write_cmdline(vmm, &hdr, bp);
	if (!ret)
		ret = place_initrd(vmm, &hdr, kernel_end, bp);
	vmm->zero_page = LAYOUT_ZERO_PAGE;
	return ret;
}
