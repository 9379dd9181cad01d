// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The snapshot file (snapfile.h). Its layout, little-endian (the VMM is
 * x86-64's):
 *
 *   header   "VMDEVVMM", u32 version, u32 header size, u64 file size,
 *            u32 sections, u32 zero
 *   section  u32 tag, u32 id, u64 length, u64 FNV-1a of the data (0 for
 *            guest RAM), the data, zeroes to the next 8-byte boundary
 *
 * A section of tag 0 is padding: it puts guest RAM's data at a page
 * boundary, so that its zero pages can be holes of a sparse file and
 * the restore can copy it from a mapping of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapfile.h"

#define SNAP_MAGIC	"VMDEVVMM"
#define SNAP_PAD	0
#define PAGE		4096ULL
#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

struct snap_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size;
	uint64_t size;
	uint32_t nr_sections;
	uint32_t zero;
};

struct snap_sec {
	uint32_t tag;
	uint32_t id;
	uint64_t len;
	uint64_t sum;
};

static uint64_t fnv(const void *data, uint64_t len)
{
	const uint8_t *p = data;
	uint64_t h = FNV_OFFSET;

	while (len--)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

static uint64_t align(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void put(struct snap_writer *w, const void *data, uint64_t len)
{
	const uint8_t *p = data;
	ssize_t n;

	while (!w->error && len) {
		n = pwrite(w->fd, p, len, w->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->error = n < 0 ? -errno : -EIO;
			return;
		}
		p += n;
		len -= n;
		w->off += n;
	}
}

static void put_sec(struct snap_writer *w, uint32_t tag, uint32_t id,
		    uint64_t len, uint64_t sum)
{
	struct snap_sec s = { .tag = tag, .id = id, .len = len, .sum = sum };

	put(w, &s, sizeof(s));
	w->nr_sections++;
}

int snap_write_begin(struct snap_writer *w, const char *path)
{
	*w = (struct snap_writer){ .off = sizeof(struct snap_hdr) };
	w->fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	return w->fd < 0 ? -errno : 0;
}

void snap_write(struct snap_writer *w, uint32_t tag, uint32_t id,
		const void *data, uint64_t len)
{
	static const uint8_t zeroes[8];

	put_sec(w, tag, id, len, fnv(data, len));
	put(w, data, len);
	put(w, zeroes, align(w->off, 8) - w->off);
}

static bool zero_page(const uint8_t *p)
{
	uint64_t i;

	for (i = 0; i < PAGE; i += 8)
		if (*(const uint64_t *)(p + i))
			return false;
	return true;
}

void snap_write_memory(struct snap_writer *w, const void *mem, uint64_t len)
{
	const uint8_t *p = mem;
	uint64_t start, i;

	/* A padding section ending where RAM's data begins, page-aligned. */
	start = align(w->off + 2 * sizeof(struct snap_sec), PAGE);
	put_sec(w, SNAP_PAD, 0, start - w->off - 2 * sizeof(struct snap_sec),
		0);
	w->off = start - sizeof(struct snap_sec);
	put_sec(w, SNAP_MEMORY, 0, len, 0);
	for (i = 0; i < len && !w->error; i += PAGE) {
		if (len - i >= PAGE && zero_page(p + i)) {
			w->off += PAGE;
			continue;
		}
		put(w, p + i, len - i < PAGE ? len - i : PAGE);
	}
	w->off = align(start + len, 8);
}

int64_t snap_write_end(struct snap_writer *w)
{
	struct snap_hdr h = {
		.magic = SNAP_MAGIC, .version = SNAPFILE_VERSION,
		.hdr_size = sizeof(h), .size = w->off,
		.nr_sections = w->nr_sections,
	};
	uint64_t end = w->off;

	/* Trailing holes count: the size is the header's. */
	if (!w->error && ftruncate(w->fd, end))
		w->error = -errno;
	w->off = 0;
	put(w, &h, sizeof(h));
	if (close(w->fd) && !w->error)
		w->error = -errno;
	return w->error ? w->error : (int64_t)end;
}

/* Walk the sections; with tag, stop at that one. */
static const struct snap_sec *walk(const struct snap_reader *r, uint32_t tag,
				   uint32_t id, const char **why)
{
	uint64_t off = sizeof(struct snap_hdr);
	uint32_t i;

	for (i = 0; i < r->nr_sections; i++) {
		const struct snap_sec *s = (const void *)(r->map + off);

		if (r->size - off < sizeof(*s)) {
			*why = "a section header past the end of the file";
			return NULL;
		}
		off += sizeof(*s);
		if (s->len > r->size - off) {
			*why = "a section past the end of the file";
			return NULL;
		}
		if (tag && s->tag == tag && s->id == id)
			return s;
		if (!tag && s->tag != SNAP_PAD && s->tag != SNAP_MEMORY &&
		    fnv(s + 1, s->len) != s->sum) {
			*why = "a section's checksum is wrong";
			return NULL;
		}
		off = align(off + s->len, 8);
	}
	*why = NULL;
	return NULL;
}

static int check(struct snap_reader *r, const char **why)
{
	const struct snap_hdr *h = (const void *)r->map;

	if (r->size < sizeof(*h) || memcmp(h->magic, SNAP_MAGIC, 8)) {
		*why = "not a vmdev-vmm snapshot";
		return -EBADMSG;
	}
	if (h->version != SNAPFILE_VERSION) {
		*why = "a snapshot of another format version";
		return -EPROTONOSUPPORT;
	}
	if (h->hdr_size != sizeof(*h) || h->zero || h->size != r->size) {
		*why = h->size != r->size ? "the file is truncated or extended"
					  : "a damaged header";
		return -EBADMSG;
	}
	r->nr_sections = h->nr_sections;
	walk(r, 0, 0, why);
	return *why ? -EBADMSG : 0;
}

int snap_read_open(struct snap_reader *r, const char *path, const char **why)
{
	struct stat st;
	int fd, ret;

	*r = (struct snap_reader){ 0 };
	*why = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		close(fd);
		*why = "not a vmdev-vmm snapshot";
		return -EBADMSG;
	}
	r->size = st.st_size;
	r->map = mmap(NULL, r->size, PROT_READ, MAP_PRIVATE, fd, 0);
	ret = r->map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret) {
		r->map = NULL;
		return ret;
	}
	ret = check(r, why);
	if (ret)
		snap_read_close(r);
	return ret;
}

void snap_read_close(struct snap_reader *r)
{
	if (r->map)
		munmap((void *)r->map, r->size);
	r->map = NULL;
}

const void *snap_find(const struct snap_reader *r, uint32_t tag, uint32_t id,
		      uint64_t *len)
{
	const char *why;
	const struct snap_sec *s = walk(r, tag, id, &why);

	if (!s)
		return NULL;
	*len = s->len;
	return s + 1;
}

int snap_get(const struct snap_reader *r, uint32_t tag, uint32_t id,
	     void *dst, uint64_t len)
{
	uint64_t n;
	const void *p = snap_find(r, tag, id, &n);

	if (!p || n != len)
		return -EBADMSG;
	memcpy(dst, p, len);
	return 0;
}
