// SPDX-License-Identifier: GPL-2.0
/*
 * Create requests: register maps that are valid by construction most of
 * the time, so that devices do get created and guests and threads do
 * access them, and then, a quarter of the time, mutated: a bit flipped,
 * a field set to a boundary value, a count over its limit or past the
 * array, ranges that overlap, wrap or leave their space.
 *
 * A valid map (Documentation/register-devices.rst, "Validation") gives
 * every register an 8-byte slot of the window of its own, so registers
 * never conflict, except for the pairs that may share a slot: a FIFO_IN
 * that only takes writes with a FIFO_OUT that only answers reads (the
 * UART's THR and RBR), and registers banked on a selector with values
 * that differ in a bit both test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devmaps.h"
#include "fuzz.h"

static bool stateful(uint8_t type)
{
	switch (type) {
	case VMDEV_REG_RO:
	case VMDEV_REG_RW:
	case VMDEV_REG_W1C:
	case VMDEV_REG_W1S:
	case VMDEV_REG_COR:
	case VMDEV_REG_DOORBELL:
		return true;
	default:
		return false;
	}
}

static uint64_t width_mask(uint32_t width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* A register of a random type at offset, width wide, valid on its own. */
static void gen_reg(struct fz_thread *t, struct fz_map *m, uint32_t idx,
		    uint32_t offset, uint32_t width, uint32_t nr_irqs)
{
	static const unsigned int type_w[VMDEV_REG_TYPE_COUNT] = {
		[VMDEV_REG_RO] = 6, [VMDEV_REG_RW] = 14, [VMDEV_REG_W1C] = 5,
		[VMDEV_REG_W1S] = 4, [VMDEV_REG_COR] = 4,
		[VMDEV_REG_CONST] = 4, [VMDEV_REG_FIFO_IN] = 7,
		[VMDEV_REG_FIFO_OUT] = 7, [VMDEV_REG_COUNTER] = 3,
		[VMDEV_REG_DOORBELL] = 7, [VMDEV_REG_TRAP] = 3,
		[VMDEV_REG_IRQ_ID] = 3,
	};
	struct vmdev_reg *r = &m->regs[idx];
	struct fz_rng *rng = &t->rng;
	uint32_t i, k;

	memset(r, 0, sizeof(*r));
	r->offset = offset;
	r->width = (uint8_t)width;
	r->sel_reg = VMDEV_SEL_NONE;
	do
		r->type = (uint8_t)fz_weighted(rng, type_w, VMDEV_REG_TYPE_COUNT);
	while (r->type == VMDEV_REG_IRQ_ID && !nr_irqs);
	r->reset = fz_u64(rng) & width_mask(width);
	r->wmask = (fz_chance(rng, 50) ? ~0ULL : fz_u64(rng)) &
		   width_mask(width);
	switch (fz_below(rng, 8)) {
	case 0:
		r->flags = VMDEV_REG_F_NOREAD;
		break;
	case 1:
		r->flags = VMDEV_REG_F_NOWRITE;
		break;
	case 2:
	case 3:
		r->flags = VMDEV_REG_F_PARTIAL;
		break;
	}
	switch (r->type) {
	case VMDEV_REG_FIFO_IN:
	case VMDEV_REG_FIFO_OUT:
		r->flags &= (uint16_t)~VMDEV_REG_F_PARTIAL;
		r->arg.fifo.depth = fz_chance(rng, 5) ? VMDEV_MAX_FIFO :
				    1 + fz_below(rng, 64);
		break;
	case VMDEV_REG_COUNTER:
		r->arg.counter.mult = 1 + fz_below(rng, UINT32_MAX);
		r->arg.counter.shift = fz_below(rng, 64);
		break;
	case VMDEV_REG_W1C:
	case VMDEV_REG_W1S:
		/* Another stateful register before this one, or itself. */
		for (k = 0; k < 4 && idx; k++) {
			i = fz_below(rng, idx);
			if (stateful(m->regs[i].type)) {
				r->arg.target.flags = VMDEV_TARGET_F_OTHER;
				r->arg.target.target = i;
				break;
			}
		}
		break;
	case VMDEV_REG_IRQ_ID:
		r->arg.irq_id.line = fz_below(rng, nr_irqs);
		r->arg.irq_id.id_mask = (uint8_t)fz_u64(rng);
		r->arg.irq_id.nr_prio = (uint8_t)fz_below(rng, 7);
		for (i = 0; i < r->arg.irq_id.nr_prio; i++) {
			r->arg.irq_id.prio[i] = (uint8_t)fz_below(rng, 64);
			r->arg.irq_id.code[i] = (uint8_t)fz_u64(rng);
		}
		break;
	}
}

