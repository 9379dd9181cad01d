// SPDX-License-Identifier: GPL-2.0
/*
 * Where an argument lives decides how the kernel may fail to read or
 * write it. Each thread keeps memory for every case: a plain buffer
 * (with a canary after the argument, see call.c), a page whose end runs
 * into an inaccessible page (a struct or an array that is only partly
 * readable, or that ends exactly at the edge), a read-only page (the
 * kernel reads the argument but cannot write its results back), an
 * inaccessible page, and addresses no user mapping has (NULL, kernel,
 * non-canonical).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define FZ_CANARY_BYTE	0xa5
#define FZ_AEDGE_PAGES	16	/* an array's edge: room for 64 KiB */

int fz_mem_init(struct fz_mem *m)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *p;

	memset(m, 0, sizeof(*m));
	m->page = pg;
	p = mmap(NULL, FZ_BUF_SIZE + (3 + FZ_AEDGE_PAGES + 1 + 2) * pg,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	m->buf = p;
	p += FZ_BUF_SIZE;
	/* edge: one page, then a hole. */
	m->edge = p;
	p += pg;
	if (mprotect(p, pg, PROT_NONE))
		return -1;
	p += pg;
	/* aedge: FZ_AEDGE_PAGES pages, then a hole. */
	m->aedge = p;
	p += FZ_AEDGE_PAGES * pg;
	if (mprotect(p, pg, PROT_NONE))
		return -1;
	p += pg;
	m->ro = p;
	p += pg;
	m->none = p;
	return mprotect(m->none, pg, PROT_NONE) ? -1 : 0;
}

void fz_mem_free(struct fz_mem *m)
{
	if (m->buf)
		munmap(m->buf, FZ_BUF_SIZE +
		       (3 + FZ_AEDGE_PAGES + 1 + 2) * m->page);
	m->buf = NULL;
}

/*
 * Mostly the plain buffer; bad_pct percent of the time one of the odd
 * places, the edge more often than the rest.
 */
enum fz_where fz_pick_where(struct fz_thread *t, unsigned int bad_pct)
{
	static const unsigned int w[] = {
		[FZ_AT_EDGE] = 8, [FZ_AT_RO] = 4, [FZ_AT_NONE] = 3,
		[FZ_AT_NULL] = 2, [FZ_AT_KERNEL] = 2, [FZ_AT_NONCANON] = 1,
	};

	if (!fz_chance(&t->rng, bad_pct))
		return FZ_AT_BUF;
	return (enum fz_where)fz_weighted(&t->rng, w, sizeof(w) / sizeof(w[0]));
}

static uint8_t *wild_address(struct fz_thread *t, enum fz_where where)
{
	uint64_t off = fz_below(&t->rng, 4096);

	switch (where) {
	case FZ_AT_NULL:
		return (uint8_t *)(uintptr_t)(fz_chance(&t->rng, 50) ? 0 : off);
	case FZ_AT_KERNEL:
		return (uint8_t *)(uintptr_t)(0xffff888000000000ULL +
					      (fz_u64(&t->rng) & 0xfffffff000ULL) +
					      off);
	case FZ_AT_NONCANON:
		return (uint8_t *)(uintptr_t)(0x0000800000000000ULL |
					      (fz_u64(&t->rng) >> 17) | off);
	default:
		return t->mem.none + off;
	}
}

/*
 * Copy the len-byte argument src where `where` says and return the
 * address to pass; *readable is how many of its bytes can be read (and
 * are ours to check afterwards). At the edge, the argument either ends
 * exactly at the inaccessible page or runs into it.
 */
void *fz_place(struct fz_thread *t, const void *src, size_t len,
	       enum fz_where where, size_t *readable)
{
	struct fz_mem *m = &t->mem;
	size_t k;
	uint8_t *p;

	switch (where) {
	case FZ_AT_BUF:
		if (len > FZ_BUF_SIZE - FZ_CANARY)
			len = FZ_BUF_SIZE - FZ_CANARY;
		memcpy(m->buf, src, len);
		memset(m->buf + len, FZ_CANARY_BYTE, FZ_CANARY);
		*readable = len;
		return m->buf;
	case FZ_AT_EDGE:
		k = len > m->page ? m->page : len;
		if (k > 1 && fz_chance(&t->rng, 60))
			k = 1 + fz_below(&t->rng, (uint32_t)k - 1);
		p = m->edge + m->page - k;
		memcpy(p, src, k);
		*readable = k;
		return p;
	case FZ_AT_RO:
		k = len > m->page ? m->page : len;
		mprotect(m->ro, m->page, PROT_READ | PROT_WRITE);
		memcpy(m->ro, src, k);
		mprotect(m->ro, m->page, PROT_READ);
		*readable = k;
		return m->ro;
	default:
		*readable = 0;
		return wild_address(t, where);
	}
}

/*
 * The pointer of an array of len bytes (regs, ranges, batch entries,
 * FIFO entries): usually store, which holds it already; now and then
 * the same bytes ending at, or running into, an inaccessible page, or a
 * wild address. An empty array gets wild pointers more often: the
 * kernel must not read it at all.
 */
uint64_t fz_array_ptr(struct fz_thread *t, const void *src, size_t len,
		      uint8_t *store)
{
	struct fz_mem *m = &t->mem;
	size_t room = FZ_AEDGE_PAGES * m->page, k;
	unsigned int bad = len ? 4 : 40;
	uint8_t *p;

	if (!fz_chance(&t->rng, bad)) {
		if (src != store)
			memcpy(store, src, len);
		return (uintptr_t)store;
	}
	switch (fz_below(&t->rng, 4)) {
	case 0:
	case 1:
		k = len > room ? room : len;
		/* Cut short by up to an element's worth, or not at all. */
		if (k > 1 && fz_chance(&t->rng, 50))
			k -= 1 + fz_below(&t->rng, (uint32_t)(k < 64 ? k - 1 : 63));
		p = m->aedge + room - k;
		memcpy(p, src, k);
		return (uintptr_t)p;
	case 2:
		return (uintptr_t)wild_address(t, FZ_AT_NONE);
	default:
		return (uintptr_t)wild_address(t, FZ_AT_NULL + fz_below(&t->rng, 3));
	}
}

/*
 * The size field of an extensible struct whose known size is known:
 * mostly exact, else smaller (EINVAL), larger with a tail (zero: fine,
 * not zero: E2BIG, see fz_fill_tail()), a page exactly, over a page, or
 * anything.
 */
uint32_t fz_pick_size(struct fz_thread *t, uint32_t known)
{
	unsigned int x = fz_below(&t->rng, 100);

	if (x < 72)
		return known;
	if (x < 78)
		return fz_below(&t->rng, known);
	if (x < 92)
		return known + 1 + fz_below(&t->rng, fz_chance(&t->rng, 80) ?
					    64 : 4096 - known);
	if (x < 95)
		return 4096;
	if (x < 98)
		return 4097 + fz_below(&t->rng, 8192);
	return fz_wild32(&t->rng);
}

/*
 * Bytes [known, size) of a struct the caller made size bytes long (at
 * most a page): zero, as a newer header's unused fields would be, or
 * with one byte set somewhere (E2BIG): true then.
 */
bool fz_fill_tail(struct fz_thread *t, uint8_t *p, uint32_t known,
		  uint32_t size)
{
	if (size > 4096)
		size = 4096;
	if (size <= known)
		return false;
	memset(p + known, 0, size - known);
	if (!fz_chance(&t->rng, 30))
		return false;
	p[known + fz_below(&t->rng, size - known)] =
		(uint8_t)(1 + fz_below(&t->rng, 255));
	return true;
}
