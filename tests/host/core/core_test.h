/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the register-device core's host tests (core_*.c):
 * building registers and maps, and guest accesses that must succeed.
 */
#ifndef VMDEV_TESTS_CORE_TEST_H
#define VMDEV_TESTS_CORE_TEST_H

#include <errno.h>
#include <string.h>
#include "regdev.h"

/* A register at `offset`, not banked, with no argument. */
static inline struct vmdev_reg core_reg(u32 offset, u8 width, u8 type)
{
	struct vmdev_reg r;

	memset(&r, 0, sizeof(r));
	r.offset = offset;
	r.width = width;
	r.type = type;
	r.sel_reg = VMDEV_SEL_NONE;
	return r;
}

static inline struct vmdev_reg core_fifo(u32 offset, u8 width, u8 type,
					 u32 depth)
{
	struct vmdev_reg r = core_reg(offset, width, type);

	r.flags = type == VMDEV_REG_FIFO_IN ? VMDEV_REG_F_NOREAD :
					      VMDEV_REG_F_NOWRITE;
	r.arg.fifo.depth = depth;
	return r;
}

static inline struct vmdev_reg core_bank(struct vmdev_reg r, u16 sel_reg,
					 u32 mask, u32 val)
{
	r.sel_reg = sel_reg;
	r.sel_mask = mask;
	r.sel_val = val;
	return r;
}

/* A map under construction: fixed-size arrays, counts in desc. */
#define CORE_MAP_REGS	64
struct core_map {
	struct vmdev_reg regs[CORE_MAP_REGS];
	struct vmdev_link links[VMDEV_MAX_LINKS];
	struct vmdev_irq irqs[VMDEV_MAX_IRQS];
	struct vmdev_rdev_desc desc;
};

static inline void core_map_init(struct core_map *m, u32 flags, u32 size)
{
	memset(m, 0, sizeof(*m));
	m->desc.flags = flags;
	m->desc.dev_size = size;
	m->desc.regs = m->regs;
	m->desc.links = m->links;
	m->desc.irqs = m->irqs;
}

static inline u32 core_add_reg(struct core_map *m, struct vmdev_reg r)
{
	m->regs[m->desc.nr_regs] = r;
	return m->desc.nr_regs++;
}

static inline u32 core_add_link(struct core_map *m, u16 src, u16 dst,
				u32 cond, u64 mask)
{
	struct vmdev_link l = {
		.src = src, .dst = dst, .cond = cond, .mask = mask,
	};

	m->links[m->desc.nr_links] = l;
	return m->desc.nr_links++;
}

static inline u32 core_add_irq(struct core_map *m, u16 status, u16 enable,
			       u64 enable_mask, u32 flags)
{
	struct vmdev_irq irq = {
		.status_reg = status, .enable_reg = enable,
		.flags = flags, .enable_mask = enable_mask,
	};

	m->irqs[m->desc.nr_irqs] = irq;
	return m->desc.nr_irqs++;
}

/* FIFO entries as the VMM packs them: width bytes, native order. */
static inline u64 core_load(const void *p, u32 width)
{
	u8 v8;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (width) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

static inline void core_store(void *p, u32 width, u64 val)
{
	u8 v8 = val;
	u16 v16 = val;
	u32 v32 = val;

	switch (width) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &val, 8);
		break;
	}
}

/* Guest accesses that must complete; they fail the test otherwise. */
#define CORE_READ(dev, off, len) ({					\
	u64 __v = 0xdeadbeefdeadbeefULL;				\
	ASSERT_EQ(0, vmdev_rdev_access(dev, off, len, false, &__v, NULL)); \
	__v;								\
})

#define CORE_WRITE(dev, off, len, val) do {				\
	u64 __v = (val);						\
	ASSERT_EQ(0, vmdev_rdev_access(dev, off, len, true, &__v, NULL)); \
} while (0)

/* The VMM's view of a register. */
#define CORE_RAW(dev, reg) ({						\
	u64 __v = 0;							\
	ASSERT_EQ(0, vmdev_rdev_reg_read(dev, reg, &__v));		\
	__v;								\
})

#endif /* VMDEV_TESTS_CORE_TEST_H */