/* Registers in slots of 8 bytes, some pairs sharing a slot. */
static uint32_t gen_regs(struct fz_thread *t, struct fz_map *m,
			 uint32_t nslots, uint32_t nr_irqs, uint32_t max)
{
	static const uint8_t widths[4] = { 1, 2, 4, 8 };
	struct fz_rng *rng = &t->rng;
	uint32_t nr = 0, slot, w, off, sel = VMDEV_SEL_NONE;

	/* A hidden register (interrupt sources, as the UART's INTR). */
	if (fz_chance(rng, 10)) {
		gen_reg(t, m, nr, 0, 1 << fz_below(rng, 4), nr_irqs);
		m->regs[nr].type = VMDEV_REG_RW;
		m->regs[nr].flags = VMDEV_REG_F_HIDDEN;
		memset(&m->regs[nr].arg, 0, sizeof(m->regs[nr].arg));
		nr++;
	}
	for (slot = 0; slot < nslots && nr + 2 <= max; slot++) {
		if (fz_chance(rng, 15))
			continue;	/* a hole */
		w = widths[fz_below(rng, 4)];
		off = slot * 8 + fz_below(rng, 8 / w) * w;
		gen_reg(t, m, nr, off, w, nr_irqs);
		if (fz_chance(rng, 12)) {
			/* THR and RBR: one slot, one direction each. */
			m->regs[nr].type = VMDEV_REG_FIFO_IN;
			m->regs[nr].flags = VMDEV_REG_F_NOREAD;
			memset(&m->regs[nr].arg, 0, sizeof(m->regs[nr].arg));
			m->regs[nr].arg.fifo.depth = 1 + fz_below(rng, 32);
			m->regs[nr + 1] = m->regs[nr];
			m->regs[nr + 1].type = VMDEV_REG_FIFO_OUT;
			m->regs[nr + 1].flags = VMDEV_REG_F_NOWRITE;
			nr += 2;
			continue;
		}
		if (sel != VMDEV_SEL_NONE && fz_chance(rng, 12)) {
			/* Two banks of one slot on selector bit 0. */
			m->regs[nr].sel_reg = (uint16_t)sel;
			m->regs[nr].sel_mask = 1;
			gen_reg(t, m, nr + 1, off, w, nr_irqs);
			m->regs[nr + 1].sel_reg = (uint16_t)sel;
			m->regs[nr + 1].sel_mask = 1;
			m->regs[nr + 1].sel_val = 1;
			nr += 2;
			continue;
		}
		if (m->regs[nr].type == VMDEV_REG_RW && sel == VMDEV_SEL_NONE)
			sel = nr;
		nr++;
	}
	return nr;
}

static void gen_links_irqs(struct fz_thread *t, struct fz_map *m,
			   uint32_t nr_regs, uint32_t nr_irqs)
{
	struct fz_rng *rng = &t->rng;
	uint32_t i, k, nr_links = 0, want = fz_below(rng, 5), src, dst;

	for (k = 0; k < 4 * want && nr_links < want; k++) {
		src = fz_below(rng, nr_regs);
		dst = fz_below(rng, nr_regs);
		if (src == dst || (m->regs[src].type != VMDEV_REG_FIFO_IN &&
				   m->regs[src].type != VMDEV_REG_FIFO_OUT) ||
		    !stateful(m->regs[dst].type))
			continue;
		m->links[nr_links] = (struct vmdev_link){
			.src = (uint16_t)src, .dst = (uint16_t)dst,
			.cond = fz_below(rng, VMDEV_LINK_COND_COUNT),
			.mask = (1ULL << fz_below(rng, 8 * m->regs[dst].width)),
		};
		nr_links++;
	}
	m->req.nr_links = nr_links;
	for (i = 0; i < nr_irqs; i++) {
		struct vmdev_irq *q = &m->irqs[i];

		memset(q, 0, sizeof(*q));
		/* Any register but an IRQ_ID; gen_random() left one. */
		do
			q->status_reg = (uint16_t)fz_below(rng, nr_regs);
		while (m->regs[q->status_reg].type == VMDEV_REG_IRQ_ID);
		q->enable_reg = VMDEV_SEL_NONE;
		q->enable_mask = fz_chance(rng, 50) ? ~0ULL : fz_u64(rng);
		k = fz_below(rng, nr_regs);
		if (fz_chance(rng, 50) && m->regs[k].type != VMDEV_REG_IRQ_ID) {
			q->enable_reg = (uint16_t)k;
			q->enable_mask = 0;
		}
		q->flags = fz_chance(rng, 50) ? VMDEV_IRQ_F_LEVEL : 0;
	}
}

/*
 * Lines need a status register that is not an IRQ_ID: true if the map
 * has one. Else its IRQ_ID registers become plain ones, and the map gets
 * no line.
 */
static bool has_status_reg(struct fz_map *m, uint32_t nr_regs)
{
	uint32_t i;

	for (i = 0; i < nr_regs; i++) {
		if (m->regs[i].type != VMDEV_REG_IRQ_ID)
			return true;
	}
	for (i = 0; i < nr_regs; i++) {
		m->regs[i].type = VMDEV_REG_RO;
		memset(&m->regs[i].arg, 0, sizeof(m->regs[i].arg));
	}
	return false;
}

/* A map of our own: a window of slots, registers, links, lines. */
static void gen_random(struct fz_thread *t, struct fz_map *m)
{
	struct fz_rng *rng = &t->rng;
	uint32_t nslots = 1 + fz_below(rng, fz_chance(rng, 10) ? 128 : 16);
	uint32_t nr_irqs = fz_below(rng, 4), nr_regs;

	nr_regs = gen_regs(t, m, nslots, nr_irqs, VMDEV_MAX_REGS);
	if (!has_status_reg(m, nr_regs))
		nr_irqs = 0;
	m->req.dev_size = nslots * 8;
	if (fz_chance(rng, 20))
		m->req.dev_size += fz_below(rng, 64);
	if (fz_chance(rng, 3))
		m->req.dev_size = VMDEV_RDEV_MAX_DEV_SIZE;
	/*
	 * Few devices trap their holes: misfit accesses are common (a guest
	 * access of 4 bytes on a 1-byte register) and each trap is an exit
	 * to userspace, which the guest runners pay for dearly.
	 */
	if (fz_chance(rng, 25))
		m->req.flags = fz_chance(rng, 40) ? VMDEV_DEV_F_HOLE_ONES :
			       1 + fz_below(rng, VMDEV_DEV_F_ALL);
	m->req.nr_regs = nr_regs;
	m->req.nr_irqs = nr_irqs;
	if (nr_regs)
		gen_links_irqs(t, m, nr_regs, nr_irqs);
	else
		m->req.nr_links = 0;
}

/* One of the real devices' maps. */
static void gen_real(struct fz_thread *t, struct fz_map *m)
{
	struct vmdev_virtio_mmio_map vm;
	const struct vmdev_rdev_desc *d;

	switch (fz_below(&t->rng, 3)) {
	case 0:
		d = &vmdev_uart16550_map;
		break;
	case 1:
		vmdev_virtio_mmio_map_init(&vm, fz_below(&t->rng, 64),
					   (uint32_t)fz_u64(&t->rng));
		d = &vm.desc;
		break;
	default:
		d = &vmdev_port80_map;
		break;
	}
	m->req.flags = d->flags;
	m->req.dev_size = d->dev_size;
	m->req.nr_regs = d->nr_regs;
	m->req.nr_links = d->nr_links;
	m->req.nr_irqs = d->nr_irqs;
	memcpy(m->regs, d->regs, d->nr_regs * sizeof(*d->regs));
	memcpy(m->links, d->links, d->nr_links * sizeof(*d->links));
	memcpy(m->irqs, d->irqs, d->nr_irqs * sizeof(*d->irqs));
}

/* The extent rules of a range (Documentation/uapi.rst). */
static bool range_valid(const struct vmdev_range *r)
{
	if (r->pad || !r->len || r->base + r->len < r->base ||
	    r->base + r->len == 0)
		return false;
	switch (r->space) {
	case VMDEV_SPACE_PIO:
		return r->base + r->len <= 0x10000;
	case VMDEV_SPACE_MMIO:
		return true;
	default:
		return false;
	}
}

/*
 * A range: in an arena (where the guest goes) most of the time, aligned
 * or not, as long as the window or not; or anywhere. Invalid ones are
 * empty, wrap, leave the PIO space, name no space or have padding set.
 */
void fz_range_gen(struct fz_thread *t, struct vmdev_range *r, bool valid)
{
	struct fz_rng *rng = &t->rng;
	uint64_t len = fz_chance(rng, 70) ? 8ULL << fz_below(rng, 7) :
		       1 + fz_below(rng, 0x400);

	memset(r, 0, sizeof(*r));
	r->space = fz_below(rng, 2);
	if (fz_chance(rng, 92)) {
		uint64_t base = r->space == VMDEV_SPACE_PIO ? FZ_PIO_ARENA :
				FZ_MMIO_ARENA;
		uint64_t span = r->space == VMDEV_SPACE_PIO ? FZ_PIO_ARENA_LEN :
				FZ_MMIO_ARENA_LEN;

		r->base = base + fz_below(rng, (uint32_t)span);
		if (fz_chance(rng, 60))
			r->base &= ~7ULL;
	} else {
		r->base = r->space == VMDEV_SPACE_PIO ?
			  fz_below(rng, 0x10000) : fz_wild64(rng);
	}
	/* Inside the space: PIO up to 0x10000, MMIO short of 2^64. */
	if (r->space == VMDEV_SPACE_PIO && r->base + len > 0x10000)
		len = 0x10000 - r->base;
	if (r->space == VMDEV_SPACE_MMIO && r->base > ~0ULL - len)
		r->base = ~0ULL - len;
	r->len = len;
	if (valid)
		return;
	switch (fz_below(rng, 6)) {
	case 0:
		r->len = 0;
		break;
	case 1:
		r->base = ~0ULL - fz_below(rng, 16);
		r->len = 1 + fz_below(rng, 64);
		r->space = VMDEV_SPACE_MMIO;
		break;
	case 2:
		r->space = VMDEV_SPACE_PIO;
		r->base = 0x10000 - fz_below(rng, 8);
		r->len = 8 + fz_below(rng, 8);
		break;
	case 3:
		r->space = 2 + fz_below(rng, 100);
		break;
	case 4:
		r->pad = 1 + fz_below(rng, 1000);
		break;
	default:
		r->len = fz_wild64(rng);
		break;
	}
}

static void gen_ranges(struct fz_thread *t, struct fz_map *m)
{
	struct fz_rng *rng = &t->rng;
	uint32_t i, n;

	n = fz_chance(rng, 8) ? 0 : 1 + fz_below(rng, 2);
	if (fz_chance(rng, 5))
		n = fz_below(rng, VMDEV_MAX_DEV_RANGES + 1);
	for (i = 0; i < n; i++)
		fz_range_gen(t, &m->ranges[i], true);
	/* The same place twice, or overlapping: EEXIST. */
	if (n >= 2 && fz_chance(rng, 10)) {
		m->ranges[1] = m->ranges[0];
		m->ranges[1].base += fz_below(rng, (uint32_t)
					      (m->ranges[0].len < 8 ?
					       m->ranges[0].len : 8));
		if (!range_valid(&m->ranges[1]))
			m->ranges[1] = m->ranges[0];
	}
	m->req.nr_ranges = n;
}

void fz_map_gen(struct fz_thread *t, struct fz_map *m)
{
	memset(&m->req, 0, sizeof(m->req));
	m->req.size = sizeof(m->req);
	if (fz_chance(&t->rng, 30))
		gen_real(t, m);
	else
		gen_random(t, m);
	gen_ranges(t, m);
	snprintf(m->req.name, sizeof(m->req.name), "fz%u.%u.%u",
		 t->proc->index, t->index, fz_below(&t->rng, 1000));
}

static void flip_bit(struct fz_thread *t, void *p, size_t len)
{
	size_t bit = fz_below(&t->rng, (uint32_t)(len * 8));

	((uint8_t *)p)[bit / 8] ^= (uint8_t)(1 << (bit % 8));
}

/* One mutation of a valid request; fz_map_mutate() applies a few. */
static void mutate_once(struct fz_thread *t, struct fz_map *m)
{
	struct vmdev_create_device *c = &m->req;
	struct fz_rng *rng = &t->rng;
	uint32_t i;

	switch (fz_below(rng, 12)) {
	case 0:
		if (c->nr_regs)
			flip_bit(t, &m->regs[fz_below(rng, c->nr_regs)],
				 sizeof(m->regs[0]));
		break;
	case 1:
		if (c->nr_links)
			flip_bit(t, &m->links[fz_below(rng, c->nr_links)],
				 sizeof(m->links[0]));
		break;
	case 2:
		if (c->nr_irqs)
			flip_bit(t, &m->irqs[fz_below(rng, c->nr_irqs)],
				 sizeof(m->irqs[0]));
		break;
	case 3:
		if (c->nr_ranges)
			fz_range_gen(t, &m->ranges[fz_below(rng, c->nr_ranges)],
				     false);
		break;
	case 4:
		/* A count over its limit: refused before anything is read. */
		switch (fz_below(rng, 4)) {
		case 0:
			c->nr_regs = VMDEV_MAX_REGS + 1 + fz_below(rng, 4);
			break;
		case 1:
			c->nr_links = VMDEV_MAX_LINKS + 1 + fz_below(rng, 4);
			break;
		case 2:
			c->nr_irqs = VMDEV_MAX_IRQS + 1 + fz_below(rng, 4);
			break;
		default:
			c->nr_ranges = VMDEV_MAX_DEV_RANGES + 1 +
				       fz_below(rng, 4);
			break;
		}
		break;
	case 5:
		/* A count past the entries made: garbage entries. */
		i = 1 + fz_below(rng, 4);
		if (c->nr_regs + i <= VMDEV_MAX_REGS) {
			memset(&m->regs[c->nr_regs], 0xff & fz_u64(rng),
			       i * sizeof(m->regs[0]));
			c->nr_regs += i;
		}
		break;
	case 6:
		c->dev_size = fz_wild32(rng);
		break;
	case 7:
		c->flags = fz_wild32(rng);
		break;
	case 8:
		memset(c->name, 'x', sizeof(c->name));
		break;
	case 9:
		if (c->nr_regs) {
			struct vmdev_reg *r = &m->regs[fz_below(rng, c->nr_regs)];

			switch (fz_below(rng, 6)) {
			case 0:
				r->offset = fz_wild32(rng);
				break;
			case 1:
				r->width = (uint8_t)fz_below(rng, 17);
				break;
			case 2:
				r->type = (uint8_t)fz_below(rng, 256);
				break;
			case 3:
				r->sel_reg = (uint16_t)fz_below(rng, 300);
				r->sel_mask = fz_wild32(rng);
				break;
			case 4:
				r->pad2 = 1;
				break;
			default:
				r->flags = (uint16_t)fz_wild32(rng);
				break;
			}
		}
		break;
	case 10:
		/* Register and link indices at the very end of the map. */
		if (c->nr_links)
			m->links[0].dst = (uint16_t)c->nr_regs;
		else if (c->nr_irqs)
			m->irqs[0].status_reg = (uint16_t)c->nr_regs;
		break;
	default:
		if (c->nr_regs)
			m->regs[fz_below(rng, c->nr_regs)].reset = fz_wild64(rng);
		break;
	}
}

void fz_map_mutate(struct fz_thread *t, struct fz_map *m)
{
	uint32_t i, n = 1 + fz_below(&t->rng, 3);

	for (i = 0; i < n; i++)
		mutate_once(t, m);
}

/*
 * The answers the module may give to the create request m, whose struct
 * and arrays are all readable and well-formed (FZ_EXPECT_* bits): the
 * refusals of the name, the counts, the ranges and the map, the map's
 * verdict coming from the same register-device core compiled into this
 * program; success (or the context's refusals, EEXIST and ENOSPC) only
 * if none applies. Which of several refusals comes first is not
 * documented, so any of them will do.
 */
unsigned int fz_create_expect(const struct fz_map *m)
{
	const struct vmdev_create_device *c = &m->req;
	struct vmdev_rdev_desc d = {
		.flags = c->flags, .dev_size = c->dev_size,
		.nr_regs = c->nr_regs, .nr_links = c->nr_links,
		.nr_irqs = c->nr_irqs, .regs = m->regs, .links = m->links,
		.irqs = m->irqs,
	};
	unsigned int e = 0, i;
	int ret;

	if (strnlen(c->name, sizeof(c->name)) == sizeof(c->name))
		e |= FZ_EXPECT_EINVAL;
	if (c->nr_regs > VMDEV_MAX_REGS || c->nr_links > VMDEV_MAX_LINKS ||
	    c->nr_irqs > VMDEV_MAX_IRQS || c->nr_ranges > VMDEV_MAX_DEV_RANGES)
		return e | FZ_EXPECT_E2BIG;
	for (i = 0; i < c->nr_ranges; i++) {
		if (!range_valid(&m->ranges[i]))
			e |= FZ_EXPECT_EINVAL;
	}
	ret = vmdev_rdev_check(&d);
	if (ret == -EINVAL)
		e |= FZ_EXPECT_EINVAL;
	else if (ret == -E2BIG)
		e |= FZ_EXPECT_E2BIG;
	else if (ret)
		e |= FZ_EXPECT_OTHER;
	return e ? e : FZ_EXPECT_OK;
}
